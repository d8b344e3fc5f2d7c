"""The read-only overview of a plan in a follow-up period: what a committee member reads.

It renders the same assembled report (`follow_up_report`) as the report page, the PDF and the
Excel export, so the overview and the report always say the same.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from core.datastamp import kept
from planning.permissions import plan_or_404
from planning.selectors import scope_for
from reports.selectors import goal_page, goal_page_key, kept_follow_up_report, report_sources
from reports.selectors.display import decision_text
from reports.selectors.overview import overview_period, overview_periods


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
    activities and its assessment. Anyone who may read the plan may read its overview; a period
    that is not one of the plan's is a 404."""
    plan = plan_or_404(request.user, plan_id, scope_for(request.user))
    periods = overview_periods(plan)
    period = overview_period(periods, period_id)
    context = {
        "plan": plan,
        "periods": periods,
        "period": period,
        "report": None,
        "goals": (),
        # The decision as the reader's language writes dates: "29.11.2022 § 190" in Norwegian.
        "decision": decision_text(plan.decision_date, plan.decision_paragraph),
        # ?group=perspective: the goals under the organisation's perspectives.
        "by_perspective": request.GET.get("group") == "perspective",
    }
    if period is not None:
        # The period's part, rendered: the same for every reader (nothing in it is theirs),
        # kept as the report it shows is, per grouping and goal page asked for.
        # The grouping its links keep: by perspective, or the default (by goal).
        group = "perspective" if context["by_perspective"] else None
        goal = request.GET.get("goal")
        key = (
            f"overview:{plan.pk}:{period.pk}:{get_language()}:"
            f"{timezone.localdate().isoformat()}:{group}:{goal_page_key(goal)}"
        )
        sources = report_sources(plan)
        context["period_html"] = kept(
            key,
            lambda: _period_html(plan, period, context, group, goal, sources),
            until=period.ends_on,
            plans=sources,
        )
    else:
        context["goals"] = plan.goals.order_by("number")
    return render(request, "reports/overview.html", context)


def _period_html(
    plan, period, context: dict, group: str | None, goal: str | None, sources: tuple[int, ...]
) -> str:
    """The overview of the plan in the period: its summary and every goal (or one page)."""
    report = kept_follow_up_report(plan, period, sources)
    return render_to_string(
        "reports/includes/overview_period.html",
        {
            **context,
            "report": report,
            # A long plan a goal at a time (?goal=), its links keeping the grouping.
            "pages": goal_page(report, goal, {"group": group}),
            "report_url": optional_url("reports:report", plan.pk, period.pk),
            "pdf_url": optional_url("reports:pdf", plan.pk, period.pk),
        },
    )
