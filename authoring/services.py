"""Writes that concern a whole plan: restoring what was deleted from it (with everything
deleted together), and rolling it over to the next period as a draft."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model, OuterRef, Prefetch, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from authoring.selectors import DELETED_KINDS
from core.history import RESTORED_REASON
from core.versioning import Actor, can_create_in_bulk, create_validated, validate_new
from goals.deadlines import moved_by_years
from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp, SubGoal
from goals.services import (
    goal_create,
    goals_renumber,
    positions_save,
    sub_goal_create,
)
from indicators.models import MEASURE_FIELDS, RESPONSIBILITY_FIELDS, Indicator, Measurement
from indicators.targets import Target
from planning.models import Plan
from planning.services import ensure_plan_unlocked, plan_create

PLAN_FIELDS = ("kind", "owner_unit", "responsible", *Plan.LONG_TEXTS)
GOAL_FIELDS = ("label", "description", "scope", "perspective")
# The target keeps its kind and every field of it, the baseline too (see `indicators.targets`).
INDICATOR_FIELDS = (
    "position",
    "scope",
    *(name for name in MEASURE_FIELDS if name != "sub_goal"),
    "perspective",
    *RESPONSIBILITY_FIELDS,
    *Target.fields(),
    "reuses",
    "open_data",  # the links to every open-data source
)
ACTIVITY_FIELDS = (
    "position",
    "responsible_role",
    "unit",
    "responsible_user",
    "reporting_role",
    "reporting_unit",
    "reporting_user",
    "ongoing",
    "due_precision",
    "evaluated_months",
)
FINISHED = frozenset({ActivityStatus.Status.DONE, ActivityStatus.Status.CANCELLED})


@transaction.atomic
def plan_roll_over(*, plan: Plan, actor: Actor, name: str | None = None) -> Plan:
    """Copy a plan to the next period as a draft; refuse if that plan exists already.

    The new plan is named `name`, or the old name with its years moved on ("Verksamhetsplan
    Omsorg 2023" becomes "... 2024"). Raises ValidationError if the organisation has a plan of
    that name starting in the new first year.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    length = len(plan.years)
    start_year, end_year = plan.start_year + length, plan.end_year + length
    name = name or next_name(plan, start_year, end_year)
    if Plan.objects.filter(
        organisation_id=plan.organisation_id, name=name, start_year=start_year
    ).exists():
        raise ValidationError(
            {
                "name": _('The plan "%(name)s" starting %(year)d already exists.')
                % {"name": name, "year": start_year}
            }
        )
    parent = plan.parent
    if parent is not None and not (parent.start_year <= start_year and end_year <= parent.end_year):
        parent = None
    new_plan = plan_create(
        organisation=plan.organisation,
        name=name,
        start_year=start_year,
        end_year=end_year,
        partner_organisations=list(plan.partner_organisations.all()),
        parent=parent,
        rolled_over_from=plan,
        actor=actor,
        **{field: getattr(plan, field) for field in PLAN_FIELDS},
    )
    goals = plan.goals.order_by("number").prefetch_related(
        "sub_goals",
        Prefetch("indicators", queryset=Indicator.objects.select_related(*INDICATOR_READS)),
        Prefetch("activities", queryset=Activity.objects.select_related(*ACTIVITY_READS)),
    )
    finished = finished_activities(plan)
    years = start_year - plan.start_year
    indicators, activities = [], []
    for goal in goals:
        copy, sub_goals = _goal_copy(
            goal, new_plan, keep_contribution=parent is not None, actor=actor
        )
        indicators += [
            _indicator_copy(indicator, copy, sub_goals.get(indicator.sub_goal_id), actor)
            for indicator in goal.indicators.all()
        ]
        activities += [
            _activity_copy(activity, copy, sub_goals.get(activity.sub_goal_id), years, actor)
            for activity in goal.activities.all()
            if activity.pk not in finished
        ]
    create_validated(indicators)
    create_validated(activities)
    return new_plan


def next_name(plan: Plan, start_year: int, end_year: int) -> str:
    """The plan's name with its years moved on, or the same name if it names no years."""
    if plan.start_year == plan.end_year:
        return re.sub(rf"\b{plan.start_year}\b", str(start_year), plan.name)
    return re.sub(
        rf"\b{plan.start_year}(\s*[-–]\s*){plan.end_year}\b",
        lambda match: f"{start_year}{match[1]}{end_year}",
        plan.name,
    )


def _goal_copy(
    goal: Goal, plan: Plan, *, keep_contribution: bool, actor: Actor
) -> tuple[Goal, dict[int, SubGoal]]:
    """The goal copied into the plan, and its sub-goals' copies by the old ones' ids."""
    copy = goal_create(
        plan=plan,
        number=goal.number,
        title=goal.title,
        contributes_to=goal.contributes_to if keep_contribution else None,
        actor=actor,
        **{field: getattr(goal, field) for field in GOAL_FIELDS},
    )
    sub_goals = {
        sub_goal.pk: sub_goal_create(
            goal=copy,
            title=sub_goal.title,
            label=sub_goal.label,
            position=sub_goal.position,
            actor=actor,
        )
        for sub_goal in goal.sub_goals.all()
    }
    return copy, sub_goals


# What the copies of a plan's indicators and activities link to: the objects the plan's own
# link to (read with them, for the copies' rules), the new goal and sub-goal, the indicator
# copied (its predecessor). All exist: their links are not asked about one copy at a time.
INDICATOR_READS = ("perspective", "baseline_period", "responsible_unit", "reporting_unit")
ACTIVITY_READS = ("unit", "responsible_user", "reporting_unit", "reporting_user")


def _indicator_copy(indicator: Indicator, goal: Goal, sub_goal, actor: Actor) -> Indicator:
    fields = {field: getattr(indicator, field) for field in INDICATOR_FIELDS}
    copy = Indicator(goal=goal, sub_goal=sub_goal, predecessor=indicator, **fields)
    return validate_new(copy, actor=actor, checked=[link.name for link in _links(Indicator)])


def _activity_copy(activity: Activity, goal: Goal, sub_goal, years: int, actor: Actor) -> Activity:
    due_on = activity.due_on
    if due_on is not None:  # the same deadline in the new plan's years
        due_on = moved_by_years(due_on, activity.due_precision, years)
    fields = {field: getattr(activity, field) for field in ACTIVITY_FIELDS}
    copy = Activity(goal=goal, title=activity.title, sub_goal=sub_goal, due_on=due_on, **fields)
    return validate_new(copy, actor=actor, checked=[link.name for link in _links(Activity)])


def _links(model: type[Model]) -> list[Any]:
    """A model's links to other objects (its foreign keys)."""
    return [link for link in model._meta.concrete_fields if link.many_to_one]


def finished_activities(plan: Plan) -> set[int]:
    """The ids of the plan's activities whose latest status (by period, then by when it was
    reported) is done or cancelled: they are not copied to the next period. One query."""
    latest = (
        ActivityStatus.objects.filter(activity=OuterRef("pk"))
        .order_by("-period__starts_on", "-reported_at")
        .values("status")[:1]
    )
    found = Activity.objects.filter(goal__plan=plan).annotate(latest=Subquery(latest))
    return set(found.filter(latest__in=FINISHED).values_list("pk", flat=True))


# --- Restoring what was deleted -----------------------------------------------------------------

# Parents before children, so that every restored object finds what it points at.
RESTORE_ORDER: tuple[type[Model], ...] = (
    Goal,
    SubGoal,
    Indicator,
    Activity,
    Measurement,
    ActivityStatus,
    GoalFollowUp,
)
RESTORABLE: dict[str, type[Model]] = DELETED_KINDS


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


def _restore_many(model: type[Model], records: list[Any], actor: Actor) -> tuple[int, list[str]]:
    """Recreate objects of one model from their deletion records, as `_restore_record` does
    each, in a few statements: the links of all of them looked up in one query per link,
    each object validated (its links not asked about again), all inserted together with
    their history records. A batch the database refuses comes back an object at a time.
    Returns how many came back, and what could not and why."""
    if model is Goal or not can_create_in_bulk(model):
        return _restore_each(model, records, actor)
    links = _links(model)
    instances = {item.history_id: item.instance for item in records}
    refused: dict[int, str] = {}
    for link in links:
        wanted = {getattr(instance, link.attname) for instance in instances.values()} - {None}
        related = link.related_model._default_manager.all()
        if parents := _parents(link.related_model):
            related = related.select_related(*parents)
        found = related.in_bulk(wanted)
        for history_id, instance in instances.items():
            value = getattr(instance, link.attname)
            if value is None or history_id in refused:
                continue
            if value in found:  # the object itself, with its parents: its rules read them
                setattr(instance, link.name, found[value])
            elif link.null:  # a link to something gone is emptied if it may be empty
                setattr(instance, link.attname, None)
            else:
                refused[history_id] = _("%(field)s no longer exists.") % {
                    "field": capfirst(str(link.verbose_name))
                }
    # Its id is not taken (the batch holds only what does not exist), nor are its links lost.
    checked = [model._meta.pk.name, *(link.name for link in links)]
    ready = []
    for item in records:
        instance = instances[item.history_id]
        if item.history_id not in refused:
            instance.version = (item.version or 0) + 1
            try:
                validate_new(instance, actor=actor, checked=checked)
            except ValidationError as error:
                refused[item.history_id] = " ".join(error.messages)
                continue
            instance._change_reason = RESTORED_REASON
            ready.append(item)
    try:
        with transaction.atomic():
            create_validated([instances[item.history_id] for item in ready])
    except IntegrityError:
        restored, skipped = _restore_each(model, ready, actor)
    else:
        restored, skipped = len(ready), []
    by_id = {item.history_id: item for item in records}
    return restored, [
        f"{record_label(model, by_id[history_id])}: {why}" for history_id, why in refused.items()
    ] + skipped


def _parents(model: type[Model], depth: int = 2) -> list[str]:
    """The paths of a model's required links (its goal, plan, period...), `depth` deep."""
    paths = []
    for link in model._meta.concrete_fields:
        if link.many_to_one and not link.null:
            paths.append(link.name)
            if depth > 1:
                deeper = _parents(link.related_model, depth - 1)
                paths += [f"{link.name}__{path}" for path in deeper]
    return paths


def _restore_each(model: type[Model], records: list[Any], actor: Actor) -> tuple[int, list[str]]:
    """`_restore_many` an object at a time, each in its own savepoint."""
    restored, skipped = 0, []
    for item in records:
        try:
            with transaction.atomic():
                _restore_record(item, actor)
        except ValidationError as error:
            skipped.append(f"{record_label(model, item)}: {' '.join(error.messages)}")
            continue
        restored += 1
    return restored, skipped


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
        main = [item for item in records if each is model and item.history_id == record.history_id]
        if main:
            overrides = {}
            if each is Goal:
                last = Goal.objects.filter(plan=plan).aggregate(last=Max("number"))["last"]
                overrides["number"] = (last or 0) + 1
            result = _restore_record(main[0], actor, **overrides)
        others = [item for item in records if item not in main]
        restored, refused = _restore_many(each, others, actor)
        skipped += refused
        if restored:
            label = str(each._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + restored
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
            .objects.select_for_update()
            .filter(goal_id=result.goal_id)
            .exclude(pk=result.pk)
            .order_by("position", "pk")
        )
        # Back between the rows it was between: those before it kept their positions (a
        # deletion leaves a gap), so its place is the number of rows placed before its own.
        place = sum(
            (sibling.position, sibling.pk) < (record.position, result.pk) for sibling in siblings
        )
        siblings.insert(place, result)
        positions_save(siblings, actor=actor)
        result.refresh_from_db()
    return RestoreResult(restored=result, counts=counts, skipped=skipped)


# --- Placing goals and their items where they are dropped -------------------------------------


@transaction.atomic
def goal_item_place(*, item: Any, index: int, actor: Actor) -> Any:
    """Move an activity or an indicator to place `index` (from 0) among its goal's items, as
    dragging it there does; the others keep their order. Refused while the plan is locked."""
    ensure_plan_unlocked(item.goal.plan)
    siblings = list(
        type(item)
        .objects.select_for_update()
        .filter(goal_id=item.goal_id)
        .order_by("position", "pk")
    )
    moving = next(sibling for sibling in siblings if sibling.pk == item.pk)
    others = [sibling for sibling in siblings if sibling.pk != item.pk]
    others.insert(min(max(index, 0), len(others)), moving)
    positions_save(others, actor=actor, moved=moving)
    item.refresh_from_db()
    return item


@transaction.atomic
def goal_place(*, goal: Goal, index: int, actor: Actor) -> Goal:
    """Move a goal to place `index` (from 0) among the plan's goals; they are numbered 1..n."""
    order = list(goal.plan.goals.order_by("number", "pk").values_list("pk", flat=True))
    order.remove(goal.pk)
    order.insert(min(max(index, 0), len(order)), goal.pk)
    goals_renumber(plan=goal.plan, actor=actor, order=order, moved=goal)
    goal.refresh_from_db()
    return goal
