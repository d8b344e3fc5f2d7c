"""Reads for indicators: how a row of them is shown, the list with the latest value's colour
computed by the database, and the municipality-wide measures a plan may reuse."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.db.models.lookups import GreaterThan, LessThan, LessThanOrEqual

from goals.models import Scope
from indicators.colour import (
    COLOURING_KINDS,
    DEFAULT_SHARE,
    NO_BASIS,
    Basis,
    Colour,
    Direction,
    TargetKind,
    format_value,
)
from indicators.models import (
    MEASURE_FIELDS,
    VALUE_DIGITS,
    VALUE_PLACES,
    Gender,
    Indicator,
    Measurement,
    ReferenceValue,
)
from indicators.targets import ReferenceKind, Target
from planning.models import Plan

SEED_ORDER = (Colour.RED, Colour.YELLOW, Colour.GREEN)


def with_display(indicators: list[Indicator]) -> list[Indicator]:
    """Give each indicator what its row shows: `band_cells` (red, yellow, green, as in the
    documents: colour, word, text or "" for no yellow band) and `target_display`."""
    for indicator in indicators:
        texts = indicator.band_texts()
        indicator.band_cells = [
            {"colour": colour.value, "label": colour.label, "text": texts.get(colour, "")}
            for colour in SEED_ORDER
        ]
        if indicator.target_text:
            indicator.target_display = indicator.target_text
        elif indicator.target_value is not None:
            indicator.target_display = format_value(indicator.target_value, indicator.decimals)
        else:
            indicator.target_display = ""
    return indicators


# --- What a comparing target compares with -------------------------------------------------------


def basis_of(
    indicator: Indicator,
    *,
    year: int | None,
    measured: Mapping[int, Decimal | None],
    references: Iterable[ReferenceValue] = (),
) -> Basis:
    """What the rule compares a value of `year` with (`indicators.colour.Basis`): the value at
    the target's baseline (the measured value of the baseline period, from `measured`: period
    id -> the indicator's (or its predecessors') whole-plan value; else the value entered as
    the baseline's) and the reference in `year` and in the baseline's year (the open-data
    `references` of the indicator, or the entered reference). Empty for the other kinds."""
    target = indicator.target
    if target.kind not in (TargetKind.CHANGE, TargetKind.GAP):
        return NO_BASIS
    baseline = measured.get(indicator.baseline_period_id)
    if baseline is None:
        baseline = indicator.baseline_value
    reference = baseline_reference = None
    if target.kind == TargetKind.GAP:
        if target.reference_kind == ReferenceKind.ENTERED:
            reference = baseline_reference = target.reference_value
        else:
            group = ""
            if target.reference_kind == ReferenceKind.GROUP_MEAN:
                group = indicator.goal.plan.organisation.comparison_group
            by_year = {
                found.year: found.value
                for found in references
                if found.kind == target.reference_kind
                and found.group == group
                and found.gender == Gender.TOTAL
            }
            reference = by_year.get(year)
            if target.baseline_period is not None:
                baseline_reference = by_year.get(target.baseline_period.year)
    return Basis(
        baseline=baseline,
        baseline_label=target.baseline_label,
        reference=reference,
        baseline_reference=baseline_reference,
        reference_label=target.reference_text,
    )


# --- The indicators list, with the latest value's colour computed by the database -----------------

COLOUR_RANK = {
    Colour.RED: 0,
    Colour.YELLOW: 1,
    Colour.GREEN: 2,
    Colour.UNCOLOURED: 3,
    Colour.NO_VALUE: 4,
}
NUMBER = DecimalField(max_digits=VALUE_DIGITS + 8, decimal_places=VALUE_PLACES + 4)
# Worked-out bounds are rounded to this many places in SQL, so that SQLite's binary floats
# give the exact decimal (a relative bound has at most 4 + 1 + 2 places).
WORKED_OUT_PLACES = VALUE_PLACES + 3
LINEAGE = ("pk", "predecessor_id", "predecessor__predecessor_id")


def _number(value) -> Value:
    return Value(Decimal(value), output_field=NUMBER)


def _baseline_expression() -> Coalesce:
    """The value at the baseline: measured in the baseline period (by the indicator, else by
    its predecessors, as reports read it), else the value entered as the baseline's."""
    measured = [
        Subquery(
            Measurement.objects.filter(
                indicator=OuterRef(ref),
                period=OuterRef("baseline_period_id"),
                unit__isnull=True,
                gender=Gender.TOTAL,
                value__isnull=False,
            ).values("value")[:1],
            output_field=NUMBER,
        )
        for ref in LINEAGE
    ]
    return Coalesce(*measured, F("baseline_value"), output_field=NUMBER)


