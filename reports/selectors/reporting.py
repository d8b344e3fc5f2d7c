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

Planners and administrators of a plan report everything in it.

A large operation reports thousands of rows in a period, so the page is read in two steps: the
index (`reporting_index`) knows every row by its ids and whether it is reported, from plain
queries (the progress, the goals' "left" counts, the pages); the listing (`reporting_listing`)
fetches in full the rows of one page of one period. The number of queries does not depend on
the number of plans, goals, activities or indicators, and no query lists the ids of every row.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from goals.deadlines import overdue_text
from goals.models import Activity, ActivityStatus, Goal
from goals.selectors import with_overdue
from indicators.colour import NO_BASIS, Basis, Colour, TargetKind
from indicators.frequency import is_asked
from indicators.models import Gender, Indicator, Measurement
from planning.models import FollowUpPeriod, Plan, Role, Unit
from planning.permissions import REPORTERS, can_report
from planning.selectors import Scope, plans_visible_to
from reports.selectors.display import Band, band_of, person_name, target_label, value_text
from reports.selectors.values import basis_for, load_values, predecessor_path


@dataclass
class ActivityRow:
    """An activity to report in a period, with its current report."""

    period: FollowUpPeriod
    plan: Plan
    activity: Activity
    status: ActivityStatus | None
    can_write: bool
    for_whole_plan: bool
    # Filled by the view: the row's fields as plain data (`fields`; a form is built only for
    # a posted row), and what to tell the user about their last post.
    fields: object = None
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
    def overdue_text(self) -> str:
        """ "Overdue since 31 May 2026" when the deadline has passed and neither the latest
        reported status (`with_overdue`) nor this period's is done; else empty."""
        latest = getattr(self.activity, "latest_status", None)
        if self.status is not None and self.status.status == ActivityStatus.Status.DONE:
            latest = self.status.status
        if not self.activity.is_overdue(timezone.localdate(), latest):
            return ""
        return overdue_text(self.activity.due_on)

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
    # What a change or gap target compares the value with (`comparison_bases`).
    basis: Basis = NO_BASIS

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
        value = self.measurement.value if self.measurement else None
        return band_of(self.indicator, value, self.basis)

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
        texts = self.indicator.band_texts(self.basis)
        return [Band(colour, text) for colour, text in texts.items()]


# The indicators a row needs with it: its target's baseline, its organisation (the comparison
# group) and its predecessors (the baseline they measured).
ROW_INDICATOR_RELATED = ("baseline_period", "goal__plan__organisation", *predecessor_path())


def comparison_bases(period: FollowUpPeriod, indicators) -> dict[int, Basis]:
    """What the values of the change and gap targets among `indicators` are compared with in
    the period (the baseline, the reference), as the report compares them
    (`reports.selectors.values.basis_for`). Two queries; none without such a target."""
    comparing = [
        indicator
        for indicator in indicators
        if indicator.kind in (TargetKind.CHANGE, TargetKind.GAP)
    ]
    if not comparing:
        return {}
    values = load_values(period, comparing)
    return {
        indicator.pk: basis_for(values, indicator, values.measurements(indicator), period.year)
        for indicator in comparing
    }


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
            writable = can_report(self.scope, plan, unit)
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


def _units_of(organisation_ids: set[int]) -> dict[int, Unit]:
    return {unit.pk: unit for unit in Unit.objects.filter(organisation_id__in=organisation_ids)}


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
    rules = Reporting(user, scope, _units_of({plan.organisation_id for plan in plans}))
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
        ).values_list("activity_id", "period_id")
    )
    entered = set(
        Measurement.objects.filter(
            Q(unit__isnull=True) | Q(unit_id__in=behalf_units),
            indicator__goal__plan_id__in=plan_ids,
            period_id__in=period_ids,
            gender=Gender.TOTAL,
        ).values_list("indicator_id", "period_id", "unit_id")
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

    index = []
    for period in periods:
        block = PeriodIndex(period)
        mask = _evaluated(period)
        for plan in plans:
            if plan.period_problem(period) is not None:
                continue
            plan_writable, plan_unit = behalf[plan.pk]
            block.behalf[plan.pk] = plan_unit
            unit_id = plan_unit.pk if plan_unit is not None else None
            entry = PlanEntry(plan)
            for goal_pk, number, title in goals_by_plan[plan.pk]:
                goal = GoalEntry(goal_pk, number, title, plan)
                for pk, unit, organisation, responsible, evaluated in activities[goal_pk]:
                    if not evaluated & mask:
                        continue
                    shown, writable = rules.access(plan, unit_of(unit, organisation), responsible)
                    if shown:
                        goal.rows.append(
                            RowRef(ACTIVITY, pk, writable, (pk, period.pk) in reported)
                        )
                if plan_writable:
                    goal.rows += [
                        RowRef(INDICATOR, pk, True, (pk, period.pk, unit_id) in entered)
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

PAGE_SIZE = 50  # rows on a page, unless the user asks for another number
PAGE_SIZES = (25, 50, 100, 200)  # what may be asked; any other number takes the nearest below


def page_size(asked: str | None) -> int:
    """The page size asked for (`?size=`), bounded: a million rows is the largest size."""
    if not asked or not asked.isdigit():
        return PAGE_SIZE
    number = int(asked[:9])
    fitting = [size for size in PAGE_SIZES if size <= number]
    return fitting[-1] if fitting else PAGE_SIZES[0]


@dataclass
class Listing:
    """One page of the rows of one open period, grouped by plan and goal, and what the page
    needs to say where it is: every open period (with its progress), the period shown, the
    goal asked for, the filter and the page."""

    index: list[PeriodIndex]
    current: PeriodIndex | None = None
    plans: list[PlanBlock] = field(default_factory=list)
    page: Page | None = None
    size: int = PAGE_SIZE
    goal: GoalEntry | None = None
    unknown_goal: bool = False
    unreported: bool = False
    # The page on which each goal of the current period starts (for the jump links).
    goal_pages: dict[int, int] = field(default_factory=dict)

    @property
    def activity_rows(self) -> list[ActivityRow]:
        return [row for plan in self.plans for goal in plan.goals for row in goal.activities]

    @property
    def indicator_rows(self) -> list[IndicatorRow]:
        return [row for plan in self.plans for goal in plan.goals for row in goal.indicators]


def _shown_rows(
    period: PeriodIndex, goal: GoalEntry | None, unreported: bool
) -> list[tuple[GoalEntry, RowRef]]:
    """The period's rows in the page's order, narrowed to a goal and to what is left."""
    rows = []
    for entry in [goal] if goal is not None else period.goals:
        if unreported and not entry.left:
            continue  # everything in it is reported: the goal is left out
        for row in entry.rows:
            if unreported and row.can_write and row.reported:
                continue
            rows.append((entry, row))
    return rows


def reporting_listing(
    user,
    scope: Scope,
    *,
    period_id: int | None = None,
    goal_id: int | None = None,
    unknown_goal: bool = False,
    unreported: bool = False,
    page: str | int | None = 1,
    size: int = PAGE_SIZE,
    row_key: tuple[str, int] | None = None,
) -> Listing:
    """The page of rows asked for: of the period `period_id` (else the first open period with
    something to report), of the goal `goal_id` (unknown to the user: all goals, and
    `unknown_goal`), only what is left to report (`unreported`), page `page` of `size` rows
    (past the end: the last page). With `row_key` (kind, pk), the page that holds that row.

    The index's queries and four more, for the rows of the page.
    """
    index = reporting_index(user, scope)
    listing = Listing(index=index, size=size, unreported=unreported, unknown_goal=unknown_goal)
    candidates = [block for block in index if block.plans]
    current = next((block for block in candidates if block.period.pk == period_id), None)
    if current is None and candidates:
        current = candidates[0]
    if current is None:
        return listing
    listing.current = current
    if goal_id is not None:
        listing.goal = next((goal for goal in current.goals if goal.pk == goal_id), None)
        listing.unknown_goal = listing.goal is None
    rows = _shown_rows(current, listing.goal, unreported)
    for number, (goal, _row) in enumerate(rows):
        listing.goal_pages.setdefault(goal.pk, number // size + 1)
    if row_key is not None:
        found = next(
            (number for number, (_goal, row) in enumerate(rows) if (row.kind, row.pk) == row_key),
            None,
        )
        if found is not None:
            page = found // size + 1
    listing.page = Paginator(rows, size, allow_empty_first_page=True).get_page(page)
    listing.plans = _page_blocks(user, scope, current, list(listing.page.object_list))
    return listing


def _page_blocks(
    user, scope: Scope, block: PeriodIndex, rows: list[tuple[GoalEntry, RowRef]]
) -> list[PlanBlock]:
    """The rows of a page in full: activities with their units and statuses, indicators with
    their values (the plan's, or the unit's on whose behalf the user reports). Four queries."""
    period = block.period
    activity_ids = [row.pk for _goal, row in rows if row.kind == ACTIVITY]
    indicator_ids = [row.pk for _goal, row in rows if row.kind == INDICATOR]
    activities = with_overdue(Activity.objects.select_related("unit")).in_bulk(activity_ids)
    statuses = {
        status.activity_id: status
        for status in ActivityStatus.objects.filter(
            activity_id__in=activity_ids, period=period
        ).select_related("reported_by")
    }
    indicators = Indicator.objects.select_related(*ROW_INDICATOR_RELATED).in_bulk(indicator_ids)
    bases = comparison_bases(period, indicators.values())
    behalf_units = {unit.pk for unit in block.behalf.values() if unit is not None}
    measurements = {
        (measurement.indicator_id, measurement.unit_id): measurement
        for measurement in Measurement.objects.filter(
            Q(unit__isnull=True) | Q(unit_id__in=behalf_units),
            indicator_id__in=indicator_ids,
            period=period,
            gender=Gender.TOTAL,
        ).select_related("entered_by")
    }
    plans: list[PlanBlock] = []
    for goal, row in rows:
        plan = goal.plan
        if not plans or plans[-1].plan.pk != plan.pk:
            plans.append(PlanBlock(plan))
        goals = plans[-1].goals
        if not goals or goals[-1].goal.pk != goal.pk:
            goals.append(GoalBlock(goal))
        if row.kind == ACTIVITY:
            activity = activities[row.pk]
            goals[-1].activities.append(
                ActivityRow(
                    period=period,
                    plan=plan,
                    activity=activity,
                    status=statuses.get(row.pk),
                    can_write=row.can_write,
                    for_whole_plan=activity.unit_id is None,
                )
            )
        else:
            unit = block.behalf.get(plan.pk)
            goals[-1].indicators.append(
                IndicatorRow(
                    period=period,
                    plan=plan,
                    indicator=indicators[row.pk],
                    measurement=measurements.get((row.pk, unit.pk if unit else None)),
                    can_write=True,
                    unit=unit,
                    basis=bases.get(row.pk, NO_BASIS),
                )
            )
    return plans


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
        with_overdue(Activity.objects.all())
        .select_related("unit", "goal__plan__organisation", "goal__plan__owner_unit")
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
        Indicator.objects.select_related(*ROW_INDICATOR_RELATED, "goal__plan__owner_unit")
        .filter(pk=indicator_id)
        .first()
    )
    if indicator is None:
        raise Http404
    plan = indicator.goal.plan
    period = _period_and_plan_or_404(user, scope, period_id, plan)
    if not indicator.is_asked_in(period):
        raise Http404
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
        basis=comparison_bases(period, [indicator]).get(indicator.pk, NO_BASIS),
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
    "Listing",
    "PeriodIndex",
    "Reporting",
    "activity_row_or_404",
    "band_of",
    "has_reporter_role",
    "indicator_row_or_404",
    "is_unit_manager",
    "open_periods",
    "page_size",
    "person_name",
    "readable_indicator_or_404",
    "reporting_index",
    "reporting_listing",
    "target_label",
    "value_text",
]
