"""Writes for indicators and measurements."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.versioning import (
    Actor,
    delete_recorded,
    next_position,
    row_for_update,
    save_first,
    save_validated,
)
from goals.models import Goal, Scope
from goals.services import goal_item_update, sub_goal_titled
from indicators.models import (
    MEASURE_FIELDS,
    RESPONSIBILITY_FIELDS,
    Gender,
    Indicator,
    Measurement,
    Origin,
)
from indicators.targets import Target
from planning.models import FollowUpPeriod, Plan, Unit
from planning.services import ensure_plan_unlocked


@transaction.atomic
def indicator_create(
    *, goal: Goal, name: str, actor: Actor, green_bound: Decimal | None = None, **fields: Any
) -> Indicator:
    """Add an indicator to a goal, placed last unless a position is given.

    The target (its kind and that kind's fields, see `indicators.targets`) is checked by the
    model; so are the links to open data, `open_data` ({"kolada": {"kpi": "N00090"}}, see
    `indicators.links`). Low level (loaders, roll-over): pages use `indicator_add`, which checks
    the plan's lock.
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
    result: str = "",
    comment: str = "",
    source: str = "",
    origin: str = Origin.MANUAL,
    expected_version: int | None = None,
    actor: Actor,
) -> Measurement:
    """Record an indicator's value for a period (and optionally a unit and gender).

    Replaces the earlier value of the same period, unit and gender; with `expected_version`,
    refuses to replace a value someone else changed meanwhile (EditConflict). An indicator
    followed up in words takes a `result` (`Result`) instead of a value; the model refuses the
    one its kind does not take.
    """
    key = {"indicator": indicator, "period": period, "unit": unit, "gender": gender}
    record = row_for_update(Measurement, **key)
    is_first = record is None
    if is_first:
        record = Measurement(**key)
    else:  # the caller's objects, with what they have selected, for clean()
        record.indicator, record.period, record.unit = indicator, period, unit
    record.value = value
    record.result = result
    record.comment = comment
    record.source = source
    record.origin = origin
    record.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    record.entered_at = timezone.now()
    # The indicator, the period and the person are the caller's objects, loaded and in scope.
    checked = ("indicator", "period", "entered_by")
    if is_first:
        return save_first(
            record, actor=actor, key=key, expected_version=expected_version, checked=checked
        )
    return save_validated(
        record, actor=actor, expected_version=expected_version, checked=checked, locked=True
    )


# --- The planner's changes to indicators ------------------------------------------------------
# Every change below is refused while the plan is decided or archived (`ensure_plan_unlocked`).

INDICATOR_FIELDS = frozenset(
    {
        "scope",
        *MEASURE_FIELDS,
        "perspective",
        *RESPONSIBILITY_FIELDS,
        *Target.fields(),
        "open_data",
    }
)


def _only(fields: dict[str, Any], service: str) -> None:
    unknown = set(fields) - INDICATOR_FIELDS
    if unknown:
        raise TypeError(f"{service} cannot change {', '.join(sorted(unknown))}")


def _sub_goal_from_title(fields: dict[str, Any], goal: Goal, actor: Actor) -> None:
    """`sub_goal_title` (a row typed as the document writes it) becomes the goal's sub-goal of
    that title, added when the goal has none yet."""
    if "sub_goal_title" in fields:
        fields["sub_goal"] = sub_goal_titled(
            goal=goal, title=fields.pop("sub_goal_title"), actor=actor
        )


def reusable_measure(source: Indicator, plan: Plan) -> Indicator:
    """The municipality-wide measure an indicator of `plan` may reuse: `source` itself, or the
    measure `source` reuses. Refuses another organisation's measure or a plan's own."""
    original = source.reuses if source.reuses_id else source
    if (
        original.scope != Scope.MUNICIPALITY_WIDE
        or original.goal.plan.organisation_id != plan.organisation_id
    ):
        raise ValidationError(
            {"reuses": _("Choose a municipality-wide measure of the plan's organisation.")}
        )
    return original


@transaction.atomic
def indicator_add(
    *,
    goal: Goal,
    name: str,
    actor: Actor,
    green_bound: Decimal | None = None,
    reuses: Indicator | None = None,
    **fields: Any,
) -> Indicator:
    """Add an indicator to a goal, placed last.

    With `reuses`, the indicator reuses a municipality-wide measure of the organisation (the
    form copies its definition and bands); it is municipality-wide itself.
    """
    ensure_plan_unlocked(goal.plan)
    _sub_goal_from_title(fields, goal, actor)
    _only(fields, "indicator_add")
    if reuses is not None:
        reuses = reusable_measure(reuses, goal.plan)
        fields["scope"] = Scope.MUNICIPALITY_WIDE
    return indicator_create(
        goal=goal, name=name, green_bound=green_bound, reuses=reuses, actor=actor, **fields
    )


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    actor: Actor,
    expected_version: int | None = None,
    goal: Goal | None = None,
    **fields: Any,
) -> Indicator:
    """Change an indicator; with `goal`, move it to another goal of the same plan (last)."""
    if "sub_goal_title" in fields:
        ensure_plan_unlocked(indicator.goal.plan)
        _sub_goal_from_title(fields, goal or indicator.goal, actor)
    _only(fields, "indicator_update")
    return goal_item_update(
        item=indicator, goal=goal, fields=fields, actor=actor, expected_version=expected_version
    )


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor: Actor) -> str:
    """Delete an indicator with its measured values; returns the history mark."""
    ensure_plan_unlocked(indicator.goal.plan)
    return delete_recorded(indicator, actor=actor)
