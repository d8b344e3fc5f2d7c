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
    # The plan page's small requests: a plan written in place.
    path("<int:plan_pk>/structure/goals/", views.goal_add_view, name="goal_add"),
    path("<int:plan_pk>/structure/part/", views.plan_fragment_view, name="plan_fragment"),
    path("<int:plan_pk>/structure/undo/", views.undo_view, name="undo"),
    path(
        "<int:plan_pk>/structure/thresholds/",
        views.thresholds_preview_view,
        name="thresholds_preview",
    ),
    path("structure/goal/<int:goal_pk>/add/<str:kind>/", views.item_add_view, name="item_add"),
    path("structure/<str:kind>/<int:pk>/", views.item_in_place_view, name="item_in_place"),
    path("structure/<str:kind>/<int:pk>/delete/", views.item_delete_view, name="item_delete"),
    path("structure/<str:kind>/<int:pk>/place/", views.item_place_view, name="item_place"),
]
