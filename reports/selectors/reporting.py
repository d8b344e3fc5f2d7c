"""Reads for the unit manager's reporting page: what a user reports in the open periods.

A user reports, per open follow-up period of their organisation and per decided plan they may
read:
- the activities evaluated in the period that belong to their units (the activity's unit is in
  their scope, or they are its responsible person);
- the activities without a unit, and the plan's indicator values, when the plan is owned by one
  of their units or by a unit above one of them ("the whole operation": the seed's "Alla chefer"
  activities). A unit manager below the plan's owner reports these on behalf of their own unit
  (see `Reporting.plan_reporter`), which is what `planning.permissions.can_report` is asked:
  the activities without a unit, and the indicator values of their own unit. The plan-wide
  values are written only by the managers of the plan's owner unit (or above it) and by the
  plan's planners: a unit manager below never overwrites the administration's figure.

A joint plan is followed up in its lead organisation's periods; the people of its partner
organisations report there the activities of their own units.

Planners and administrators of a plan report everything in it. The number of queries does not
depend on the number of plans, goals, activities or indicators.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.http import Http404

from goals.models import Activity, ActivityStatus, Goal
from indicators.colour import Colour
from indicators.models import Gender, Indicator, Measurement
from planning.models import FollowUpPeriod, Plan, Role, Unit
from planning.permissions import REPORTERS, can_report
from planning.selectors import Scope, plans_visible_to
from reports.selectors.display import Band, band_of, person_name, target_label, value_text


@dataclass
class ActivityRow:
    """An activity to report in a period, with its current report."""

    period: FollowUpPeriod
    plan: Plan
    activity: Activity
    status: ActivityStatus | None
    can_write: bool
    for_whole_plan: bool
    # Filled by the view: the row's form, and what to tell the user about their last post.
    form: object = None
    conflict: dict | None = None
    notice: str = ""
    saved: bool = False

    @property
    def key(self) -> str:
        return f"{self.period.pk}-{self.activity.pk}"

    @property
    def is_due(self) -> bool:
        return self.activity.is_due_by(self.period)

    @property
    def is_reported(self) -> bool:
        return self.status is not None

    @property
    def version(self) -> int:
        return self.status.version if self.status else 0

    @property
    def reporter_name(self) -> str:
        return person_name(self.status.reported_by) if self.status else ""


@dataclass
class IndicatorRow:
    """An indicator whose value is entered in a period: for the whole plan, or (`unit`) for the
    unit on whose behalf a unit manager below the plan's owner reports."""

    period: FollowUpPeriod
    plan: Plan
    indicator: Indicator
    measurement: Measurement | None
    can_write: bool
    unit: Unit | None = None
    form: object = None
    conflict: dict | None = None
    notice: str = ""
    saved: bool = False

    @property
    def key(self) -> str:
        return f"{self.period.pk}-{self.indicator.pk}"

    @property
    def is_entered(self) -> bool:
        return self.measurement is not None

    @property
    def version(self) -> int:
        return self.measurement.version if self.measurement else 0

    @property
    def enterer_name(self) -> str:
        return person_name(self.measurement.entered_by) if self.measurement else ""

    @property
    def band(self) -> Band:
        return band_of(self.indicator, self.measurement.value if self.measurement else None)

    @property
    def value_text(self) -> str:
        value = self.measurement.value if self.measurement else None
        return value_text(self.indicator, value, empty=Colour.NO_VALUE.label)

    @property
    def target(self) -> str:
        return target_label(self.indicator)

    @property
    def bands(self) -> list[Band]:
        """Every band of the indicator, green first, for the legend beside the input."""
        return [Band(colour, text) for colour, text in self.indicator.band_texts().items()]


@dataclass
class GoalBlock:
    goal: Goal
    activities: list[ActivityRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)


@dataclass
class PlanBlock:
    plan: Plan
    goals: list[GoalBlock] = field(default_factory=list)

    @property
    def activity_rows(self) -> list[ActivityRow]:
        return [row for block in self.goals for row in block.activities]

    @property
    def indicator_rows(self) -> list[IndicatorRow]:
        return [row for block in self.goals for row in block.indicators]


