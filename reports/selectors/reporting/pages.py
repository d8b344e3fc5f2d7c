"""One page of one period's rows, fetched in full (`reporting_listing`), and single rows."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404

from goals.models import Activity, ActivityStatus
from goals.selectors import with_latest_status
from indicators.colour import NO_BASIS
from indicators.models import Gender, Indicator, Measurement
from planning.models import FollowUpPeriod, Plan
from planning.selectors import Scope, plan_is_visible, plans_visible_to
from reports.selectors.reporting.index import (
    ACTIVITY,
    INDICATOR,
    GoalBlock,
    GoalEntry,
    PeriodIndex,
    PlanBlock,
    Reporting,
    RowRef,
    _units_of,
    reporting_index,
)
from reports.selectors.reporting.rows import (
    ROW_INDICATOR_RELATED,
    ActivityRow,
    IndicatorRow,
    comparison_bases,
    row_basis,
)

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
    # By id, unordered: a model's default ordering would join the plan only to sort them.
    # Their latest status: each row weighs whether it is overdue (`ActivityRow.overdue_text`).
    activities = (
        with_latest_status(Activity.objects.select_related("unit")).order_by().in_bulk(activity_ids)
    )
    statuses = {
        status.activity_id: status
        for status in ActivityStatus.objects.filter(activity_id__in=activity_ids, period=period)
        .select_related("reported_by")
        .order_by()
    }
    indicators = (
        Indicator.objects.select_related(*ROW_INDICATOR_RELATED).order_by().in_bulk(indicator_ids)
    )
    bases = comparison_bases(period, indicators.values())
    behalf_units = {unit.pk for unit in block.behalf.values() if unit is not None}
    measurements = {
        (measurement.indicator_id, measurement.unit_id): measurement
        for measurement in Measurement.objects.filter(
            Q(unit__isnull=True) | Q(unit_id__in=behalf_units),
            indicator_id__in=indicator_ids,
            period=period,
            gender=Gender.TOTAL,
        )
        .select_related("entered_by")
        .order_by()
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
        or not plan_is_visible(user, scope, plan)
    ):
        raise Http404
    return period


def activity_row_or_404(
    user, scope: Scope, period_id: int, activity_id: int, *, stored: bool = True
) -> ActivityRow:
    """One activity's row for the period, if the user may see it there; 404 otherwise.

    The period may be closed: the caller decides what a closed period allows. With
    `stored=False` the row's status is not read (a write reads it again, locked): the caller
    calls `read_stored` before it shows the row as it stands.
    """
    # One row by its key: no ordering (a model's default one joins the plan to sort one row).
    # Its latest status only: the row weighs whether it is overdue itself (`overdue_text`).
    activity = (
        with_latest_status(Activity.objects.all())
        .select_related("unit", "goal__plan__owner_unit")
        .filter(pk=activity_id)
        .order_by()
        .first()
    )
    if activity is None:
        raise Http404
    plan = activity.goal.plan
    period = _period_and_plan_or_404(user, scope, period_id, plan)
    if not activity.is_evaluated_in(period):
        raise Http404
    rules = Reporting(user, scope, _units_of(scope))
    shown, writable = rules.activity_access(plan, activity)
    if not shown:
        raise Http404
    row = ActivityRow(
        period=period,
        plan=plan,
        activity=activity,
        status=None,
        can_write=writable,
        for_whole_plan=activity.unit_id is None,
    )
    if stored:
        read_stored(row)
    return row


def indicator_row_or_404(
    user, scope: Scope, period_id: int, indicator_id: int, *, stored: bool = True
) -> IndicatorRow:
    """One indicator's row for the period, if the user reports the plan's values; else 404.

    With `stored=False` the row's value is not read (as `activity_row_or_404`).
    """
    indicator = (
        Indicator.objects.select_related("baseline_period", "goal__plan__owner_unit")
        .filter(pk=indicator_id)
        .order_by()
        .first()
    )
    if indicator is None:
        raise Http404
    plan = indicator.goal.plan
    period = _period_and_plan_or_404(user, scope, period_id, plan)
    if not indicator.is_asked_in(period):
        raise Http404
    rules = Reporting(user, scope, _units_of(scope))
    writable, unit = rules.plan_reporter(plan)
    if not writable:
        raise Http404
    row = IndicatorRow(
        period=period,
        plan=plan,
        indicator=indicator,
        measurement=None,
        can_write=True,
        unit=unit,  # a unit manager below the plan's owner: their own unit's value, not the plan's
        basis=row_basis(period, indicator),
    )
    if stored:
        read_stored(row)
    return row


def read_stored(row: ActivityRow | IndicatorRow) -> None:
    """Fill in what is stored for a single row: the activity's status or the indicator's value
    (the row's unit's) in the row's period, or None before a report."""
    if isinstance(row, ActivityRow):
        row.status = (
            ActivityStatus.objects.select_related("reported_by")
            .filter(activity=row.activity, period=row.period)
            .order_by()
            .first()
        )
        return
    row.measurement = (
        Measurement.objects.select_related("entered_by")
        .filter(indicator=row.indicator, period=row.period, unit=row.unit, gender=Gender.TOTAL)
        .order_by()
        .first()
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
