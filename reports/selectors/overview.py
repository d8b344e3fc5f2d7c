"""Reads for the overview of a plan (what a committee sees) and for the start page.

The overview renders `follow_up_report` for one period, like the report itself; what is read
here is only which periods it offers and which one it opens on.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from goals.models import ActivityStatus, GoalFollowUp
from indicators.models import Gender, Measurement
from planning.models import FollowUpPeriod, Plan, Role
from planning.permissions import can_edit_plan
from planning.selectors import Scope, plans_visible_to
from reports.selectors.lists import periods_for_plan

# --- The overview's periods ---------------------------------------------------------------------


def overview_periods(plan: Plan) -> list[FollowUpPeriod]:
    """The periods of the plan's years, in order, each saying whether the plan has data in it
    (`has_data`: a value, an activity status or a goal's assessment). One query."""
    measured = Measurement.objects.filter(
        indicator__goal__plan=plan, period=OuterRef("pk"), unit__isnull=True, gender=Gender.TOTAL
    )
    reported = ActivityStatus.objects.filter(activity__goal__plan=plan, period=OuterRef("pk"))
    assessed = GoalFollowUp.objects.filter(goal__plan=plan, period=OuterRef("pk"))
    periods = periods_for_plan(plan).annotate(
        has_values=Exists(measured), has_statuses=Exists(reported), has_analysis=Exists(assessed)
    )
    found = list(periods)
    for period in found:
        period.has_data = period.has_values or period.has_statuses or period.has_analysis
    return found


def _default_period(plan_periods: list[FollowUpPeriod]) -> FollowUpPeriod | None:
    """The latest period with data; else the open one; else the latest begun; else the first."""
    for period in reversed(plan_periods):
        if period.has_data:
            return period
    for period in reversed(plan_periods):
        if period.is_open:
            return period
    today = timezone.localdate()
    for period in reversed(plan_periods):
        if period.starts_on <= today:
            return period
    return plan_periods[0] if plan_periods else None


def overview_period(
    plan_periods: list[FollowUpPeriod], period_id: int | None
) -> FollowUpPeriod | None:
    """The period the overview shows: the one asked for (404 if it is not one of the plan's),
    or by default the latest with data (see `_default_period`); None if the plan has none."""
    if period_id is None:
        return _default_period(plan_periods)
    period = next((p for p in plan_periods if p.pk == period_id), None)
    if period is None:
        raise Http404
    return period


# --- The start page ----------------------------------------------------------------------------


@dataclass
class HomePlans:
    """The plans of the start page, by the part of the page that shows them."""

    planned: list[Plan] = field(default_factory=list)  # planner's or administrator's
    committee: list[Plan] = field(default_factory=list)  # of the user's committee
    other: list[Plan] = field(default_factory=list)  # readable, in neither list above


def _committee_covers(scope: Scope, plan: Plan) -> bool:
    if plan.organisation_id in scope.whole_organisations.get(Role.COMMITTEE_MEMBER, set()):
        return True
    return plan.owner_unit_id in scope.units.get(Role.COMMITTEE_MEMBER, set())


# What the start page shows of a plan and sorts it by: a list of tens of plans loads these
# columns alone (the organisation's name, not its settings).
HOME_PLAN_FIELDS = (
    "name",
    "kind",
    "status",
    "start_year",
    "end_year",
    "organisation_id",
    "owner_unit_id",
    "decided_by",
    "decision_date",
    "decision_paragraph",
    "organisation__name",
)


def home_plans(user, scope: Scope) -> HomePlans:
    """The plans the user may read, sorted into the start page's parts. One query.

    Each plan says whether one of its organisation's periods in its years is open for
    reporting (`has_open_period`).
    """
    open_period = FollowUpPeriod.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        is_open=True,
        year__gte=OuterRef("start_year"),
        year__lte=OuterRef("end_year"),
    )
    plans = (
        plans_visible_to(user, scope)
        .select_related(None)
        .select_related("organisation")
        .only(*HOME_PLAN_FIELDS)
        .annotate(has_open_period=Exists(open_period))
    )
    result = HomePlans()
    for plan in plans.order_by("-start_year", "name", "pk"):
        planned, committee = can_edit_plan(scope, plan), _committee_covers(scope, plan)
        if planned:
            result.planned.append(plan)
        if committee:
            result.committee.append(plan)
        if not (planned or committee):
            result.other.append(plan)
    return result
