"""Rolling a plan over to the next period: a new draft with the same goals and indicators.

`plan_roll_over` copies a plan to the period that follows it (a 2023 plan to 2024, a 2024–2027
plan to 2028–2031) as a draft, without the decision facts, with:
- its goals; the goal of the parent plan each contributes to is kept when the parent plan also
  covers the new years, and left out otherwise;
- their indicators with bands, targets and open-data links, each new indicator pointing at the
  old one (`predecessor`), so that trends run across the years;
- the activities that are not done: an activity is done when its latest status is done or
  cancelled.
Measurements, activity statuses and follow-ups stay with the old plan.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.versioning import Actor
from goals.models import Activity, ActivityStatus, Goal
from goals.services import activity_create, goal_create
from indicators.models import Indicator
from indicators.services import indicator_create
from planning.models import Plan
from planning.services import plan_create

PLAN_FIELDS = (
    "kind",
    "owner_unit",
    "responsible",
    "vision",
    "core_values",
    "steering_documents",
    "gender_equality",
    "child_rights",
    "sustainability",
)
GOAL_FIELDS = ("description", "scope")
INDICATOR_FIELDS = (
    "position",
    "scope",
    "subgoal",
    "definition",
    "unit",
    "unit_label",
    "decimals",
    "source",
    "frequency",
    "scale_max",
    "target_value",
    "target_text",
    "direction",
    "green_bound_inclusive",
    "red_bound",
    "red_bound_inclusive",
    "reuses",
    "kolada_kpi",
    "ssb_table",
    "ssb_selection",
)
ACTIVITY_FIELDS = (
    "position",
    "responsible_role",
    "unit",
    "responsible_user",
    "ongoing",
    "due_month",
    "evaluated_t1",
    "evaluated_t2",
    "evaluated_year_end",
)
FINISHED = frozenset({ActivityStatus.Status.DONE, ActivityStatus.Status.CANCELLED})


@transaction.atomic
def plan_roll_over(*, plan: Plan, actor: Actor, name: str | None = None) -> Plan:
    """Copy a plan to the next period as a draft; refuse if that plan exists already.

    The new plan is named `name`, or the old name with its years moved on ("Verksamhetsplan
    Omsorg 2023" becomes "... 2024"). Raises ValidationError if the organisation has a plan of
    that name starting in the new first year.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    length = len(plan.years)
    start_year, end_year = plan.start_year + length, plan.end_year + length
    name = name or next_name(plan, start_year, end_year)
    if Plan.objects.filter(
        organisation_id=plan.organisation_id, name=name, start_year=start_year
    ).exists():
        raise ValidationError(
            {
                "name": _('The plan "%(name)s" starting %(year)d already exists.')
                % {"name": name, "year": start_year}
            }
        )
    parent = plan.parent
    if parent is not None and not (parent.start_year <= start_year and end_year <= parent.end_year):
        parent = None
    new_plan = plan_create(
        organisation=plan.organisation,
        name=name,
        start_year=start_year,
        end_year=end_year,
        partner_organisations=list(plan.partner_organisations.all()),
        parent=parent,
        rolled_over_from=plan,
        actor=actor,
        **{field: getattr(plan, field) for field in PLAN_FIELDS},
    )
    goals = plan.goals.order_by("number").prefetch_related(
        "indicators", "activities__statuses__period"
    )
    for goal in goals:
        _goal_copy(goal, new_plan, keep_contribution=parent is not None, actor=actor)
    return new_plan


def next_name(plan: Plan, start_year: int, end_year: int) -> str:
    """The plan's name with its years moved on, or the same name if it names no years."""
    if plan.start_year == plan.end_year:
        return re.sub(rf"\b{plan.start_year}\b", str(start_year), plan.name)
    return re.sub(
        rf"\b{plan.start_year}(\s*[-–]\s*){plan.end_year}\b",
        lambda match: f"{start_year}{match[1]}{end_year}",
        plan.name,
    )


def _goal_copy(goal: Goal, plan: Plan, *, keep_contribution: bool, actor: Actor) -> Goal:
    copy = goal_create(
        plan=plan,
        number=goal.number,
        title=goal.title,
        contributes_to=goal.contributes_to if keep_contribution else None,
        actor=actor,
        **{field: getattr(goal, field) for field in GOAL_FIELDS},
    )
    for indicator in goal.indicators.all():
        _indicator_copy(indicator, copy, actor)
    for activity in goal.activities.all():
        if not is_finished(activity):
            activity_create(
                goal=copy,
                title=activity.title,
                actor=actor,
                **{field: getattr(activity, field) for field in ACTIVITY_FIELDS},
            )
    return copy


def _indicator_copy(indicator: Indicator, goal: Goal, actor: Actor) -> Indicator:
    return indicator_create(
        goal=goal,
        name=indicator.name,
        green_bound=indicator.green_bound,
        predecessor=indicator,
        actor=actor,
        **{field: getattr(indicator, field) for field in INDICATOR_FIELDS},
    )


def is_finished(activity: Activity) -> bool:
    """Whether the activity's latest status (by period) is done or cancelled."""
    latest = max(
        activity.statuses.all(),
        key=lambda status: (status.period.starts_on, status.reported_at),
        default=None,
    )
    return latest is not None and latest.status in FINISHED
