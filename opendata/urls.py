from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("kolada/kpis/", views.kpi_search, name="kolada_kpi_search"),
    path("plans/<int:plan_id>/sync/", views.sync_runs, name="plan_sync_runs"),
    path("plans/<int:plan_id>/sync/run/", views.sync_now, name="plan_sync"),
    path(
        "indicators/<int:indicator_id>/comparison/", views.comparison, name="indicator_comparison"
    ),
]
