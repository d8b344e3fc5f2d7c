"""Indicator values as a committee reads them for a period: which value is shown (`shown_value`,
the one rule), what it is compared with, its history and where it comes from.

Values are the whole-plan measurements (no unit, gender "total") of an indicator or of its
predecessors (the same indicator in earlier plans, through `Indicator.predecessor`), or of the
indicator itself in earlier years when its plan spans several years.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.colour import (
    Basis,
    Direction,
    TargetKind,
    bands_of,
    colour_only,
    judge,
    rule_texts,
)
from indicators.frequency import Frequency
from indicators.models import Gender, Indicator, Measurement, Origin, ReferenceValue, Result
from indicators.selectors import basis_of
from indicators.targets import KindChoice, Target
from planning.models import FollowUpPeriod
from reports.selectors.data import Change, Comparison, HistoryPoint, IndicatorRow
from reports.selectors.display import (
    NO_VALUE_TEXT,
    period_label,
    person_name,
    target_label,
    value_text,
)
from reports.selectors.trend import (
    SAME_PERIOD,
    YEAR_END,
    compared_text,
    comparison_rule,
    previous_year_end,
    same_period_last_year,
)

# How many plans back an indicator's history reaches through `Indicator.predecessor`.
HISTORY_DEPTH = 3
# Sources that require their own credit line, in the wording the source prescribes.
CREDITS = {Origin.KOLADA: "Källa: Kolada", Origin.SSB: "Kilde: Statistisk sentralbyrå"}


# --- The rule: which value a period shows ---------------------------------------------------------


@dataclass(frozen=True)
class ShownValue:
    """The measurement a period shows for an indicator, and whether it is carried from an
    earlier period (then it says so: "from T1 2023")."""

    measurement: Measurement | None
    is_carried: bool = False

    @property
    def value(self) -> Decimal | None:
        return self.measurement.value if self.measurement is not None else None

    @property
    def period(self) -> FollowUpPeriod | None:
        return self.measurement.period if self.measurement is not None else None


def carried_from(period: FollowUpPeriod) -> datetime.date:
    """The earliest start of a period whose value `period` may show: 1 January of the year
    before the period's year."""
    return datetime.date(period.year - 1, 1, 1)


def latest_earlier_value(
    measurements: Iterable[Measurement],
    period: FollowUpPeriod,
    earliest: datetime.date | None = None,
) -> Measurement | None:
    """The latest measurement with a value before `period`: of the period's organisation,
    ending before the period ends (a cumulative period starts in January, with the periods
    before it), starting no earlier than `earliest` (`carried_from(period)` unless given).
    Measurements with an empty value (known to be missing) are passed over."""
    earliest = earliest or carried_from(period)
    earlier = [
        measurement
        for measurement in measurements
        if measurement.value is not None
        and measurement.period.organisation_id == period.organisation_id
        and measurement.period.ends_on < period.ends_on
        and measurement.period.starts_on >= earliest
    ]
    return max(earlier, key=lambda measurement: measurement.period.starts_on, default=None)


def shown_value(
    measurements: Iterable[Measurement], period: FollowUpPeriod, asked: bool = True
) -> ShownValue:
    """THE rule of which value a period shows for an indicator; every page and output uses it.

    `measurements` are the indicator's whole-plan values (no unit, gender total), at most one
    per period, its own before its predecessors'.

    - The period's own measurement is shown when there is one. Its value may be empty: the
      figure is known to be missing; that is the period's answer and nothing is carried.
    - Without a measurement of its own, the period shows the latest earlier value
      (`latest_earlier_value`: ending before the period starts, not before 1 January of the
      previous year), marked as carried, with its period and its colour.
    - An indicator not `asked` for in the period (`Indicator.is_asked_in`: a yearly one in an
      interim period) shows its latest earlier value however old, carried in the same way.
    - Otherwise nothing is shown.
    """
    measurements = list(measurements)
    own = next((m for m in measurements if m.period_id == period.pk), None)
    if own is not None:
        return ShownValue(own)
    carried = latest_earlier_value(measurements, period, None if asked else datetime.date.min)
    return ShownValue(carried, is_carried=carried is not None)


def carried_text(label: str) -> str:
    """The marker of a value or status carried from an earlier period: "from T1 2023"."""
    return _("from %(period)s") % {"period": label}


# --- Comparisons ----------------------------------------------------------------------------------


def compare(
    indicator: Indicator,
    value: Decimal | None,
    other: Measurement | None,
    label: str,
    rule: str = "",
) -> Comparison:
    """`value` against `other`'s, judged better or worse by the indicator's direction; `rule`
    is which earlier value `other` is (`reports.selectors.trend`), said in the comparison's
    text."""
    other_value = other.value if other is not None else None
    text = compared_text(rule, other.period if other is not None else None) if rule else ""
    if other_value is None or value is None:
        return Comparison(
            label,
            other_value,
            value_text(indicator, other_value),
            Change.NONE,
            _("No comparison"),
            "",
            rule,
            text,
        )
    difference = value - other_value
    if difference == 0:
        change, words, arrow = Change.UNCHANGED, _("Unchanged"), "="
    else:
        higher_is_better = indicator.direction == Direction.HIGHER_IS_BETTER
        improved = (difference > 0) == higher_is_better
        change = Change.BETTER if improved else Change.WORSE
        words = _("Better") if improved else _("Worse")
        arrow = "▲" if difference > 0 else "▼"
    return Comparison(
        label, other_value, value_text(indicator, other_value), change, words, arrow, rule, text
    )


