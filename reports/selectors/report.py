"""Reads for reports: one plan's follow-up for one period, assembled into a typed structure.

`follow_up_report(plan, period)` is the only way a report's content is read: the HTML page, the
PDF, the Excel export and the published snapshot all render what it returns, so nothing is
typed twice and every output says the same. It costs a fixed number of queries, whatever the
number of goals, indicators and activities.

Values come from the whole-plan measurements (no unit, gender "total"). Trends compare with the
previous follow-up period and the same period a year earlier; earlier years' values come from
the indicator's predecessors (the same indicator in last year's plan), or from the indicator
itself when its plan spans several years.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from goals.models import Activity, ActivityStatus, GoalFollowUp
from indicators.colour import Colour, Direction, format_value
from indicators.models import Gender, Indicator, Measurement, Origin, ReferenceValue
from planning.models import FollowUpPeriod, Plan, ReportReadiness, Unit
from planning.selectors import descendants_by_unit
from reports.selectors.data import (
    ActivityRow,
    Change,
    ColourCount,
    Comparison,
    GoalSection,
    HistoryPoint,
    IndicatorRow,
    Report,
    ReportDecision,
    UnitReadiness,
)

# How many plans back an indicator's history reaches through `Indicator.predecessor`.
HISTORY_DEPTH = 3
COLOUR_ORDER = (Colour.GREEN, Colour.YELLOW, Colour.RED, Colour.NO_VALUE)
# Units whose name is not written after a value: "82" rather than "82 index".
UNWRITTEN_UNITS = {Indicator.MeasureUnit.INDEX, Indicator.MeasureUnit.NUMBER}
# Sources that require their own credit line, in the wording the source prescribes.
CREDITS = {Origin.KOLADA: "Källa: Kolada", Origin.SSB: "Kilde: Statistisk sentralbyrå"}


@dataclass
class _Context:
    """What assembling one report needs besides the plan: loaded once, used per row."""

    plan: Plan
    period: FollowUpPeriod
    periods: list[FollowUpPeriod]
    previous_period: FollowUpPeriod | None
    last_year_period: FollowUpPeriod | None
    values: dict[int, dict[int, Measurement]] = field(default_factory=dict)
    statuses: dict[int, dict[int, ActivityStatus]] = field(default_factory=dict)
    references: dict[int, list[ReferenceValue]] = field(default_factory=dict)


# --- Labels ---------------------------------------------------------------------------------------


def period_label(period: FollowUpPeriod) -> str:
    """A period as people write it: "T1 2023"."""
    return f"{period.kind} {period.year}"


def report_title(plan_name: str, period: FollowUpPeriod) -> str:
    """ "Follow-up report T1 2023: <plan>", or "Year-end report 2023: <plan>"."""
    if period.is_year_end:
        return _("Year-end report %(year)s: %(plan)s") % {"year": period.year, "plan": plan_name}
    return _("Follow-up report %(period)s: %(plan)s") % {
        "period": period_label(period),
        "plan": plan_name,
    }


def value_text(value: Decimal | None, indicator: Indicator) -> str:
    """A value with its unit ("7,8 %"), or a dash when there is none."""
    if value is None:
        return "–"
    number = format_value(value, indicator.decimals)
    if indicator.unit in UNWRITTEN_UNITS:
        return number
    return f"{number} {indicator.unit_text}"


def share_text(done: int, total: int) -> str:
    """The share of activities done, in words and per cent: "2 of 3 (67 %)"."""
    if not total:
        return _("No activities")
    return _("%(done)s of %(total)s (%(percent)s %%)") % {
        "done": done,
        "total": total,
        "percent": round(100 * done / total),
    }


def colour_counts(colours: Iterable[Colour]) -> tuple[ColourCount, ...]:
    """How many of each colour, green to no value, zeros included."""
    counted = defaultdict(int)
    for colour in colours:
        counted[colour] += 1
    return tuple(ColourCount(colour, colour.label, counted[colour]) for colour in COLOUR_ORDER)


# --- Periods and values ---------------------------------------------------------------------------


def _neighbour_periods(
    periods: list[FollowUpPeriod], period: FollowUpPeriod
) -> tuple[FollowUpPeriod | None, FollowUpPeriod | None]:
    """The period before `period`, and the same kind of period a year earlier."""
    ordered = sorted(periods, key=lambda p: (p.year, p.starts_on))
    index = next(i for i, p in enumerate(ordered) if p.pk == period.pk)
    previous = ordered[index - 1] if index > 0 else None
    last_year = next(
        (p for p in ordered if p.year == period.year - 1 and p.kind == period.kind), None
    )
    return previous, last_year


def _lineage(indicator: Indicator) -> list[Indicator]:
    """The indicator and its predecessors in earlier plans, nearest first."""
    chain, node = [], indicator
    while node is not None and len(chain) < HISTORY_DEPTH:
        chain.append(node)
        node = node.predecessor if node.predecessor_id else None
    return chain


def _predecessor_path() -> list[str]:
    return ["__".join(["predecessor"] * depth) for depth in range(1, HISTORY_DEPTH)]


def _value_in(
    context: _Context, indicator: Indicator, period: FollowUpPeriod | None
) -> Measurement | None:
    """The whole-plan value of an indicator (or of its predecessors) in a period."""
    if period is None:
        return None
    for node in _lineage(indicator):
        found = context.values.get(node.pk, {}).get(period.pk)
        if found is not None:
            return found
    return None


def _reported_value(context: _Context, indicator: Indicator) -> Measurement | None:
    """The value the report shows: the period's own, or at year-end the year's latest."""
    own = _value_in(context, indicator, context.period)
    if own is not None or not context.period.is_year_end:
        return own
    earlier = [
        measurement
        for measurement in context.values.get(indicator.pk, {}).values()
        if measurement.period.year == context.period.year
    ]
    return max(earlier, key=lambda m: m.period.starts_on, default=None)


def _compare(
    indicator: Indicator, value: Decimal | None, other: Measurement | None, label: str
) -> Comparison:
    """`value` against `other`'s, judged better or worse by the indicator's direction."""
    if other is None or other.value is None or value is None:
        other_value = other.value if other is not None else None
        return Comparison(
            label,
            other_value,
            value_text(other_value, indicator),
            Change.NONE,
            _("No comparison"),
            "",
        )
    difference = value - other.value
    if difference == 0:
        change, text, arrow = Change.UNCHANGED, _("Unchanged"), "="
    else:
        higher_is_better = indicator.direction == Direction.HIGHER_IS_BETTER
        improved = (difference > 0) == higher_is_better
        change = Change.BETTER if improved else Change.WORSE
        text = _("Better") if improved else _("Worse")
        arrow = "▲" if difference > 0 else "▼"
    return Comparison(label, other.value, value_text(other.value, indicator), change, text, arrow)


def _source(indicator: Indicator, measurement: Measurement | None) -> tuple[str, str]:
    """Where the value comes from, bare and as the line printed under it ("Källa: Kolada").

    Open-data sources are credited in the words they prescribe, in any language.
    """
    if measurement is not None and measurement.origin in CREDITS:
        return str(Origin(measurement.origin).label), CREDITS[measurement.origin]
    source = (measurement.source if measurement is not None else "") or indicator.source
    if not source:
        return "", ""
    return source, _("Source: %(source)s") % {"source": source}


def _history(context: _Context, indicator: Indicator) -> tuple[HistoryPoint, ...]:
    points = {}
    for node in reversed(_lineage(indicator)):
        for measurement in context.values.get(node.pk, {}).values():
            points[measurement.period.pk] = measurement
    ordered = sorted(points.values(), key=lambda m: (m.period.year, m.period.starts_on))
    return tuple(
        HistoryPoint(period_label(m.period), m.value, indicator.colour_of(m.value)) for m in ordered
    )


def _comparisons(
    context: _Context, indicator: Indicator
) -> tuple[tuple[tuple[str, str], ...], str]:
    """The national value and the comparison group's mean for the period's year, and the
    credit of where they come from."""
    rows, credits = [], set()
    for reference in context.references.get(indicator.pk, []):
        if reference.kind == ReferenceValue.Kind.NATIONAL:
            whom = str(_("Whole country"))
        else:
            whom = str(_("Mean of group %(group)s") % {"group": reference.group})
        rows.append((whom, value_text(reference.value, indicator)))
        if reference.source:
            credits.add(reference.source)
    return tuple(rows), " · ".join(sorted(credits))


def _indicator_row(context: _Context, indicator: Indicator) -> IndicatorRow:
    measurement = _reported_value(context, indicator)
    value = measurement.value if measurement is not None else None
    colour = indicator.colour_of(value)
    bands = indicator.band_texts()
    previous, last_year = context.previous_period, context.last_year_period
    if measurement is not None and measurement.period_id != context.period.pk:
        # A year-end value taken from an earlier period compares with the period before that.
        previous = _neighbour_periods(context.periods, measurement.period)[0]
    source, source_text = _source(indicator, measurement)
    comparisons, comparisons_credit = _comparisons(context, indicator)
    return IndicatorRow(
        pk=indicator.pk,
        name=indicator.name,
        subgoal=indicator.subgoal,
        definition=indicator.definition,
        unit_text=indicator.unit_text,
        decimals=indicator.decimals,
        target_text=indicator.target_text
        or (value_text(indicator.target_value, indicator) if indicator.target_value else ""),
        value=value,
        value_text=value_text(value, indicator),
        value_period_label=period_label(measurement.period) if measurement is not None else "",
        colour=colour,
        colour_label=colour.label,
        band_text=bands.get(colour, ""),
        bands=tuple(bands.items()),
        band_spec=indicator.bands,
        scale_max=indicator.scale_max,
        previous=_compare(
            indicator,
            value,
            _value_in(context, indicator, previous),
            period_label(previous) if previous else "",
        ),
        last_year=_compare(
            indicator,
            value,
            _value_in(context, indicator, context.last_year_period),
            period_label(last_year)
            if last_year
            else f"{context.period.kind} {context.period.year - 1}",
        ),
        source=source,
        source_text=source_text,
        comment=measurement.comment if measurement is not None else "",
        history=_history(context, indicator),
        comparisons=comparisons,
        comparisons_credit=comparisons_credit,
    )


# --- Activities -----------------------------------------------------------------------------------


def _activity_status(context: _Context, activity: Activity) -> ActivityStatus | None:
    """The period's status; at year-end, the year's latest report if T3 has none."""
    reported = context.statuses.get(activity.pk, {})
    own = reported.get(context.period.pk)
    if own is not None or not context.period.is_year_end:
        return own
    return max(reported.values(), key=lambda s: s.period.starts_on, default=None)


def _activity_row(context: _Context, activity: Activity) -> ActivityRow:
    status = _activity_status(context, activity)
    is_done = status is not None and status.status == ActivityStatus.Status.DONE
    return ActivityRow(
        pk=activity.pk,
        title=activity.title,
        responsible=activity.responsible_role,
        timing=activity.timing_label,
        status=status.status if status else "",
        status_label=str(status.get_status_display()) if status else _("Not reported"),
        status_period_label=period_label(status.period)
        if status and status.period_id != context.period.pk
        else "",
        comment=status.comment if status else "",
        is_done=is_done,
        is_overdue=activity.is_due_by(context.period) and not is_done,
    )


def _activities_in_report(activities: Iterable[Activity], period: FollowUpPeriod) -> list[Activity]:
    """The year-end report covers every activity; an interim report those evaluated in it."""
    if period.is_year_end:
        return list(activities)
    return [activity for activity in activities if activity.is_evaluated_in(period)]


# --- Goals, readiness and the whole report --------------------------------------------------------


def _goal_section(context: _Context, goal, follow_up: GoalFollowUp | None) -> GoalSection:
    indicators = tuple(_indicator_row(context, i) for i in goal.indicators.all())
    activities = tuple(
        _activity_row(context, a)
        for a in _activities_in_report(goal.activities.all(), context.period)
    )
    done = sum(1 for activity in activities if activity.is_done)
    return GoalSection(
        pk=goal.pk,
        number=goal.number,
        title=goal.title,
        description=goal.description,
        anchor=f"plan-{goal.plan_id}-goal-{goal.number}",
        indicators=indicators,
        activities=activities,
        colour_counts=colour_counts(row.colour for row in indicators),
        activities_done=done,
        activities_total=len(activities),
        share_done_text=share_text(done, len(activities)),
        assessment=follow_up.assessment if follow_up else "",
        assessment_label=str(follow_up.get_assessment_display())
        if follow_up and follow_up.assessment
        else _("Not assessed"),
        analysis=follow_up.analysis if follow_up else "",
        follow_up_version=follow_up.version if follow_up else None,
    )


def expected_units(plan: Plan, units: list[Unit], activities: Iterable[Activity]) -> list[Unit]:
    """The units whose part of the follow-up the planner waits for.

    The units below the plan's owner unit and the units named on its activities; the owner
    unit itself when nothing lies below it.
    """
    below = descendants_by_unit(units)
    wanted: set[int] = set()
    if plan.owner_unit_id:
        wanted |= below.get(plan.owner_unit_id, set()) - {plan.owner_unit_id}
    wanted |= {activity.unit_id for activity in activities if activity.unit_id}
    if not wanted and plan.owner_unit_id:
        wanted = {plan.owner_unit_id}
    return sorted((unit for unit in units if unit.pk in wanted), key=lambda unit: unit.name)


def readiness_rows(
    plan: Plan, period: FollowUpPeriod, units: list[Unit], activities: Iterable[Activity]
) -> list[tuple[Unit, UnitReadiness]]:
    marks = {
        mark.unit_id: mark
        for mark in ReportReadiness.objects.filter(plan=plan, period=period).select_related(
            "marked_by"
        )
    }
    rows = []
    for unit in expected_units(plan, units, activities):
        mark = marks.get(unit.pk)
        marked_by = ""
        if mark is not None and mark.marked_by is not None:
            marked_by = mark.marked_by.get_full_name() or mark.marked_by.get_username()
        ready = UnitReadiness(
            unit.pk, unit.name, mark is not None, marked_by, mark.marked_at if mark else None
        )
        rows.append((unit, ready))
    return rows


def committee_of(plan: Plan, units: list[Unit]) -> str:
    """The committee above the plan's owner unit (or the owner itself), else who decided it."""
    by_pk = {unit.pk: unit for unit in units}
    node = by_pk.get(plan.owner_unit_id)
    while node is not None:
        if node.kind == Unit.Kind.COMMITTEE:
            return node.name
        node = by_pk.get(node.parent_id)
    return plan.decided_by


