"""The read-only overview of a plan in a follow-up period: what a committee member reads."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from planning.selectors import scope_for
from reports.selectors.overview import plan_overview


def optional_url(name: str, *args) -> str | None:
    """The URL of a page another app provides (the reports), or None where it does not exist:
    the lower app links to the higher one without importing it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
@require_GET
def overview(request: HttpRequest, plan_id: int, period_id: int | None = None) -> HttpResponse:
    """Every goal with its indicators' colours, values, targets and trends, the progress of its
    activities and its assessment. Anyone who may read the plan may read its overview."""
    data = plan_overview(request.user, scope_for(request.user), plan_id, period_id)
    report_url = pdf_url = None
    if data.period is not None:
        report_url = optional_url("reports:report", data.plan.pk, data.period.pk)
        pdf_url = optional_url("reports:pdf", data.plan.pk, data.period.pk)
    return render(
        request,
        "reports/overview.html",
        {"overview": data, "report_url": report_url, "pdf_url": pdf_url},
    )
