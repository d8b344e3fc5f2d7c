from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create_view, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_update_view, name="plan_update"),
    path("<int:pk>/status/", views.plan_status_view, name="plan_set_status"),
    path("periods/", views.period_list, name="period_list"),
    path(
        "periods/organisation/<int:organisation_pk>/year/",
        views.periods_create_view,
        name="periods_create",
    ),
    path("periods/<int:pk>/open/", views.period_open_view, name="period_set_open"),
]
