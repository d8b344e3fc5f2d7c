"""The start page: what each of the user's roles needs first.

- planners and administrators: the plans of their units, with links to each plan;
- unit managers: their activities and indicators in the open periods, with how far they got;
- committee members: the plans of their committee, with links to the overviews.
A user with several roles sees each part.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from core.datastamp import NO_PERIODS, kept
from core.links import url_by_id
from planning.models import Plan
from planning.selectors import Scope, scope_for
from reports.selectors.overview import home_plans
from reports.selectors.reporting import is_unit_manager, reporting_index
from reports.views.overview import optional_url


def home(request: HttpRequest) -> HttpResponse:
    """The start page: each role's part, or a way to log in."""
    if not request.user.is_authenticated:
        return render(request, "reports/home.html", {})
    scope = scope_for(request.user)
    # The lists of plans show nothing of a period's reports: kept until a plan, a unit, a role
    # or a period's opening changes, for everyone with the same scope, in their language.
    plans_html, has_plans = kept(
        f"home-plans:{scope.digest()}:{get_language()}",
        lambda: _plans_html(request.user, scope),
        until=NO_PERIODS,
    )
    return render(
        request,
        "reports/home.html",
        {
            "plans_html": plans_html,
            "has_plans": has_plans,
            # The counts of every open period, from the reporting page's index (by ids).
            "reporting": reporting_index(request.user, scope) if is_unit_manager(scope) else None,
        },
    )


def _plans_html(user, scope: Scope) -> tuple[str, bool]:
    """The start page's lists of plans (`home_plans`) as HTML, and whether there is any."""
    plans = home_plans(user, scope)
    page_url, overview_url = url_by_id("authoring:plan_structure"), url_by_id("reports:overview")
    # The statuses' names looked up once, not once per plan (`get_status_display`).
    status_labels = dict(Plan.Status.choices)
    shown = (*plans.planned, *plans.committee, *plans.other)
    for plan in shown:
        plan.status_label = status_labels[plan.status]
        plan.page_url = page_url(plan.pk)
        plan.overview_url = overview_url(plan.pk)
        plan.report_now = plan.has_open_period and plan.status == Plan.Status.DECIDED
    context = {
        "plans": plans,
        "published_url": optional_url("reports:published") if plans.committee else None,
    }
    return render_to_string("reports/includes/home_plans.html", context), bool(shown)
