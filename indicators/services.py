"""Writes for indicators and measurements."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from goals.models import Goal
from indicators.models import Gender, Indicator, Measurement, Origin
from planning.models import FollowUpPeriod, Unit
from planning.services import Actor, next_position, save_validated


@transaction.atomic
def indicator_create(
    *, goal: Goal, name: str, green_bound: Decimal, actor: Actor, **fields: Any
) -> Indicator:
    """Add an indicator to a goal, placed last unless a position is given.

    Bands and target are checked by the model: see `indicators.colour.problems`.
    """
    if "position" not in fields:
        fields["position"] = next_position(goal.indicators)
    return save_validated(
        Indicator(goal=goal, name=name, green_bound=green_bound, **fields), actor=actor
    )


@transaction.atomic
def measurement_record(
    *,
    indicator: Indicator,
    period: FollowUpPeriod,
    value: Decimal | None,
    unit: Unit | None = None,
    gender: str = Gender.TOTAL,
    comment: str = "",
    source: str = "",
    origin: str = Origin.MANUAL,
    expected_version: int | None = None,
    actor: Actor,
) -> Measurement:
    """Record an indicator's value for a period (and optionally a unit and gender).

    Replaces the earlier value of the same period, unit and gender; with `expected_version`,
    refuses to replace a value someone else changed meanwhile (EditConflict).
    """
    record = (
        Measurement.objects.select_for_update()
        .filter(indicator=indicator, period=period, unit=unit, gender=gender)
        .first()
    )
    if record is None:
        record = Measurement(indicator=indicator, period=period, unit=unit, gender=gender)
    record.value = value
    record.comment = comment
    record.source = source
    record.origin = origin
    record.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    record.entered_at = timezone.now()
    return save_validated(record, actor=actor, expected_version=expected_version)