@dataclass
class PeriodBlock:
    """Everything a user reports in one open period."""

    period: FollowUpPeriod
    plans: list[PlanBlock] = field(default_factory=list)

    @property
    def activity_rows(self) -> list[ActivityRow]:
        return [row for plan in self.plans for row in plan.activity_rows]

    @property
    def indicator_rows(self) -> list[IndicatorRow]:
        return [row for plan in self.plans for row in plan.indicator_rows]

    @property
    def activities_total(self) -> int:
        return sum(1 for row in self.activity_rows if row.can_write)

    @property
    def activities_reported(self) -> int:
        return sum(1 for row in self.activity_rows if row.can_write and row.is_reported)

    @property
    def values_total(self) -> int:
        return sum(1 for row in self.indicator_rows if row.can_write)

    @property
    def values_entered(self) -> int:
        return sum(1 for row in self.indicator_rows if row.can_write and row.is_entered)


class Reporting:
    """Who reports what: the rules of the module docstring for one user.

    `units` are the units of the organisations concerned, by id (for the tree above a unit).
    """

    def __init__(self, user, scope: Scope, units: dict[int, Unit]):
        self.user = user
        self.scope = scope
        self.units = units
        self.reporter_units = sorted(
            set().union(*(scope.units.get(role, set()) for role in REPORTERS))
        )
        self._plan_reporter: dict[int, tuple[bool, Unit | None]] = {}

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

    def activity_access(self, plan: Plan, activity: Activity) -> tuple[bool, bool]:
        """(shown, writable) for an activity of a plan the user may read."""
        responsible = activity.responsible_user_id is not None and (
            activity.responsible_user_id == getattr(self.user, "pk", None)
        )
        if activity.unit_id is None:
            writable = self.plan_reporter(plan)[0]
        else:
            writable = can_report(self.scope, plan, activity.unit)
        return writable or responsible, writable


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


def _goals(plans: list[Plan]) -> list[Goal]:
    plans_by_id = {plan.pk: plan for plan in plans}
    goals = list(
        Goal.objects.filter(plan__in=plans)
        .order_by("plan_id", "number")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("unit").order_by("position", "pk"),
            ),
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")),
        )
    )
    for goal in goals:
        goal.plan = plans_by_id[goal.plan_id]
    return goals


def _units_of(organisation_ids: set[int]) -> dict[int, Unit]:
    return {unit.pk: unit for unit in Unit.objects.filter(organisation_id__in=organisation_ids)}


def reporting_periods(user, scope: Scope) -> list[PeriodBlock]:
    """Per open period, the plans, goals, activities and indicators the user reports.

    Goals with nothing for the user are left out, and so are plans without goals left.
    """
    periods = open_periods(scope)
    plans = _reportable_plans(user, scope, periods)
    if not plans:
        return [PeriodBlock(period) for period in periods]
    goals = _goals(plans)
    rules = Reporting(user, scope, _units_of({plan.organisation_id for plan in plans}))
    # On whose behalf the user reports each plan's values: None for the plan as a whole.
    behalf = {plan.pk: rules.plan_reporter(plan) for plan in plans}
    behalf_units = {unit.pk for _writable, unit in behalf.values() if unit is not None}

    activity_ids = [activity.pk for goal in goals for activity in goal.activities.all()]
    indicator_ids = [indicator.pk for goal in goals for indicator in goal.indicators.all()]
    period_ids = [period.pk for period in periods]
    statuses = {
        (status.activity_id, status.period_id): status
        for status in ActivityStatus.objects.filter(
            activity_id__in=activity_ids, period_id__in=period_ids
        ).select_related("reported_by")
    }
    measurements = {
        (measurement.indicator_id, measurement.period_id, measurement.unit_id): measurement
        for measurement in Measurement.objects.filter(
            Q(unit__isnull=True) | Q(unit_id__in=behalf_units),
            indicator_id__in=indicator_ids,
            period_id__in=period_ids,
            gender=Gender.TOTAL,
        ).select_related("entered_by")
    }

    goals_by_plan: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        goals_by_plan[goal.plan_id].append(goal)

    blocks = []
    for period in periods:
        block = PeriodBlock(period)
        for plan in plans:
            if plan.period_problem(period) is not None:
                continue
            plan_block = PlanBlock(plan)
            plan_writable, plan_unit = behalf[plan.pk]
            unit_id = plan_unit.pk if plan_unit is not None else None
            for goal in goals_by_plan[plan.pk]:
                goal_block = GoalBlock(goal)
                for activity in goal.activities.all():
                    if not activity.is_evaluated_in(period):
                        continue
                    shown, writable = rules.activity_access(plan, activity)
                    if shown:
                        goal_block.activities.append(
                            ActivityRow(
                                period=period,
                                plan=plan,
                                activity=activity,
                                status=statuses.get((activity.pk, period.pk)),
                                can_write=writable,
                                for_whole_plan=activity.unit_id is None,
                            )
                        )
                if plan_writable:
                    goal_block.indicators = [
                        IndicatorRow(
                            period=period,
                            plan=plan,
                            indicator=indicator,
                            measurement=measurements.get((indicator.pk, period.pk, unit_id)),
                            can_write=True,
                            unit=plan_unit,
                        )
                        for indicator in goal.indicators.all()
                    ]
                if goal_block.activities or goal_block.indicators:
                    plan_block.goals.append(goal_block)
            if plan_block.goals:
                block.plans.append(plan_block)
        blocks.append(block)
    return blocks


