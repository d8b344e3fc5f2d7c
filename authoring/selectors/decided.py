"""The decided version of a plan: the plan as it was when it was marked decided, read from its
history. The plan is already narrowed to the user.

A large plan's decided version is long: above `settings.REPORT_WEB_MAX_ROWS` indicators and
activities (as for a report's web page) it is shown a goal at a time, the goal asked for with
`?goal=`, and its other goals listed."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from authoring.selectors.structure import activity_rows
from core.paging import GoalSteps
from goals.evaluation import names_by_mask
from goals.models import Activity, Goal, SubGoal
from goals.selectors import items_as_of
from indicators.models import Indicator
from indicators.selectors import with_display
from planning.models import Plan, scheme_rows


@dataclass
class DecidedVersion(GoalSteps):
    """The plan as it was when it was decided: its facts and goals (each with `decided_rows`,
    how many indicators and activities it had), and those shown with their indicators and
    activities (`decided_indicators`, `decided_activities`): every goal, or (`paged`) one,
    `current`."""

    at: datetime.datetime
    plan: Plan
    goals: list[Goal]
    shown: list[Goal]
    paged: bool = False
    current: Goal | None = None
    # The goal asked for (`?goal=`) was not one of the decided plan's: the first is shown.
    unknown: bool = False

    @property
    def rows(self) -> int:
        return sum(goal.decided_rows for goal in self.goals)


def plan_decisions(plan: Plan) -> list[datetime.datetime]:
    """Every moment the plan was marked decided, newest first (a reopened plan has several)."""
    return sorted(
        {
            moment
            for moment in plan.history.filter(status=Plan.Status.DECIDED)
            .exclude(decided_at=None)
            .values_list("decided_at", flat=True)
        },
        reverse=True,
    )


def _rows_by_goal(plan: Plan, at: datetime.datetime, goal_ids: list[int]) -> dict[int, int]:
    """How many indicators and activities each goal had at `at`. Two queries."""
    counts: dict[int, int] = dict.fromkeys(goal_ids, 0)
    for model in (Indicator, Activity):
        found = items_as_of(model, plan.pk, at).filter(goal_id__in=goal_ids).order_by()
        for goal_id, count in found.values_list("goal_id").annotate(count=Count("history_id")):
            counts[goal_id] += count
    return counts


def decided_version(plan: Plan, at: datetime.datetime, goal: str | None = None) -> DecidedVersion:
    """The plan with its goals, indicators and activities as of `at`, from their history: the
    goals all shown with their items, or, above `REPORT_WEB_MAX_ROWS` items, the goal `goal`
    (an id, as `?goal=` asks; else the first).

    Eight queries, whatever the size of the plan.
    """
    plan_then = plan.history.as_of(at)
    goals = list(Goal.history.as_of(at).filter(plan_id=plan.pk).order_by("number"))
    counts = _rows_by_goal(plan, at, [found.pk for found in goals])
    for found in goals:
        found.decided_rows = counts[found.pk]
    version = DecidedVersion(at=at, plan=plan_then, goals=goals, shown=goals)
    if goals and version.rows > settings.REPORT_WEB_MAX_ROWS:
        asked = {str(found.pk): found for found in goals}.get((goal or "").strip())
        version.paged, version.unknown = True, bool(goal) and asked is None
        version.current = asked or goals[0]
        version.shown = [version.current]
    _with_items(version.shown, plan, at)
    return version


def _with_items(goals: list[Goal], plan: Plan, at: datetime.datetime) -> None:
    """Give each goal its indicators and activities as of `at` (`decided_indicators`, with
    their `sub_goal_title`, and `decided_activities`, as the plan page's `ActivityRow`). Four
    queries (with the organisation's scheme)."""
    goal_ids = [goal.pk for goal in goals]
    indicators = items_as_of(Indicator, plan.pk, at).filter(goal_id__in=goal_ids)
    by_goal: dict[int, list[Indicator]] = {pk: [] for pk in goal_ids}
    indicator_list = sorted(indicators, key=lambda item: (item.position, item.pk))
    # The sub-goals' titles as decided too (the record's `sub_goal` is today's, a query each).
    # Each lookup is asked also when it has no ids ([0]): the same queries for every goal.
    sub_goal_ids = {item.sub_goal_id for item in indicator_list if item.sub_goal_id} or {0}
    sub_goals = dict(
        SubGoal.history.as_of(at).filter(id__in=sub_goal_ids).values_list("id", "title")
    )
    for indicator in indicator_list:
        indicator.sub_goal_title = sub_goals.get(indicator.sub_goal_id, "")
        by_goal[indicator.goal_id].append(indicator)
    activities = activity_rows(goal_ids, then=items_as_of(Activity, plan.pk, at))
    names_of = names_by_mask(scheme_rows(plan.organisation))
    for goal in goals:
        goal.decided_indicators = with_display(by_goal[goal.pk])
        goal.decided_activities = activities.get(goal.pk, [])
        for activity in goal.decided_activities:
            activity.evaluated_names = names_of(activity)
