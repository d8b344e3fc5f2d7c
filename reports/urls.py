from django.urls import path

from reports import views

app_name = "reports"

PLAN_PERIOD = "plan/<int:plan_id>/period/<int:period_id>/"

urlpatterns = [
    path(PLAN_PERIOD, views.report, name="report"),
    path(PLAN_PERIOD + "pdf/", views.report_pdf_view, name="pdf"),
    path(PLAN_PERIOD + "pdf/background/", views.report_pdf_job, name="pdf_job"),
    path(PLAN_PERIOD + "excel/", views.report_excel, name="excel"),
    path(PLAN_PERIOD + "goal/<int:goal_id>/analysis/", views.analysis, name="analysis"),
    path(PLAN_PERIOD + "readiness/", views.readiness, name="readiness"),
    path(PLAN_PERIOD + "publish/", views.publish, name="publish"),
    path("published/", views.published_list, name="published"),
    path("published/<int:pk>/pdf/", views.published_pdf, name="published_pdf"),
    path("published/<int:pk>/data/", views.published_data, name="published_data"),
    path(
        "organisation/<int:organisation_id>/period/<int:period_id>/",
        views.organisation_report,
        name="organisation",
    ),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/pdf/", views.job_pdf, name="job_pdf"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
]
