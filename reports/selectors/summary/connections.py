"""The plan's perspectives, and the lower plans' goals that contribute to its goals."""

from collections import defaultdict

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from goals.models import Activity, ActivityStatus, Goal
from planning.models import FollowUpPeriod, Plan
from reports.selectors.activities import of_goals
from reports.selectors.data import Contribution
from reports.selectors.data import Perspective as PlanPerspective

PERSPECTIVE_FIELDS = ("gender_equality", "child_rights", "sustainability")
# Lower plans whose goals count as contributing: those decided (or decided and archived).
CONTRIBUTING_STATUSES = (Plan.Status.DECIDED, Plan.Status.ARCHIVED)


# --- The plan's perspectives ----------------------------------------------------------------------


def perspectives(plan: Plan) -> tuple[PlanPerspective, ...]:
    """The cross-cutting perspectives the plan addresses, in the plan's order; empty ones left
    out."""
    found = []
    for name in PERSPECTIVE_FIELDS:
        text = (getattr(plan, name) or "").strip()
        if text:
            label = capfirst(str(Plan._meta.get_field(name).verbose_name))
            found.append(PlanPerspective(name, label, text))
    return tuple(found)


# --- The lower plans' contributions ---------------------------------------------------------------


def _latest_status(statuses: list[ActivityStatus]) -> ActivityStatus | None:
    return max(statuses, key=lambda status: status.period.starts_on, default=None)


def contributions(
    plan: Plan, period: FollowUpPeriod, goal_ids: list[int] | None = None
) -> dict[int, tuple[Contribution, ...]]:
    """The goals of the decided plans one level down that contribute to each goal of `plan`
    (of `goal_ids` only, when given), by the goal's pk, with how many of their activities
    followed up in the period are done.

    An activity counts as done when its latest status of the period's year, up to the period,
    is done (as the report reads its own activities). Two queries, whatever the number of
    lower plans.
    """
    goals = (
        of_goals(Goal.objects, "contributes_to", plan, goal_ids)
        .filter(plan__status__in=CONTRIBUTING_STATUSES)
        .select_related("plan", "plan__owner_unit", "plan__organisation")
        .prefetch_related(
            Prefetch("activities", queryset=Activity.objects.order_by("position", "id"))
        )
        .order_by("plan__name", "plan_id", "number")
    )
    goals = list(goals)
    if not goals:
        return {}
    statuses: dict[int, list[ActivityStatus]] = defaultdict(list)
    found = ActivityStatus.objects.filter(
        activity__goal__in=[goal.pk for goal in goals],
        period__year=period.year,
        period__starts_on__lte=period.starts_on,
    ).select_related("period")
    for status in found:
        statuses[status.activity_id].append(status)
    by_goal: dict[int, list[Contribution]] = defaultdict(list)
    for goal in goals:
        followed = [
            activity
            for activity in goal.activities.all()
            if period.is_year_end or activity.is_evaluated_in(period)
        ]
        done = 0
        for activity in followed:
            latest = _latest_status(statuses[activity.pk])
            done += latest is not None and latest.status == ActivityStatus.Status.DONE
        owner = goal.plan.owner_unit.name if goal.plan.owner_unit_id else ""
        by_goal[goal.contributes_to_id].append(
            Contribution(
                plan_name=goal.plan.name,
                owner=owner or goal.plan.organisation.display_name,
                number=goal.number,
                numbering=goal.numbering,
                title=goal.title,
                activities_done=done,
                activities_total=len(followed),
                share_done_text=share_text(done, len(followed)),
            )
        )
    return {pk: tuple(found) for pk, found in by_goal.items()}


def share_text(done: int, total: int) -> str:
    """The share of activities done, in words and per cent: "2 of 3 (67 %)"."""
    if not total:
        return _("No activities")
    return _("%(done)s of %(total)s (%(percent)s %%)") % {
        "done": done,
        "total": total,
        "percent": round(100 * done / total),
    }
