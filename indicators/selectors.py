"""Reads for indicators: how a row of them is shown, the list with the latest value's colour,
and the municipality-wide measures a plan may reuse."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from core.datastamp import kept
from goals.models import Scope
from indicators.colour import (
    NO_BASIS,
    Basis,
    Colour,
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
    target: Target | None = None,
) -> Basis:
    """What the rule compares a value of `year` with (`indicators.colour.Basis`): the value at
    the target's baseline (the measured value of the baseline period, from `measured`: period
    id -> the indicator's (or its predecessors') whole-plan value; else the value entered as
    the baseline's) and the reference in `year` and in the baseline's year (the open-data
    `references` of the indicator, or the entered reference). Empty for the other kinds.
    `target`: the indicator's, when the caller has worked it out already."""
    if target is None:
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


# --- The indicators list, each with the latest value's colour -------------------------------------

COLOUR_RANK = {
    Colour.RED: 0,
    Colour.YELLOW: 1,
    Colour.GREEN: 2,
    Colour.UNCOLOURED: 3,
    Colour.NO_VALUE: 4,
}
NUMBER = DecimalField(max_digits=VALUE_DIGITS + 8, decimal_places=VALUE_PLACES + 4)
LINEAGE = ("pk", "predecessor_id", "predecessor__predecessor_id")


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


def plan_indicators(plan: Plan) -> QuerySet[Indicator]:
    """A plan's indicators with what the latest value's colour is worked out from, each read
    once a row (`with_latest_colour` works it out).

    `latest_value` is the total (not per unit or gender) of the latest period with a value
    recorded, with that period's kind and year; `baseline` the value at the baseline (the
    value measured in the baseline period by the indicator or its predecessors, as the reports
    read it, else the entered one); `reference_now` and `reference_then` the gap's reference
    in the latest value's year and in the baseline's.
    """
    latest = Measurement.objects.filter(
        indicator=OuterRef("pk"), unit__isnull=True, gender=Gender.TOTAL
    ).order_by("-period__starts_on")
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
        .order_by("goal__number", "position", "pk")
    )


def with_latest_colour(indicators: Iterable[Indicator]) -> list[Indicator]:
    """The indicators of `plan_indicators`, each with the colour of its latest value
    (`latest_colour`, by THE rule: `indicators.colour.judge`) and that colour's rank
    (`colour_rank`, red first). No colour where the rule gives none ("uncoloured": a kind
    that colours nothing, a comparison without its baseline or reference), "none" without a
    value."""
    rows = list(indicators)
    for indicator in rows:
        if indicator.target_kind in (TargetKind.CHANGE, TargetKind.GAP):
            basis = Basis(
                baseline=indicator.baseline,
                reference=indicator.reference_now,
                baseline_reference=indicator.reference_then,
            )
        else:
            basis = NO_BASIS
        indicator.latest_colour = indicator.colour_of(indicator.latest_value, basis)
        indicator.colour_rank = COLOUR_RANK[indicator.latest_colour]
    return rows


def plans_read_by_list(plan: Plan) -> tuple[int, ...]:
    """The plans whose rows `plan_indicators(plan)` reads, by pk: the plan, and the plans of
    its indicators' predecessors as far back as the baseline is looked for (`LINEAGE`). One
    query."""
    found = {plan.pk}
    for pair in Indicator.objects.filter(goal__plan=plan).values_list(
        "predecessor__goal__plan_id", "predecessor__predecessor__goal__plan_id"
    ):
        found.update(pk for pk in pair if pk is not None)
    return tuple(sorted(found))


def kept_plan_indicators(plan: Plan) -> list[Indicator]:
    """`with_latest_colour(plan_indicators(plan))`: the plan's indicators with their latest
    value's colour, worked out once and kept until the plan's indicators or values, those of
    the plans their baselines are read from (`plans_read_by_list`), or anything of no plan
    (periods, an organisation's comparison group) change. Two queries when kept."""
    return kept(
        f"plan-indicators:{plan.pk}",
        lambda: with_latest_colour(plan_indicators(plan)),
        plans=plans_read_by_list(plan),
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
