"""Reads for indicators: how a row of them is shown, the list with the latest value's colour
computed by the database, and the municipality-wide measures a plan may reuse."""

from typing import Any

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from goals.models import Scope
from indicators.colour import Colour, Direction, format_value
from indicators.models import (
    MEASURE_FIELDS,
    VALUE_DIGITS,
    VALUE_PLACES,
    Gender,
    Indicator,
    Measurement,
)
from indicators.targets import Target
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


# --- The indicators list, with the latest value's colour computed by the database -----------------

COLOUR_RANK = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2, Colour.NO_VALUE: 3}


def _colour_expression() -> Case:
    """`indicators.colour.evaluate` in SQL, over the annotation `latest_value`: so that the
    list can be filtered and sorted by colour in the database (tested against `evaluate`)."""
    higher = Q(direction=Direction.HIGHER_IS_BETTER.value)
    lower = Q(direction=Direction.LOWER_IS_BETTER.value)
    at_green = Q(latest_value=F("green_bound"), green_bound_inclusive=True)
    at_red = Q(latest_value=F("red_bound"), red_bound_inclusive=True)
    green = (higher & (Q(latest_value__gt=F("green_bound")) | at_green)) | (
        lower & (Q(latest_value__lt=F("green_bound")) | at_green)
    )
    red = (higher & (Q(latest_value__lt=F("red_bound")) | at_red)) | (
        lower & (Q(latest_value__gt=F("red_bound")) | at_red)
    )
    return Case(
        When(latest_value__isnull=True, then=Value(Colour.NO_VALUE.value)),
        When(green, then=Value(Colour.GREEN.value)),
        When(red_bound__isnull=True, then=Value(Colour.RED.value)),
        When(red, then=Value(Colour.RED.value)),
        default=Value(Colour.YELLOW.value),
        output_field=CharField(),
    )


def plan_indicators(plan: Plan) -> QuerySet[Indicator]:
    """A plan's indicators with the latest value for the whole plan and its colour.

    `latest_value` is the total (not per unit or gender) of the latest period with a value
    recorded; `latest_colour` its colour ("none" without a value), `colour_rank` red first.
    """
    latest = Measurement.objects.filter(
        indicator=OuterRef("pk"), unit__isnull=True, gender=Gender.TOTAL
    ).order_by("-period__starts_on")
    return (
        Indicator.objects.filter(goal__plan=plan)
        .select_related("goal")
        .annotate(
            latest_value=Subquery(
                latest.values("value")[:1],
                output_field=DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES),
            ),
            latest_period_kind=Subquery(latest.values("period__kind")[:1]),
            latest_period_year=Subquery(latest.values("period__year")[:1]),
        )
        .annotate(latest_colour=_colour_expression())
        .annotate(
            colour_rank=Case(
                *(
                    When(latest_colour=colour.value, then=Value(rank))
                    for colour, rank in COLOUR_RANK.items()
                ),
                output_field=IntegerField(),
            )
        )
        .order_by("goal__number", "position", "pk")
    )


# --- Reusing a municipality-wide measure ----------------------------------------------------------

# The open-data links (`open_data`, all sources) are copied too.
COPIED_FIELDS = (*MEASURE_FIELDS, "target_text", *Target.fields(), "open_data")


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
