"""Writes for indicators and measurements."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.history import RESTORED_REASON
from core.versioning import Actor, delete_recorded, next_position, save_validated
from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp, Scope
from goals.services import goals_renumber, positions_save
from indicators.models import Gender, Indicator, Measurement, Origin
from planning.models import FollowUpPeriod, Plan, Unit
from planning.services import ensure_plan_unlocked


@transaction.atomic
def indicator_create(
    *, goal: Goal, name: str, green_bound: Decimal, actor: Actor, **fields: Any
) -> Indicator:
    """Add an indicator to a goal, placed last unless a position is given.

    Bands and target are checked by the model: see `indicators.colour.problems`. Low level
    (loaders, roll-over): pages use `indicator_add`, which checks the plan's lock.
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


# --- The planner's changes to indicators ------------------------------------------------------
# Every change below is refused while the plan is decided or archived (`ensure_plan_unlocked`).

INDICATOR_FIELDS = frozenset(
    {
        "scope",
        "subgoal",
        "name",
        "definition",
        "unit",
        "unit_label",
        "decimals",
        "source",
        "frequency",
        "scale_max",
        "target_value",
        "target_text",
        "direction",
        "green_bound",
        "green_bound_inclusive",
        "red_bound",
        "red_bound_inclusive",
        "kolada_kpi",
    }
)


def _only(fields: dict[str, Any], service: str) -> None:
    unknown = set(fields) - INDICATOR_FIELDS
    if unknown:
        raise TypeError(f"{service} cannot change {', '.join(sorted(unknown))}")


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
    green_bound: Decimal,
    actor: Actor,
    reuses: Indicator | None = None,
    **fields: Any,
) -> Indicator:
    """Add an indicator to a goal, placed last.

    With `reuses`, the indicator reuses a municipality-wide measure of the organisation (the
    form copies its definition and bands); it is municipality-wide itself.
    """
    ensure_plan_unlocked(goal.plan)
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
    stored_goal = Goal.objects.select_related("plan").get(indicators=indicator.pk)
    ensure_plan_unlocked(stored_goal.plan)
    _only(fields, "indicator_update")
    if goal is not None and goal.pk != stored_goal.pk:
        if goal.plan_id != stored_goal.plan_id:
            raise ValidationError({"goal": _("Choose a goal of the same plan.")})
        indicator.position = next_position(goal.indicators)
    indicator.goal = goal if goal is not None else stored_goal
    for name, value in fields.items():
        setattr(indicator, name, value)
    return save_validated(indicator, actor=actor, expected_version=expected_version)


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor: Actor) -> str:
    """Delete an indicator with its measured values; returns the history mark."""
    ensure_plan_unlocked(indicator.goal.plan)
    return delete_recorded(indicator, actor=actor)


# --- Restoring what was deleted -----------------------------------------------------------------

# Parents before children, so that every restored object finds what it points at.
RESTORE_ORDER: tuple[type[Model], ...] = (
    Goal,
    Indicator,
    Activity,
    Measurement,
    ActivityStatus,
    GoalFollowUp,
)
RESTORABLE: dict[str, type[Model]] = {"goal": Goal, "indicator": Indicator, "activity": Activity}


def restore_order() -> list[type[Model]]:
    """Every model with a history, parents first: the known ones, then any other (which can
    only hang below them, e.g. values kept per indicator)."""
    tracked = [
        model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    ]
    return [*RESTORE_ORDER, *(model for model in tracked if model not in RESTORE_ORDER)]


@dataclass
class RestoreResult:
    """What a restore brought back, and what it could not (with the reason)."""

    restored: Model
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _restore_record(record: Any, actor: Actor, **overrides: Any) -> Model:
    """Recreate an object from its deletion record, with its old id; its history goes on.

    A link to something that is gone is emptied if it may be empty; otherwise the object
    cannot come back (ValidationError). The model's rules are checked as on every save.
    """
    instance = record.instance
    for name, value in overrides.items():
        setattr(instance, name, value)
    for model_field in instance._meta.concrete_fields:
        if not model_field.many_to_one:
            continue
        value = getattr(instance, model_field.attname)
        if value is None or model_field.related_model._default_manager.filter(pk=value).exists():
            continue
        if not model_field.null:
            raise ValidationError(
                _("%(field)s no longer exists.")
                % {"field": capfirst(str(model_field.verbose_name))}
            )
        setattr(instance, model_field.attname, None)
    instance.version = (record.version or 0) + 1
    instance.full_clean()
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    instance._change_reason = RESTORED_REASON
    instance.save(force_insert=True)
    return instance