def _period_and_plan_or_404(user, scope: Scope, period_id: int, plan: Plan) -> FollowUpPeriod:
    """The period, if the user may read the plan and the plan is followed up in it."""
    period = FollowUpPeriod.objects.select_related("organisation").filter(pk=period_id).first()
    if (
        period is None
        or plan.status != Plan.Status.DECIDED
        or plan.period_problem(period) is not None
        or not plans_visible_to(user, scope).filter(pk=plan.pk).exists()
    ):
        raise Http404
    return period


def activity_row_or_404(user, scope: Scope, period_id: int, activity_id: int) -> ActivityRow:
    """One activity's row for the period, if the user may see it there; 404 otherwise.

    The period may be closed: the caller decides what a closed period allows.
    """
    activity = (
        Activity.objects.select_related(
            "unit", "goal__plan__organisation", "goal__plan__owner_unit"
        )
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise Http404
    plan = activity.goal.plan
    period = _period_and_plan_or_404(user, scope, period_id, plan)
    if not activity.is_evaluated_in(period):
        raise Http404
    rules = Reporting(user, scope, _units_of({plan.organisation_id}))
    shown, writable = rules.activity_access(plan, activity)
    if not shown:
        raise Http404
    status = (
        ActivityStatus.objects.select_related("reported_by")
        .filter(activity=activity, period=period)
        .first()
    )
    return ActivityRow(
        period=period,
        plan=plan,
        activity=activity,
        status=status,
        can_write=writable,
        for_whole_plan=activity.unit_id is None,
    )


def indicator_row_or_404(user, scope: Scope, period_id: int, indicator_id: int) -> IndicatorRow:
    """One indicator's row for the period, if the user reports the plan's values; else 404."""
    indicator = (
        Indicator.objects.select_related("goal__plan__organisation", "goal__plan__owner_unit")
        .filter(pk=indicator_id)
        .first()
    )
    if indicator is None:
        raise Http404
    plan = indicator.goal.plan
    period = _period_and_plan_or_404(user, scope, period_id, plan)
    rules = Reporting(user, scope, _units_of({plan.organisation_id}))
    writable, unit = rules.plan_reporter(plan)
    if not writable:
        raise Http404
    # A unit manager below the plan's owner writes their own unit's value, never the plan's.
    measurement = (
        Measurement.objects.select_related("entered_by")
        .filter(indicator=indicator, period=period, unit=unit, gender=Gender.TOTAL)
        .first()
    )
    return IndicatorRow(
        period=period,
        plan=plan,
        indicator=indicator,
        measurement=measurement,
        can_write=True,
        unit=unit,
    )


def readable_indicator_or_404(user, scope: Scope, indicator_id: int) -> Indicator:
    """An indicator of a plan the user may read; 404 otherwise."""
    indicator = (
        Indicator.objects.filter(pk=indicator_id, goal__plan__in=plans_visible_to(user, scope))
        .select_related("goal")
        .first()
    )
    if indicator is None:
        raise Http404
    return indicator


def has_reporter_role(scope: Scope) -> bool:
    """Whether the user has a role that reports (unit manager, planner, administrator)."""
    return scope.is_superuser or any(
        scope.units.get(role) or scope.whole_organisations.get(role) for role in REPORTERS
    )


def is_unit_manager(scope: Scope) -> bool:
    return bool(
        scope.units.get(Role.UNIT_MANAGER) or scope.whole_organisations.get(Role.UNIT_MANAGER)
    )


__all__ = [
    "ActivityRow",
    "Band",
    "IndicatorRow",
    "PeriodBlock",
    "Reporting",
    "activity_row_or_404",
    "band_of",
    "has_reporter_role",
    "indicator_row_or_404",
    "is_unit_manager",
    "open_periods",
    "person_name",
    "readable_indicator_or_404",
    "reporting_periods",
    "target_label",
    "value_text",
]