def previous_comparison(
    indicator: Indicator, shown: ShownValue, measurements: list[Measurement], period
) -> Comparison:
    """The trend: the shown value against the earlier value like it (`trend.comparison_rule`:
    the same period last year, the previous year-end, or the latest earlier value before the
    shown value's own period); labelled with that earlier period, and saying which it is."""
    own_period = shown.period or period
    rule = comparison_rule(indicator, own_period)
    if rule == SAME_PERIOD:
        earlier = same_period_last_year(measurements, own_period)
    elif rule == YEAR_END:
        earlier = previous_year_end(measurements, own_period)
    else:
        earlier = latest_earlier_value(measurements, own_period)
    label = period_label(earlier.period) if earlier is not None else ""
    return compare(indicator, shown.value, earlier, label, rule)


def last_year_comparison(
    indicator: Indicator, shown: ShownValue, measurements: list[Measurement], period
) -> Comparison:
    """The shown value against the value of the same period a year before the shown value's
    own period (`trend.same_period_last_year`)."""
    own_period = shown.period or period
    found = same_period_last_year(measurements, own_period)
    label = (
        period_label(found.period)
        if found is not None
        else f"{own_period.kind} {own_period.year - 1}"
    )
    return compare(indicator, shown.value, found, label, SAME_PERIOD)


# --- Loading and assembling -----------------------------------------------------------------------


def lineage(indicator: Indicator) -> list[Indicator]:
    """The indicator and its predecessors in earlier plans, nearest first."""
    chain, node = [], indicator
    while node is not None and len(chain) < HISTORY_DEPTH:
        chain.append(node)
        node = node.predecessor if node.predecessor_id else None
    return chain


def predecessor_path() -> list[str]:
    """What to `select_related` on indicators for their lineage."""
    return ["__".join(["predecessor"] * depth) for depth in range(1, HISTORY_DEPTH)]


def lineage_prefetch() -> str:
    """What to `prefetch_related` on many indicators for their lineage: a query per generation
    that has any (none for a plan never rolled over). Joining every indicator to its
    predecessors instead made PostgreSQL plan a join of many tables and hash all the
    indicators there are to find the few a plan's indicators came from."""
    return predecessor_path()[-1]


@dataclass
class PlanValues:
    """The whole-plan values of a report's indicators and their predecessors up to the report's
    period, and the open-data comparison values of its year: loaded once, read per row."""

    period: FollowUpPeriod
    by_indicator: dict[int, dict[int, Measurement]]
    references: dict[int, list[ReferenceValue]]

    def measurements(self, indicator: Indicator) -> list[Measurement]:
        """One measurement per period, the indicator's own before its predecessors'."""
        merged: dict[int, Measurement] = {}
        for node in reversed(lineage(indicator)):
            merged.update(self.by_indicator.get(node.pk, {}))
        return sorted(merged.values(), key=lambda m: (m.period.year, m.period.starts_on))


def load_values(period: FollowUpPeriod, indicators: list[Indicator]) -> PlanValues:
    """Two queries, whatever the number of indicators."""
    ids = {node.pk for indicator in indicators for node in lineage(indicator)}
    by_indicator: dict[int, dict[int, Measurement]] = {}
    measurements = (
        Measurement.objects.filter(
            indicator_id__in=ids,
            unit__isnull=True,
            gender=Gender.TOTAL,
            period__organisation_id=period.organisation_id,
            period__ends_on__lte=period.ends_on,
        )
        .select_related("period")
        .order_by()
    )  # by indicator and period below: no sorting joins
    for measurement in measurements:
        by_indicator.setdefault(measurement.indicator_id, {})[measurement.period_id] = measurement
    references: dict[int, list[ReferenceValue]] = {}
    # Every year up to the period's: a gap is measured in the period's year and at its baseline.
    found = ReferenceValue.objects.filter(
        indicator_id__in=[indicator.pk for indicator in indicators],
        year__lte=period.year,
        gender=Gender.TOTAL,
    ).order_by("kind", "group", "year")
    for reference in found:
        references.setdefault(reference.indicator_id, []).append(reference)
    return PlanValues(period, by_indicator, references)


def basis_for(
    values: PlanValues,
    indicator: Indicator,
    measurements: list[Measurement],
    year: int,
    target: Target | None = None,
) -> Basis:
    """What a value of `year` is compared with (the baseline, the reference), for the kinds
    that compare; see `indicators.selectors.basis_of`."""
    return basis_of(
        indicator,
        year=year,
        measured={m.period_id: m.value for m in measurements},
        references=values.references.get(indicator.pk, ()),
        target=target,
    )


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


