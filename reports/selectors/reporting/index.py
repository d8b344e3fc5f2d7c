"""What a user reports in the open periods, known by ids (`reporting_index`)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from goals.models import Activity, ActivityStatus, Goal
from indicators.frequency import is_asked
from indicators.models import Gender, Indicator, Measurement
from planning.models import FollowUpPeriod, Plan, Role, Unit
from planning.permissions import REPORTERS, can_report
from planning.selectors import Scope, plans_visible_to
from reports.selectors.reporting.rows import ActivityRow, IndicatorRow


@dataclass
class GoalBlock:
    """A goal's rows on one page of the listing."""

    goal: "GoalEntry"
    activities: list[ActivityRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def left(self) -> int:
        """Left to report in the whole goal (all pages), as the jump links say."""
        return self.goal.left


@dataclass
class PlanBlock:
    plan: Plan
    goals: list[GoalBlock] = field(default_factory=list)


# --- The index: every row of every open period, by its ids ----------------------------------------

ACTIVITY, INDICATOR = "activity", "indicator"


@dataclass(frozen=True)
class RowRef:
    """A row of the index: an activity or an indicator to report in a period."""

    kind: str  # ACTIVITY or INDICATOR
    pk: int
    can_write: bool
    reported: bool

    @property
    def left(self) -> bool:
        return self.can_write and not self.reported


@dataclass
class GoalEntry:
    """A goal with the rows the user reports under it in a period (activities first)."""

    pk: int
    number: int
    title: str
    plan: Plan
    rows: list[RowRef] = field(default_factory=list)

    @property
    def left(self) -> int:
        return sum(1 for row in self.rows if row.left)


@dataclass
class PlanEntry:
    plan: Plan
    goals: list[GoalEntry] = field(default_factory=list)


@dataclass
class PeriodIndex:
    """Everything a user reports in one open period, by ids: counts, goals and pages."""

    period: FollowUpPeriod
    plans: list[PlanEntry] = field(default_factory=list)
    # On whose behalf the user reports each plan's values (see `Reporting.plan_reporter`).
    behalf: dict[int, Unit | None] = field(default_factory=dict)

    @property
    def goals(self) -> list[GoalEntry]:
        return [goal for plan in self.plans for goal in plan.goals]

    def _count(self, kind: str, reported: bool) -> int:
        return sum(
            1
            for goal in self.goals
            for row in goal.rows
            if row.kind == kind and row.can_write and (row.reported or not reported)
        )

    @property
    def activities_total(self) -> int:
        return self._count(ACTIVITY, reported=False)

    @property
    def activities_reported(self) -> int:
        return self._count(ACTIVITY, reported=True)

    @property
    def values_total(self) -> int:
        return self._count(INDICATOR, reported=False)

    @property
    def values_entered(self) -> int:
        return self._count(INDICATOR, reported=True)

    @property
    def left(self) -> int:
        return sum(goal.left for goal in self.goals)


class Reporting:
    """Who reports what: the rules of the module docstring for one user.

    `units` are, by id, the units the user reports for and those above them (`_units_of`):
    the tree the rules walk up from a unit of the user's to a plan's owner unit.
    """

    def __init__(self, user, scope: Scope, units: dict[int, Unit]):
        self.user = user
        self.scope = scope
        self.units = units
        self.reporter_units = sorted(
            set().union(*(scope.units.get(role, set()) for role in REPORTERS))
        )
        self._plan_reporter: dict[int, tuple[bool, Unit | None]] = {}
        # Whether the user reports for a unit in a plan, by (plan, unit): a plan's hundreds of
        # activities belong to a few units.
        self._unit_reporter: dict[tuple[int, int], bool] = {}

    def _is_below(self, unit_id: int, ancestor_id: int) -> bool:
        node = self.units.get(unit_id)
        seen = set()
        while node is not None and node.pk not in seen:
            if node.pk == ancestor_id:
                return True
            seen.add(node.pk)
            node = self.units.get(node.parent_id) if node.parent_id else None
        return False

    def plan_reporter(self, plan: Plan) -> tuple[bool, Unit | None]:
        """Whether the user reports for the plan as a whole, and on behalf of which unit.

        The unit is None when the user's role covers the plan's owner (or its organisation);
        otherwise it is the user's own unit below the owner, for which they may report.
        """
        if plan.pk not in self._plan_reporter:
            result: tuple[bool, Unit | None] = (False, None)
            if can_report(self.scope, plan, None):
                result = (True, None)
            elif plan.owner_unit_id is not None:
                for unit_id in self.reporter_units:
                    unit = self.units.get(unit_id)
                    if (
                        unit is not None
                        and self._is_below(unit_id, plan.owner_unit_id)
                        and can_report(self.scope, plan, unit)
                    ):
                        result = (True, unit)
                        break
            self._plan_reporter[plan.pk] = result
        return self._plan_reporter[plan.pk]

    def access(
        self, plan: Plan, unit: Unit | None, responsible_user_id: int | None
    ) -> tuple[bool, bool]:
        """(shown, writable) for an activity of `unit` (None: the whole plan's) of a plan the
        user may read."""
        responsible = responsible_user_id is not None and (
            responsible_user_id == getattr(self.user, "pk", None)
        )
        if unit is None:
            writable = self.plan_reporter(plan)[0]
        else:
            key = (plan.pk, unit.pk)
            if key not in self._unit_reporter:
                self._unit_reporter[key] = can_report(self.scope, plan, unit)
            writable = self._unit_reporter[key]
        return writable or responsible, writable

    def activity_access(self, plan: Plan, activity: Activity) -> tuple[bool, bool]:
        """(shown, writable) for an activity of a plan the user may read."""
        return self.access(plan, activity.unit, activity.responsible_user_id)


def _reporter_organisations(scope: Scope) -> Q:
    """The organisations in which the user reports: a filter on follow-up periods. Their own,
    and the lead organisations of the decided joint plans their organisations are partners of
    (a joint plan is followed up in its lead's periods)."""
    whole = set().union(*(scope.whole_organisations.get(role, set()) for role in REPORTERS))
    units = set().union(*(scope.units.get(role, set()) for role in REPORTERS))
    own = whole | {
        scope.unit_organisation[unit] for unit in units if unit in scope.unit_organisation
    }
    joint = Plan.objects.filter(partner_organisations__in=own, status=Plan.Status.DECIDED).values(
        "organisation_id"
    )
    return (
        Q(organisation_id__in=whole)
        | Q(organisation__units__in=units)
        | Q(organisation_id__in=joint)
    )


def open_periods(scope: Scope) -> list[FollowUpPeriod]:
    """The periods open for reporting in the organisations where the user reports."""
    periods = FollowUpPeriod.objects.filter(is_open=True).select_related("organisation")
    if not scope.is_superuser:
        periods = periods.filter(_reporter_organisations(scope)).distinct()
    return list(periods.order_by("organisation__name", "year", "starts_on"))


def _reportable_plans(user, scope: Scope, periods: list[FollowUpPeriod]) -> list[Plan]:
    """The decided plans the user may read that are followed up in one of the periods."""
    if not periods:
        return []
    in_a_period = Q()
    for period in periods:
        in_a_period |= Q(
            organisation_id=period.organisation_id,
            start_year__lte=period.year,
            end_year__gte=period.year,
        )
    return list(
        plans_visible_to(user, scope)
        .filter(in_a_period, status=Plan.Status.DECIDED)
        .order_by("name", "pk")
    )


def _units_of(scope: Scope) -> dict[int, Unit]:
    """The units `Reporting` walks: those the user reports for and every unit above them (the
    tree above a unit of theirs is in `scope.above`), not the organisation's whole tree."""
    wanted = set().union(*(scope.units.get(role, set()) for role in REPORTERS)) | scope.above
    return {unit.pk: unit for unit in Unit.objects.filter(pk__in=wanted)}


def _evaluated(period: FollowUpPeriod) -> int:
    """The months an activity's `evaluated_months` must share with the period for it to be
    evaluated in it (as `Activity.is_evaluated_in`)."""
    return period.months_mask


def reporting_index(user, scope: Scope) -> list[PeriodIndex]:
    """Per open period, every row the user reports, by ids, with whether it is reported.

    Goals with nothing for the user are left out, and so are plans without goals left. Eight
    queries of plain values, whatever the number of rows.
    """
    periods = open_periods(scope)
    plans = _reportable_plans(user, scope, periods)
    if not plans:
        return [PeriodIndex(period) for period in periods]
    plan_ids = [plan.pk for plan in plans]
    rules = Reporting(user, scope, _units_of(scope))
    behalf = {plan.pk: rules.plan_reporter(plan) for plan in plans}
    behalf_units = {unit.pk for _writable, unit in behalf.values() if unit is not None}
    period_ids = [period.pk for period in periods]

    goals_by_plan: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for pk, plan_id, number, title in (
        Goal.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "number", "pk")
        .values_list("pk", "plan_id", "number", "title")
    ):
        goals_by_plan[plan_id].append((pk, number, title))
    activities: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Activity.objects.filter(goal__plan_id__in=plan_ids)
        .order_by("goal_id", "position", "pk")
        .values_list(
            "goal_id", "pk", "unit_id", "unit__organisation_id", "responsible_user_id",
            "evaluated_months",
        )
    ):  # fmt: skip
        activities[row[0]].append(row[1:])
    indicators: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for goal_id, pk, frequency in (
        Indicator.objects.filter(goal__plan_id__in=plan_ids)
        .order_by("goal_id", "position", "pk")
        .values_list("goal_id", "pk", "frequency")
    ):
        indicators[goal_id].append((pk, frequency))
    reported = set(
        ActivityStatus.objects.filter(
            activity__goal__plan_id__in=plan_ids, period_id__in=period_ids
        )
        .order_by()  # a set: the default ordering would join the plan only to sort
        .values_list("activity_id", "period_id")
    )
    entered = set(
        Measurement.objects.filter(
            Q(unit__isnull=True) | Q(unit_id__in=behalf_units),
            indicator__goal__plan_id__in=plan_ids,
            period_id__in=period_ids,
            gender=Gender.TOTAL,
        )
        .order_by()
        .values_list("indicator_id", "period_id", "unit_id")
    )

    unit_stand_ins: dict[int, Unit] = {}

    def unit_of(unit_id: int | None, organisation_id: int | None) -> Unit | None:
        """The activity's unit as the rules need it (its id and organisation)."""
        if unit_id is None:
            return None
        if unit_id not in unit_stand_ins:
            unit_stand_ins[unit_id] = rules.units.get(unit_id) or Unit(
                pk=unit_id, organisation_id=organisation_id
            )
        return unit_stand_ins[unit_id]

    user_pk = getattr(user, "pk", None)
    index = []
    for period in periods:
        block = PeriodIndex(period)
        mask, period_pk = _evaluated(period), period.pk
        for plan in plans:
            if plan.period_problem(period) is not None:
                continue
            plan_writable, plan_unit = behalf[plan.pk]
            block.behalf[plan.pk] = plan_unit
            unit_id = plan_unit.pk if plan_unit is not None else None
            entry = PlanEntry(plan)
            # (shown, writable) by the activity's unit and whether the user is responsible:
            # all the rules weigh, asked once for a plan's thousands of activities.
            access: dict[tuple[int | None, bool], tuple[bool, bool]] = {}
            for goal_pk, number, title in goals_by_plan[plan.pk]:
                goal = GoalEntry(goal_pk, number, title, plan)
                for pk, unit, organisation, responsible, evaluated in activities[goal_pk]:
                    if not evaluated & mask:
                        continue
                    key = (unit, responsible is not None and responsible == user_pk)
                    if key not in access:
                        access[key] = rules.access(plan, unit_of(unit, organisation), responsible)
                    shown, writable = access[key]
                    if shown:
                        goal.rows.append(
                            RowRef(ACTIVITY, pk, writable, (pk, period_pk) in reported)
                        )
                if plan_writable:
                    goal.rows += [
                        RowRef(INDICATOR, pk, True, (pk, period_pk, unit_id) in entered)
                        for pk, frequency in indicators[goal_pk]
                        # Only the values asked for in the period (a yearly one at the year-end).
                        if is_asked(frequency, period, plan.start_year)
                    ]
                if goal.rows:
                    entry.goals.append(goal)
            if entry.goals:
                block.plans.append(entry)
        index.append(block)
    return index


# --- The listing: one page of one period's rows, in full ------------------------------------------


def has_reporter_role(scope: Scope) -> bool:
    """Whether the user has a role that reports (unit manager, planner, administrator)."""
    return scope.is_superuser or any(
        scope.units.get(role) or scope.whole_organisations.get(role) for role in REPORTERS
    )


def is_unit_manager(scope: Scope) -> bool:
    return bool(
        scope.units.get(Role.UNIT_MANAGER) or scope.whole_organisations.get(Role.UNIT_MANAGER)
    )
