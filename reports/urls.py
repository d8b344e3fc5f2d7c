from django.urls import path

from reports.views import overview, report, reporting

app_name = "reports"

PLAN_PERIOD = "plan/<int:plan_id>/period/<int:period_id>/"

urlpatterns = [
    # The unit manager's reporting page and its rows.
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
    path(
        "reporting/indicators/<int:indicator_id>/band/", reporting.band_preview, name="band_preview"
    ),
    # The committee's overview of a plan.
    path("plan/<int:plan_id>/overview/", overview.overview, name="overview"),
    path("plan/<int:plan_id>/overview/<int:period_id>/", overview.overview, name="overview"),
    # The follow-up report of a plan and a period, its outputs, analysis and publishing.
    path(PLAN_PERIOD, report.report, name="report"),
    path(PLAN_PERIOD + "pdf/", report.report_pdf_view, name="pdf"),
    path(PLAN_PERIOD + "pdf/background/", report.report_pdf_job, name="pdf_job"),
    path(PLAN_PERIOD + "excel/", report.report_excel, name="excel"),
    path(PLAN_PERIOD + "goal/<int:goal_id>/analysis/", report.analysis, name="analysis"),
    path(PLAN_PERIOD + "readiness/", report.readiness, name="readiness"),
    path(PLAN_PERIOD + "publish/", report.publish, name="publish"),
    path("published/", report.published_list, name="published"),
    path("published/<int:pk>/pdf/", report.published_pdf, name="published_pdf"),
    path("published/<int:pk>/data/", report.published_data, name="published_data"),
    path(
        "organisation/<int:organisation_id>/period/<int:period_id>/",
        report.organisation_report,
        name="organisation",
    ),
    path("jobs/<int:pk>/", report.job, name="job"),
    path("jobs/<int:pk>/pdf/", report.job_pdf, name="job_pdf"),
    path("jobs/<int:pk>/retry/", report.job_retry, name="job_retry"),
]