def _load_values(context: _Context, indicators: list[Indicator]) -> None:
    ids = {node.pk for indicator in indicators for node in _lineage(indicator)}
    measurements = Measurement.objects.filter(
        indicator_id__in=ids,
        unit__isnull=True,
        gender=Gender.TOTAL,
        period__ends_on__lte=context.period.ends_on,
    ).select_related("period")
    for measurement in measurements:
        context.values.setdefault(measurement.indicator_id, {})[measurement.period_id] = measurement


def _load_references(context: _Context, indicators: list[Indicator]) -> None:
    references = ReferenceValue.objects.filter(
        indicator_id__in=[indicator.pk for indicator in indicators],
        year=context.period.year,
        gender=Gender.TOTAL,
    ).order_by("kind", "group")
    for reference in references:
        context.references.setdefault(reference.indicator_id, []).append(reference)


def _load_statuses(context: _Context) -> None:
    period = context.period
    statuses = ActivityStatus.objects.filter(
        activity__goal__plan=context.plan,
        period__organisation_id=period.organisation_id,
        period__year=period.year,
        period__starts_on__lte=period.starts_on,
    ).select_related("period")
    for status in statuses:
        context.statuses.setdefault(status.activity_id, {})[status.period_id] = status


def _goals(plan: Plan) -> QuerySet:
    indicators = Indicator.objects.select_related(*_predecessor_path()).order_by("position", "id")
    return plan.goals.order_by("number").prefetch_related(
        Prefetch("indicators", queryset=indicators),
        Prefetch("activities", queryset=Activity.objects.order_by("position", "id")),
    )