def _comparisons(
    values: PlanValues, indicator: Indicator
) -> tuple[tuple[tuple[str, str], ...], str]:
    """The national value and the comparison group's mean for the period's year, and the
    credit of where they come from."""
    rows, credits = [], set()
    for reference in values.references.get(indicator.pk, []):
        if reference.year != values.period.year:
            continue
        if reference.kind == ReferenceValue.Kind.NATIONAL:
            whom = str(_("Whole country"))
        else:
            whom = str(_("Mean of group %(group)s") % {"group": reference.group})
        rows.append((whom, value_text(indicator, reference.value)))
        if reference.source:
            credits.add(reference.source)
    return tuple(rows), " · ".join(sorted(credits))


def responsibility_text(item, prefix: str) -> str:
    """Who is responsible, in one line: "Anna Berg, Hemtjänst, Enhetschef" (the person, the
    unit and the role that are given); `prefix` is "responsible" or "reporting"."""
    role_field = "responsible_role" if prefix == "responsible" else "reporting_role"
    person = getattr(item, f"{prefix}_user", None)
    unit = getattr(item, f"{prefix}_unit", None)
    parts = [person_name(person), unit.name if unit is not None else "", getattr(item, role_field)]
    return ", ".join(part for part in parts if part)


def indicator_row(values: PlanValues, indicator: Indicator) -> IndicatorRow:
    """An indicator as the period's report (and overview) shows it."""
    period = values.period
    measurements = values.measurements(indicator)
    asked = indicator.is_asked_in(period)
    shown = shown_value(measurements, period, asked)
    value, measurement = shown.value, shown.measurement
    target = indicator.target  # worked out from the indicator's fields once for the row
    bases: dict[int, Basis] = {}  # a basis per year: the row's values share a few years

    def basis_in(year: int) -> Basis:
        if year not in bases:
            bases[year] = basis_for(values, indicator, measurements, year, target)
        return bases[year]

    year = shown.period.year if shown.period is not None else period.year
    basis = basis_in(year)
    verdict = judge(target, value, basis, indicator.decimals)
    colour = verdict.colour
    bands = rule_texts(target, indicator.decimals, basis)
    source, source_text = _source(indicator, measurement)
    comparisons, comparisons_credit = _comparisons(values, indicator)
    shown_label = period_label(shown.period) if shown.period is not None else ""
    history = tuple(
        HistoryPoint(
            period_label(m.period),
            m.value,
            colour_only(target, m.value, basis_in(m.period.year)),
        )
        for m in measurements
    )
    missing = ""
    kind = indicator.kind
    if not kind.takes_value:
        missing = _("No chart: %(name)s is followed up in words.") % {"name": indicator.name}
    elif not any(point.value is not None for point in history):
        missing = _("No chart: %(name)s has no measured value yet.") % {"name": indicator.name}
    result = measurement.result if measurement is not None else ""
    result_label = str(Result(result).label) if result else ""
    shown_text = value_text(indicator, value) if kind.takes_value else result_label or NO_VALUE_TEXT
    perspective = indicator.perspective or indicator.goal.perspective
    return IndicatorRow(
        pk=indicator.pk,
        name=indicator.name,
        subgoal=str(indicator.sub_goal) if indicator.sub_goal_id else "",
        definition=indicator.definition,
        unit_text=indicator.unit_text,
        decimals=indicator.decimals,
        target_text=target_label(indicator, target),
        value=value,
        value_text=shown_text,
        value_period_label=shown_label,
        colour=colour,
        colour_label=colour.label,
        band_text=verdict.band,
        bands=tuple(bands.items()),
        band_spec=target.bands if kind == TargetKind.BANDS else bands_of(target, basis),
        scale_max=indicator.scale_max,
        previous=previous_comparison(indicator, shown, measurements, period),
        last_year=last_year_comparison(indicator, shown, measurements, period),
        source=source,
        source_text=source_text,
        comment=measurement.comment if measurement is not None else "",
        history=history,
        comparisons=comparisons,
        comparisons_credit=comparisons_credit,
        is_carried=shown.is_carried,
        carried_text=carried_text(shown_label) if shown.is_carried else "",
        is_asked=asked,
        not_asked_text=""
        if asked
        else _("%(frequency)s: not asked for in %(period)s.")
        % {"frequency": Frequency(indicator.frequency).label, "period": period.label},
        chart_missing_text=missing,
        kind=kind.value,
        kind_label=str(KindChoice(kind).label),
        colour_reason=verdict.reason,
        result=result,
        result_label=result_label,
        perspective=perspective.name if perspective is not None else "",
        perspective_id=perspective.pk if perspective is not None else None,
        responsible=responsibility_text(indicator, "responsible"),
        reporter=responsibility_text(indicator, "reporting"),
    )
