from django.urls import path

from indicators.views import history, opendata, overview, planner, reporting, transfer

app_name = "indicators"

urlpatterns: list = [
    # The unit manager's reporting page and its rows (indicators.views.reporting).
    path("reporting/", reporting.reporting, name="reporting"),
    path(
        "reporting/<int:period_id>/activities/<int:activity_id>/",
        reporting.activity_status,
        name="activity_status",
    ),
    path(
        "reporting/<int:period_id>/indicators/<int:indicator_id>/",
        reporting.measurement,
        name="measurement",
    ),
    path("<int:indicator_id>/band/", reporting.band_preview, name="band_preview"),
    # The committee's read-only overview of a plan (indicators.views.overview).
    path("plans/<int:plan_id>/overview/", overview.overview, name="overview"),
    path("plans/<int:plan_id>/overview/<int:period_id>/", overview.overview, name="overview"),
    # The planner's pages of a plan (indicators.views.planner, indicators.views.history).
    path("plan/<int:plan_pk>/", planner.plan_structure_view, name="plan_structure"),
    path("plan/<int:plan_pk>/list/", planner.indicator_list, name="indicator_list"),
    path("plan/<int:plan_pk>/decided/", planner.plan_decided_view, name="plan_decided"),
    path("plan/<int:plan_pk>/roll-over/", planner.plan_roll_over_view, name="plan_roll_over"),
    path("plan/<int:plan_pk>/bands/", planner.bands_preview_view, name="bands_preview"),
    path("goal/<int:goal_pk>/new/", planner.indicator_create_view, name="indicator_create"),
    path("<int:pk>/edit/", planner.indicator_update_view, name="indicator_update"),
    path("<int:pk>/delete/", planner.indicator_delete_view, name="indicator_delete"),
    path("<int:pk>/move/", planner.indicator_move_view, name="indicator_move"),
    path("plan/<int:plan_pk>/history/", history.plan_history_view, name="plan_history"),
    path("plan/<int:plan_pk>/restore/", history.history_restore_view, name="history_restore"),
    path("history/<str:kind>/<int:pk>/", history.object_history_view, name="object_history"),
    # Import and export of a plan as files (indicators.views.transfer).
    path("plans/<int:plan_id>/transfer/", transfer.transfer_page, name="plan_transfer"),
    path("plans/<int:plan_id>/export.xlsx", transfer.export_xlsx, name="plan_export_xlsx"),
    path("plans/<int:plan_id>/export/<str:kind>.csv", transfer.export_csv, name="plan_export_csv"),
    path("plans/<int:plan_id>/export.zip", transfer.export_csv_zip, name="plan_export_zip"),
    path("plans/<int:plan_id>/import/", transfer.import_preview, name="plan_import"),
    path(
        "plans/<int:plan_id>/import/confirm/", transfer.import_confirm, name="plan_import_confirm"
    ),
    path("plans/<int:plan_id>/import/cancel/", transfer.import_cancel, name="plan_import_cancel"),
    # Open data: Kolada KPI search, syncs and comparison values (indicators.views.opendata).
    path("kolada/kpis/", opendata.kpi_search, name="kolada_kpi_search"),
    path("plans/<int:plan_id>/sync/", opendata.sync_runs, name="plan_sync_runs"),
    path("plans/<int:plan_id>/sync/run/", opendata.sync_now, name="plan_sync"),
    path("<int:indicator_id>/comparison/", opendata.comparison, name="indicator_comparison"),
]
