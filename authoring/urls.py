from django.urls import path

from authoring import views

app_name = "authoring"

urlpatterns = [
    path("<int:plan_pk>/structure/", views.plan_structure_view, name="plan_structure"),
    path("<int:plan_pk>/decided/", views.plan_decided_view, name="plan_decided"),
    path("<int:plan_pk>/roll-over/", views.plan_roll_over_view, name="plan_roll_over"),
    path("<int:plan_pk>/history/", views.plan_history_view, name="plan_history"),
    path("<int:plan_pk>/restore/", views.history_restore_view, name="history_restore"),
    path("history/<str:kind>/<int:pk>/", views.object_history_view, name="object_history"),
]