def _reference_expression(year: str) -> Case:
    """The gap's reference in the year of `year` (an annotation or field of the indicator)."""

    def stored(kind: str, group) -> Subquery:
        return Subquery(
            ReferenceValue.objects.filter(
                indicator=OuterRef("pk"),
                kind=kind,
                group=group,
                year=OuterRef(year),
                gender=Gender.TOTAL,
            ).values("value")[:1],
            output_field=NUMBER,
        )

    return Case(
        When(reference_kind=ReferenceKind.ENTERED, then=F("reference_value")),
        When(reference_kind=ReferenceKind.NATIONAL, then=stored(ReferenceKind.NATIONAL, "")),
        When(
            reference_kind=ReferenceKind.GROUP_MEAN,
            then=stored(
                ReferenceKind.GROUP_MEAN, OuterRef("goal__plan__organisation__comparison_group")
            ),
        ),
        default=None,
        output_field=NUMBER,
    )


def _exact(expression) -> Round:
    """A worked-out number rounded to WORKED_OUT_PLACES: exact on PostgreSQL, and SQLite's
    binary floats (84.6 × 100 = 8459.999...) give the decimal back."""
    return Round(ExpressionWrapper(expression, output_field=NUMBER), WORKED_OUT_PLACES)


HIGHER = Q(direction=Direction.HIGHER_IS_BETTER.value)
LOWER = Q(direction=Direction.LOWER_IS_BETTER.value)


def _kind(kind: TargetKind) -> Q:
    return Q(target_kind=kind.value)


def _then(colour: Colour) -> Value:
    return Value(colour.value)


def _bands_when() -> list[When]:
    """The kind "bands": `indicators.colour.evaluate` over the written bounds."""
    at_green = Q(latest_value=F("green_bound"), green_bound_inclusive=True)
    at_red = Q(latest_value=F("red_bound"), red_bound_inclusive=True)
    green = (HIGHER & (Q(latest_value__gt=F("green_bound")) | at_green)) | (
        LOWER & (Q(latest_value__lt=F("green_bound")) | at_green)
    )
    red = (HIGHER & (Q(latest_value__lt=F("red_bound")) | at_red)) | (
        LOWER & (Q(latest_value__gt=F("red_bound")) | at_red)
    )
    bands = _kind(TargetKind.BANDS)
    return [
        When(bands & Q(green_bound__isnull=True), then=_then(Colour.UNCOLOURED)),
        When(bands & green, then=_then(Colour.GREEN)),
        When(bands & Q(red_bound__isnull=True), then=_then(Colour.RED)),
        When(bands & red, then=_then(Colour.RED)),
        When(bands, then=_then(Colour.YELLOW)),
    ]


def _relative_when() -> list[When]:
    """The kind "relative": green at the target or better; yellow from share × target
    (higher is better) or up to (2 − share) × target (lower); red beyond. Compared as
    value × 100 against target × share, so that no division rounds."""
    share = Coalesce(
        F("relative_share"),
        F("goal__plan__organisation__relative_share"),
        _number(DEFAULT_SHARE),
        output_field=NUMBER,
    )
    value = _exact(F("latest_value") * _number(100))
    relative = _kind(TargetKind.RELATIVE)
    green = (HIGHER & Q(latest_value__gte=F("target_value"))) | (
        LOWER & Q(latest_value__lte=F("target_value"))
    )
    return [
        When(relative & Q(target_value__isnull=True), then=_then(Colour.UNCOLOURED)),
        When(relative & green, then=_then(Colour.GREEN)),
        When(
            relative & HIGHER & Q(LessThan(value, _exact(F("target_value") * share))),
            then=_then(Colour.RED),
        ),
        When(
            relative
            & LOWER
            & Q(GreaterThan(value, _exact(F("target_value") * (_number(200) - share)))),
            then=_then(Colour.RED),
        ),
        When(relative, then=_then(Colour.YELLOW)),
    ]


def _tolerance() -> Coalesce:
    return Coalesce(F("change_tolerance"), _number(0), output_field=NUMBER)


def _change_when() -> list[When]:
    """The kind "change": green when the value moved the right way from the baseline by more
    than the tolerance, red the wrong way, yellow within it."""
    moved = _exact(F("latest_value") - F("baseline"))
    tolerance = _tolerance()
    change = _kind(TargetKind.CHANGE)
    up = Q(GreaterThan(moved, tolerance))
    down = Q(LessThan(moved, -tolerance))
    return [
        When(change & Q(baseline__isnull=True), then=_then(Colour.UNCOLOURED)),
        When(change & ((HIGHER & up) | (LOWER & down)), then=_then(Colour.GREEN)),
        When(change & ((HIGHER & down) | (LOWER & up)), then=_then(Colour.RED)),
        When(change, then=_then(Colour.YELLOW)),
    ]


