from django.urls import path

from transfer import export_views, views

app_name = "transfer"
JOB = "plans/<int:plan_id>/export/jobs/<int:pk>/"

urlpatterns = [
    path("plans/<int:plan_id>/", views.transfer_page, name="plan_transfer"),
    path("plans/<int:plan_id>/export.xlsx", export_views.export_xlsx, name="plan_export_xlsx"),
    path(
        "plans/<int:plan_id>/export/<str:kind>.csv",
        export_views.export_csv,
        name="plan_export_csv",
    ),
    path("plans/<int:plan_id>/export.zip", export_views.export_csv_zip, name="plan_export_zip"),
    path(JOB, export_views.export_job, name="plan_export_job"),
    path(JOB + "file/", export_views.export_job_file, name="plan_export_job_file"),
    path(JOB + "retry/", export_views.export_job_retry_view, name="plan_export_job_retry"),
    path("plans/<int:plan_id>/import/", views.import_preview, name="plan_import"),
    path("plans/<int:plan_id>/import/confirm/", views.import_confirm, name="plan_import_confirm"),
    path("plans/<int:plan_id>/import/cancel/", views.import_cancel, name="plan_import_cancel"),
    path("plans/<int:plan_id>/import/<slug:token>/", views.import_job, name="plan_import_job"),
    path("plans/<int:plan_id>/paste/", views.paste_view, name="plan_paste"),
    path("plans/<int:plan_id>/paste/save/", views.paste_confirm, name="plan_paste_confirm"),
]
