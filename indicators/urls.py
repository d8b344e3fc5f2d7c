from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("plan/<int:plan_pk>/list/", views.indicator_list, name="indicator_list"),
    path("plan/<int:plan_pk>/bands/", views.bands_preview_view, name="bands_preview"),
    path("goal/<int:goal_pk>/new/", views.indicator_create_view, name="indicator_create"),
    path("<int:pk>/edit/", views.indicator_update_view, name="indicator_update"),
    path("<int:pk>/delete/", views.indicator_delete_view, name="indicator_delete"),
    path("<int:pk>/move/", views.indicator_move_view, name="indicator_move"),
]
