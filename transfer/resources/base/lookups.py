"""What an import of a plan's rows finds by natural keys (`Lookups`), loaded once per import,
and why a period refuses what is imported into it (`period_refusal`)."""

from collections import defaultdict
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.period_locks import period_lock
from goals.models import Activity, ActivityStatus, Goal, SubGoal
from indicators.models import Indicator, Measurement
from planning.models import FollowUpPeriod, Perspective, Plan
from planning.services import ensure_plan_unlocked
from transfer.resources import vocabulary as words
from transfer.resources.periods import names_of

PUBLISHED = "published"  # the reason of PERIOD_WRITE_LOCKS for a published report


class Lookups:
    """Everything rows refer to, loaded once per import (one query per kind).

    Related objects are attached from these tables (an indicator's goal is the goal here, whose
    plan is the plan here), so that validating a row asks the database nothing more.
    """

    def __init__(self, plan: Plan):
        self.plan = plan
        self.organisation = plan.organisation
        self.positions: dict[tuple[str, int], int] = {}
        self._lock_checked: ValidationError | bool = False
        self._period_refusals: dict[int, str | None] = {}
        self._period_names: dict[int, dict[str, FollowUpPeriod]] = {}

    def ensure_unlocked(self) -> None:
        """Refuse changes to a decided or archived plan's structure (asked once per import)."""
        if self._lock_checked is False:
            try:
                ensure_plan_unlocked(self.plan)
                self._lock_checked = True
            except ValidationError as locked:
                self._lock_checked = locked
        if isinstance(self._lock_checked, ValidationError):
            raise self._lock_checked

    def period_refusal(self, period: FollowUpPeriod) -> str | None:
        """Why statuses and values may not be written in `period`, as the reporting page
        refuses them (closed for reporting, its report published), or None. Asked once per
        period and import (see `core.period_locks`)."""
        if period.pk not in self._period_refusals:
            self._period_refusals[period.pk] = period_refusal(self.plan, period)
        return self._period_refusals[period.pk]

    @cached_property
    def goals(self) -> dict[int, Goal]:
        found = {}
        for goal in Goal.objects.filter(plan=self.plan):
            goal.plan = self.plan
            found[goal.number] = goal
        return found

    def _goals_by_id(self) -> dict[int, Goal]:
        return {goal.pk: goal for goal in self.goals.values()}

    @cached_property
    def indicators(self) -> dict[tuple[int, str], Indicator]:
        goals = self._goals_by_id()
        found = {}
        for indicator in Indicator.objects.filter(goal__plan=self.plan).order_by("pk"):
            indicator.goal = goals[indicator.goal_id]
            found.setdefault((indicator.goal.number, indicator.name), indicator)
        return found

    @cached_property
    def activities(self) -> dict[tuple[int, str], Activity]:
        """By goal number and title (the first of a goal's activities with that title)."""
        found = {}
        for key, activity in sorted(self.activities_numbered.items()):
            found.setdefault((key[0], activity.title), activity)
        return found

    @cached_property
    def activities_numbered(self) -> dict[tuple[int, int], Activity]:
        """By goal number and the activity's number in its goal (1, 2...: its place), the
        stable key of a row: activities with the same title are each their own."""
        goals = self._goals_by_id()
        found = {}
        counts: dict[int, int] = defaultdict(int)
        rows = Activity.objects.filter(goal__plan=self.plan).order_by("goal_id", "position", "pk")
        for activity in rows:
            activity.goal = goals[activity.goal_id]
            counts[activity.goal_id] += 1
            found[activity.goal.number, counts[activity.goal_id]] = activity
        return found

    @cached_property
    def sub_goals(self) -> dict[tuple[int, str, str], SubGoal]:
        """By (goal number, "label", label) and (goal number, "title", title), normalised."""
        goals = self._goals_by_id()
        table: dict[tuple[int, str, str], SubGoal] = {}
        for sub_goal in SubGoal.objects.filter(goal__plan=self.plan).order_by("position", "pk"):
            sub_goal.goal = goals[sub_goal.goal_id]
            _sub_goal_keys(table, sub_goal)
        return table

    def sub_goal_register(self, sub_goal: SubGoal) -> None:
        """Make a sub-goal the import adds known to the rows that follow."""
        _sub_goal_keys(self.sub_goals, sub_goal)

    def sub_goal_of(self, number: int, text: str) -> SubGoal | None:
        """A goal's sub-goal as a row names it: by its label ("A"), its title, or both
        ("A: Fler i egen försörjning")."""
        table = self.sub_goals
        written = words.normalised(text)
        for key in ((number, "label", written), (number, "title", written)):
            if key in table:
                return table[key]
        label, _colon, title = text.partition(":")
        if title:
            found = table.get((number, "label", words.normalised(label)))
            if found is not None:
                return found
            return table.get((number, "title", words.normalised(title)))
        return None

    @cached_property
    def perspectives(self) -> dict[str, Perspective]:
        return {
            words.normalised(perspective.name): perspective
            for perspective in Perspective.objects.filter(organisation=self.organisation)
        }

    @cached_property
    def periods(self) -> dict[tuple[str, int], FollowUpPeriod]:
        found = {}
        for period in FollowUpPeriod.objects.filter(organisation=self.organisation):
            period.organisation = self.organisation
            found[period.kind, period.year] = period
        return found

    def period_of(self, kind: str, year: int) -> FollowUpPeriod | None:
        """The organisation's period named by `vocabulary.period_parts`: its kind ("T1"), the
        year-end (`vocabulary.YEAR_END_KIND`) or the nth period of the year ("#2")."""
        if kind == words.YEAR_END_KIND:
            return next(
                (p for (_kind, y), p in self.periods.items() if y == year and p.is_year_end), None
            )
        if kind.startswith("#"):
            ordinal = int(kind[1:])
            of_year = self.periods_by_year.get(year, [])
            return of_year[ordinal - 1] if ordinal <= len(of_year) else None
        return self.periods.get((kind, year))

    def period_named(self, name: str, year: int) -> FollowUpPeriod | None:
        """The period of `year` that `name` names: its code or its name in any language."""
        if year not in self._period_names:
            self._period_names[year] = names_of(self.periods_by_year.get(year, []))
        return self._period_names[year].get(words.normalised(name))

    @cached_property
    def periods_by_year(self) -> dict[int, list[FollowUpPeriod]]:
        """The organisation's periods of each year in the scheme's order (cumulative periods
        all start in January)."""
        found: dict[int, list[FollowUpPeriod]] = defaultdict(list)
        for period in sorted(self.periods.values(), key=lambda p: (p.position, p.starts_on)):
            found[period.year].append(period)
        return dict(found)

    @cached_property
    def units(self) -> dict[str, list]:
        found = defaultdict(list)
        for unit in self.organisation.units.all():
            unit.organisation = self.organisation
            found[words.normalised(unit.name)].append(unit)
        return dict(found)

    @cached_property
    def users(self) -> dict[str, Any]:
        members = get_user_model().objects.filter(memberships__organisation=self.organisation)
        return {user.get_username().casefold(): user for user in members.distinct()}

    @cached_property
    def statuses(self) -> dict[tuple[int, int], ActivityStatus]:
        rows = ActivityStatus.objects.filter(activity__goal__plan=self.plan)
        return {(status.activity_id, status.period_id): status for status in rows}

    @cached_property
    def measurements(self) -> dict[tuple[int, int, int | None, str], Measurement]:
        rows = Measurement.objects.filter(indicator__goal__plan=self.plan)
        return {(m.indicator_id, m.period_id, m.unit_id, m.gender): m for m in rows}

    @property
    def sub_goal_list(self) -> dict[int, SubGoal]:
        """The stored sub-goals, for `next_position`."""
        return {id(item): item for item in self.sub_goals.values() if item.pk is not None}

    def next_position(self, kind: str, goal: Goal) -> int:
        """The position after the goal's last indicator or activity (counted in memory)."""
        key = (kind, goal.number)
        if key not in self.positions:
            siblings = getattr(self, kind).values()
            self.positions[key] = 1 + max(
                (item.position for item in siblings if item.goal_id == goal.pk), default=-1
            )
        position = self.positions[key]
        self.positions[key] += 1
        return position


def _sub_goal_keys(table: dict, sub_goal: SubGoal) -> None:
    number = sub_goal.goal.number
    if sub_goal.label:
        table.setdefault((number, "label", words.normalised(sub_goal.label)), sub_goal)
    table.setdefault((number, "title", words.normalised(sub_goal.title)), sub_goal)


def period_refusal(plan: Plan, period: FollowUpPeriod) -> str | None:
    """Why nothing may be written in the plan's period, in words, or None."""
    if not period.is_open:
        return _(
            "%(period)s is closed for reporting: its statuses and values cannot be imported. "
            "Leave its rows as they are, or ask an administrator to open the period."
        ) % {"period": period}
    reason = period_lock(plan, period)
    if reason == PUBLISHED:
        return _(
            "The report for %(period)s is published: its statuses and values can no longer "
            "be changed. Leave its rows as they are."
        ) % {"period": period}
    if reason is not None:
        return _("%(period)s is locked: its statuses and values cannot be imported.") % {
            "period": period
        }
    return None