def _gap_when() -> list[When]:
    """The kind "gap": the gap is how far the value lies on the worse side of the reference.
    Green when there is none, or when it shrank by more than the tolerance since the baseline;
    red when there is one and it grew by more than the tolerance; yellow otherwise."""
    tolerance = _tolerance()
    sign = Case(When(LOWER, then=Value(-1)), default=Value(1), output_field=IntegerField())
    now = _exact(sign * (F("reference_now") - F("latest_value")))
    before = _exact(sign * (F("reference_then") - F("baseline")))
    zero = _number(0)
    gap = _kind(TargetKind.GAP)
    missing = Q(baseline__isnull=True) | Q(reference_now__isnull=True)
    missing |= Q(reference_then__isnull=True)
    shrank = Q(LessThanOrEqual(now, zero)) | Q(LessThan(now, _exact(before - tolerance)))
    grew = Q(GreaterThan(now, zero)) & Q(GreaterThan(now, _exact(before + tolerance)))
    return [
        When(gap & missing, then=_then(Colour.UNCOLOURED)),
        When(gap & shrank, then=_then(Colour.GREEN)),
        When(gap & grew, then=_then(Colour.RED)),
        When(gap, then=_then(Colour.YELLOW)),
    ]


def _colour_expression() -> Case:
    """`indicators.colour.judge` in SQL, over the annotations `latest_value`, `baseline` and
    the references: so that the list can be filtered and sorted by colour in the database
    (tested against `judge` for every kind). Flat, one condition per kind and colour: SQLite's
    parser refuses deeply nested expressions."""
    return Case(
        When(
            ~Q(target_kind__in=[kind.value for kind in COLOURING_KINDS]),
            then=_then(Colour.UNCOLOURED),
        ),
        When(latest_value__isnull=True, then=_then(Colour.NO_VALUE)),
        *_bands_when(),
        *_relative_when(),
        *_change_when(),
        *_gap_when(),
        default=_then(Colour.UNCOLOURED),
        output_field=CharField(),
    )


class ColourRank(Func):
    """The rank of a colour (`COLOUR_RANK`: red first), the colour's expression written once."""

    template = (
        "CASE %(expressions)s WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 "
        "WHEN 'uncoloured' THEN 3 ELSE 4 END"
    )
    output_field = IntegerField()


def plan_indicators(plan: Plan) -> QuerySet[Indicator]:
    """A plan's indicators with the latest value for the whole plan and its colour.

    `latest_value` is the total (not per unit or gender) of the latest period with a value
    recorded; `latest_colour` its colour ("none" without a value, "uncoloured" when the kind
    colours nothing or its comparison has no baseline or reference), `colour_rank` red first.
    A change or gap target is compared with its baseline (and reference) as the reports compare
    it (`basis_of`): the value measured in the baseline period by the indicator or its
    predecessors, else the entered one.
    """
    latest = Measurement.objects.filter(
        indicator=OuterRef("pk"), unit__isnull=True, gender=Gender.TOTAL
    ).order_by("-period__starts_on")
    colour = _colour_expression()
    return (
        Indicator.objects.filter(goal__plan=plan)
        .select_related("goal", "baseline_period", "goal__plan__organisation")
        .annotate(
            latest_value=Subquery(
                latest.values("value")[:1],
                output_field=DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES),
            ),
            latest_period_kind=Subquery(latest.values("period__kind")[:1]),
            latest_period_year=Subquery(latest.values("period__year")[:1]),
            baseline=_baseline_expression(),
        )
        .annotate(
            reference_now=_reference_expression("latest_period_year"),
            reference_then=_reference_expression("baseline_period__year"),
        )
        .annotate(latest_colour=colour, colour_rank=ColourRank(colour))
        .order_by("goal__number", "position", "pk")
    )


# --- Reusing a municipality-wide measure ----------------------------------------------------------

# The open-data links (`open_data`, all sources) are copied too.
# The sub-goal is the plan's own, and so are the responsibilities: not copied.
COPIED_FIELDS = (
    *(name for name in MEASURE_FIELDS if name != "sub_goal"),
    "perspective",
    *Target.fields(),
    "open_data",
)


def reusable_measures(plan: Plan) -> QuerySet[Indicator]:
    """The organisation's municipality-wide measures, each once (not the copies reusing it)."""
    return (
        Indicator.objects.filter(
            goal__plan__organisation_id=plan.organisation_id,
            scope=Scope.MUNICIPALITY_WIDE,
            reuses__isnull=True,
        )
        .select_related("goal__plan")
        .order_by("name", "-goal__plan__start_year")
    )


def measure_copy(source: Indicator) -> dict[str, Any]:
    """What a new indicator takes over from the measure it reuses."""
    copied = {name: getattr(source, name) for name in COPIED_FIELDS}
    copied["scope"] = Scope.MUNICIPALITY_WIDE
    copied["reuses"] = source.pk
    return copied