def follow_up_report(
    plan: Plan, period: FollowUpPeriod, *, decision: ReportDecision | None = None
) -> Report:
    """Assemble a plan's follow-up report for a period (in the active language).

    Raises ValueError if the period cannot be used for the plan. About ten queries, whatever
    the size of the plan; `plan.organisation` and `plan.owner_unit` should be selected.
    """
    problem = plan.period_problem(period)
    if problem:
        raise ValueError(problem)
    periods = list(FollowUpPeriod.objects.filter(organisation_id=period.organisation_id))
    previous, last_year = _neighbour_periods(periods, period)
    context = _Context(plan, period, periods, previous, last_year)
    goals = list(_goals(plan))
    indicators = [i for goal in goals for i in goal.indicators.all()]
    _load_values(context, indicators)
    _load_references(context, indicators)
    _load_statuses(context)
    follow_ups = {f.goal_id: f for f in GoalFollowUp.objects.filter(goal__plan=plan, period=period)}
    sections = tuple(_goal_section(context, goal, follow_ups.get(goal.pk)) for goal in goals)
    units = list(Unit.objects.filter(organisation_id=plan.organisation_id))
    activities = [a for goal in goals for a in goal.activities.all()]
    done = sum(goal.activities_done for goal in sections)
    total = sum(goal.activities_total for goal in sections)
    start, end = period.starts_on, period.ends_on
    return Report(
        plan_id=plan.pk,
        plan_name=plan.name,
        plan_kind=str(plan.get_kind_display()),
        organisation=plan.organisation.name,
        committee=committee_of(plan, units),
        owner_unit=plan.owner_unit.name if plan.owner_unit_id else "",
        responsible=plan.responsible,
        plan_years=plan.period_label,
        plan_decided_by=plan.decided_by,
        plan_decision=plan.decision_label,
        registration_number=plan.registration_number,
        period_id=period.pk,
        period_kind=period.kind,
        period_label=period_label(period),
        period_name=f"{period.get_kind_display()} {period.year}",
        period_dates=f"{start.isoformat()} – {end.isoformat()}",
        is_year_end=period.is_year_end,
        title=report_title(plan.name, period),
        anchor=f"plan-{plan.pk}",
        goals=sections,
        colour_totals=colour_counts(row.colour for goal in sections for row in goal.indicators),
        activities_done=done,
        activities_total=total,
        share_done_text=share_text(done, total),
        readiness=tuple(row for _unit, row in readiness_rows(plan, period, units, activities)),
        language=get_language() or "",
        generated_at=timezone.now(),
        decision=decision,
    )
