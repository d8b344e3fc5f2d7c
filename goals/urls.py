from django.urls import path

from goals import views

app_name = "goals"

urlpatterns = [
    path("plan/<int:plan_pk>/new/", views.goal_create_view, name="goal_create"),
    path("plan/<int:plan_pk>/activities/", views.activity_list, name="activity_list"),
    path("<int:pk>/edit/", views.goal_update_view, name="goal_update"),
    path("<int:pk>/delete/", views.goal_delete_view, name="goal_delete"),
    path("<int:pk>/move/", views.goal_move_view, name="goal_move"),
    path("<int:goal_pk>/activities/new/", views.activity_create_view, name="activity_create"),
    path("activities/<int:pk>/edit/", views.activity_update_view, name="activity_update"),
    path("activities/<int:pk>/delete/", views.activity_delete_view, name="activity_delete"),
    path("activities/<int:pk>/move/", views.activity_move_view, name="activity_move"),
]