def record_label(model: type[Model], record: Any) -> str:
    """A deleted object as text, even when what its text names is gone too."""
    try:
        return str(record.instance)
    except ObjectDoesNotExist:
        return f"{capfirst(str(model._meta.verbose_name))} {record.id}"


def deletion_record(model: type[Model], history_id: int) -> Any:
    """The history record of a deletion, if the object is still deleted; None otherwise."""
    record = model.history.filter(history_id=history_id, history_type="-").first()
    if record is None or model._default_manager.filter(pk=record.id).exists():
        return None
    return record


def plan_of_deleted(model: type[Model], record: Any) -> Plan:
    """The plan a deleted goal, indicator or activity belonged to (its goal must exist)."""
    if model is Goal:
        return Plan.objects.get(pk=record.plan_id)
    goal = Goal.objects.select_related("plan").filter(pk=record.goal_id).first()
    if goal is None:
        raise ValidationError(
            _("Its goal was deleted too: restore the goal, and it comes back with it.")
        )
    return goal.plan


@transaction.atomic
def history_restore(*, model_name: str, history_id: int, actor: Actor) -> RestoreResult:
    """Restore a deleted goal, indicator or activity with what was deleted with it.

    A goal comes back with its indicators, activities, their statuses, measured values and
    analyses; an indicator with its values; an activity with its statuses: everything the
    deletion marked in the history (see `planning.services.delete_recorded`). Each object gets
    its old id back, so its history continues. A goal takes its old number again (the others
    move down). What no longer fits (e.g. a value of a period that is gone) is left out and
    reported. All or nothing for the object itself; one transaction.
    """
    model = RESTORABLE[model_name]
    record = deletion_record(model, history_id)
    if record is None:
        raise ValidationError(_("There is nothing to restore: it exists already."))
    plan = plan_of_deleted(model, record)
    ensure_plan_unlocked(plan)
    mark = record.history_change_reason or ""
    batches: list[tuple[type[Model], list[Any]]] = []
    if mark.startswith("deleted:"):
        for each in restore_order():
            records = list(
                each.history.filter(history_type="-", history_change_reason=mark).order_by(
                    "history_date"
                )
            )
            existing = set(
                each._default_manager.filter(pk__in=[r.id for r in records]).values_list(
                    "pk", flat=True
                )
            )
            batches.append((each, [r for r in records if r.id not in existing]))
    else:
        batches.append((model, [record]))

    result = None
    counts: dict[str, int] = {}
    skipped: list[str] = []
    for each, records in batches:
        for item in records:
            overrides = {}
            if each is Goal:
                last = Goal.objects.filter(plan=plan).aggregate(last=Max("number"))["last"]
                overrides["number"] = (last or 0) + 1
            if each is model and item.history_id == record.history_id:
                result = _restore_record(item, actor, **overrides)
                continue
            try:
                with transaction.atomic():
                    _restore_record(item, actor, **overrides)
            except ValidationError as error:
                skipped.append(f"{record_label(each, item)}: {' '.join(error.messages)}")
                continue
            label = str(each._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + 1
    if result is None:  # pragma: no cover - the record is always among the batches
        raise ValidationError(_("There is nothing to restore."))

    if isinstance(result, Goal):
        others = list(Goal.objects.filter(plan=plan).exclude(pk=result.pk).order_by("number", "pk"))
        order = [goal.pk for goal in others]
        order.insert(min(max(record.number - 1, 0), len(order)), result.pk)
        goals_renumber(plan=plan, actor=actor, order=order)
        result.refresh_from_db()
    else:
        siblings = list(
            type(result)
            .objects.filter(goal_id=result.goal_id)
            .exclude(pk=result.pk)
            .order_by("position", "pk")
        )
        siblings.insert(min(record.position, len(siblings)), result)
        positions_save(siblings, actor=actor)
        result.refresh_from_db()
    return RestoreResult(restored=result, counts=counts, skipped=skipped)
