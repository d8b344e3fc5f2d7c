"""Versioning and saving with validation: no lost updates, every write checked and
recorded with its actor, deletions recorded so that they can be restored together."""

import uuid
from collections.abc import Iterable
from functools import cache, reduce
from operator import attrgetter, or_
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, router, transaction
from django.db.models import signals, sql
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Versioned(models.Model):
    """An object several people edit: `version` grows with every saved change.

    A save based on an older version is refused (see `save_validated`), so
    that nobody overwrites a change they have not seen.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


Actor = AbstractBaseUser | None

# The change reason of a row's record written because another row was moved or put back among
# its siblings: its place changed, nothing done to it. A plan's history of changes leaves
# these out (a row dragged across a long list moves every row between); they stay recorded,
# for what the plan looked like at any time.
SHIFTED = "shifted"
# The change reason of the record of the row a person moved (dragged, or stepped up or down).
MOVED = "moved"


class EditConflict(Exception):
    """Someone saved the object after the editor loaded it: the edit would overwrite theirs."""

    def __init__(self, instance: models.Model, *, expected_version: int, current_version: int):
        self.instance = instance
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"{type(instance).__name__} {instance.pk} is at version {current_version}, "
            f"the edit was based on version {expected_version}"
        )


def row_for_update[M: models.Model](model: type[M], **key: Any) -> M | None:
    """The row of `model` with these (unique) values, locked until the transaction ends; None
    if there is none. That row alone: a model's default ordering may join other tables (a
    value's goes through its indicator, goal, plan and period), and FOR UPDATE would lock
    their rows too, so that every value written in an organisation's period would wait for
    the one before it, and a plan being published would hold up every report in it."""
    return model._default_manager.select_for_update(of=("self",)).filter(**key).order_by().first()


def is_person(actor: Actor) -> bool:
    """Whether the actor is a logged-in person, whom the history records name (not None: a
    loader, a migration, the system)."""
    return actor is not None and getattr(actor, "is_authenticated", False)


def save_validated(
    instance: models.Model,
    *,
    actor: Actor,
    expected_version: int | None = None,
    checked: Iterable[str] = (),
    locked: bool = False,
) -> models.Model:
    """Validate an instance against its model's rules and save it, recording the actor.

    For a versioned model (see `planning.models.Versioned`) an update raises the version;
    with `expected_version`, an update based on another version raises `EditConflict`.
    Call it inside a transaction. Raises ValidationError with per-field messages.

    `checked` names related fields the caller has already checked: their objects exist, are
    in scope and, with the other fields of a unique constraint, not taken (an import that
    matched every row against objects it loaded in one query). Their per-row queries and the
    constraints they are part of are skipped; `clean()` and the database constraints remain.

    `locked`: the caller read the instance with `select_for_update()` in this transaction, so
    its version is the stored one and no other transaction can change it: not read again.
    """
    if isinstance(instance, Versioned) and instance.pk is not None:
        current = (
            instance.version
            if locked
            else type(instance)
            ._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .get()
        )
        if expected_version is not None and expected_version != current:
            raise EditConflict(instance, expected_version=expected_version, current_version=current)
        instance.version = current + 1
    instance.full_clean(exclude=checked)
    if is_person(actor):
        instance._history_user = actor
    instance.save()
    return instance


def validate_new(
    instance: models.Model, *, actor: Actor, checked: Iterable[str] = ()
) -> models.Model:
    """What `save_validated` does for a new object before saving it, without saving it: the
    object is validated (raises ValidationError as `save_validated` does) and noted with its
    actor and the moment of its creation, for `create_validated` to insert later."""
    instance.full_clean(exclude=checked)
    if is_person(actor):
        instance._history_user = actor
    # The creation record's date: when the object was validated, as `save_validated` dates it
    # when it saves.
    instance._history_date = timezone.now()
    return instance


@cache
def can_create_in_bulk(model: type[models.Model]) -> bool:
    """Whether `create_validated` writes what `save_validated` would for new objects of
    `model`: the model has no save() of its own (bulk inserts skip it and the save signals,
    which only django-simple-history's creation record listens to) and its history records no
    many-to-many fields."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager is None or model.save is not models.Model.save:
        return False
    history = getattr(model, manager).model
    return not getattr(history, "_history_m2m_fields", None)


def create_validated(instances: list[models.Model], *, batch_size: int | None = None) -> None:
    """Insert new objects that `validate_new` checked, all of one model, in one statement
    per batch, with the creation records `save_validated` would have written (type "+", the
    actor, the moment `validate_new` saw the object, the change reason, the same fields).

    Call it inside a transaction (a savepoint: if it raises, nothing of it is kept, and the
    objects are as before: see `forget_insert`). Only for a model `can_create_in_bulk`.
    """
    if not instances:
        return
    model = type(instances[0])
    model._default_manager.bulk_create(instances, batch_size=batch_size)
    history = getattr(model, model._meta.simple_history_manager_attribute)
    # No reason unless the object has one, as when it is saved (not "", the bulk default).
    history.bulk_history_create(instances, batch_size=batch_size, default_change_reason=None)
    for instance in instances:
        del instance._history_date


def update_in_bulk(instances: list[models.Model], fields: list[str], *, actor: Actor) -> None:
    """Write `fields` of objects of one model in one statement, with the change records that
    `save_validated` would have written (type "~", the actor, now, no reason unless an object
    has its own `_change_reason`), without validating them: for fields that no rule reads.
    Only for a model `can_create_in_bulk`.

    Call it inside a transaction, with the objects read `select_for_update()` in it and
    their versions already raised if they are versioned."""
    if not instances:
        return
    model = type(instances[0])
    if not can_create_in_bulk(model):
        raise TypeError(f"{model.__name__} has its own save() or many-to-many history")
    model._default_manager.bulk_update(instances, fields)
    user = actor if is_person(actor) else None
    history = getattr(model, model._meta.simple_history_manager_attribute)
    history.bulk_history_create(
        instances, update=True, default_user=user, default_change_reason=None
    )


def forget_insert(instance: models.Model) -> None:
    """Make an object that an insert rolled back new again (no id, not in the database)."""
    instance.pk = None
    instance._state.adding = True
    instance._state.db = None


def save_first(
    instance: models.Model,
    *,
    actor: Actor,
    key: dict[str, Any],
    expected_version: int | None = None,
    checked: Iterable[str] = (),
) -> models.Model:
    """Save a new record that others may be creating at the same moment: the first report of
    an activity in a period, the first value of an indicator.

    `key` is the record's unique key (its fields and values). The caller has looked for a
    stored record with that key and found none; if another request saves one meanwhile, the
    database's unique constraint decides who was first, and the others get EditConflict (as if
    they had edited an older version), never a database error. Call it inside a transaction.
    `checked` as for `save_validated`; the key's first relation is always checked (the caller
    looked the key up).
    """
    checked = {
        *checked,
        *[name for name in key if instance._meta.get_field(name).is_relation][:1],
    }
    try:
        with transaction.atomic():
            return save_validated(instance, actor=actor, checked=checked)
    except IntegrityError as error:
        stored = (
            type(instance)._default_manager.filter(**key).values_list("version", flat=True).first()
        )
        if stored is None:
            raise  # not a race on the key: a real fault
        raise EditConflict(
            instance, expected_version=expected_version or 0, current_version=stored
        ) from error


def next_position(siblings: models.QuerySet) -> int:
    """The position after the last of `siblings` (0 for the first)."""
    last = siblings.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def delete_recorded(instance: models.Model, *, actor: Actor) -> str:
    """Delete an object and whatever the deletion cascades to, marking every deletion record.

    Each history record of the deletion carries the same change reason (returned), so that
    what was deleted together can be restored together. Call it inside a transaction.

    The records are the ones django-simple-history writes as each object is deleted (the
    same fields, user, date and reason), written a model at a time (`_record_deletions`): a
    large goal takes hundreds of objects with it. When anything else listens to the
    deletion of one of the models, it is told of each object, as Django's deletion does.
    """
    mark = f"deleted:{instance._meta.label_lower}:{instance.pk}:{uuid.uuid4().hex[:12]}"
    # The deletion record keeps the object's last values: read them as stored, not from a
    # copy that may be older.
    stored = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    collector = Collector(using=router.db_for_write(type(stored), instance=stored))
    collector.collect([stored])
    authenticated = is_person(actor)
    for objects in collector.data.values():
        for obj in objects:
            obj._change_reason = mark
            if authenticated:
                obj._history_user = actor
    recorders = {model: _deletion_recorder(model) for model in collector.data}
    if any(recorder is _TOLD_EACH for recorder in recorders.values()):
        collector.delete()
        return mark
    # As Django's deletion does: all of it or nothing, also for a caller without a transaction.
    with transaction.atomic(using=collector.using, savepoint=False):
        _record_deletions(collector, recorders)
        _delete_collected(collector)
    return mark


# What `_deletion_recorder` answers for a model whose deletion something else listens to.
_TOLD_EACH = object()


def _deletion_recorder(model: type[models.Model]) -> Any:
    """Who records the deletion of `model`'s objects: its django-simple-history registration
    (None for a model without a history) when nothing else listens to its deletion signals
    and its history records no many-to-many fields; `_TOLD_EACH` otherwise."""
    recorders = set()
    for signal in (signals.pre_delete, signals.post_delete):
        sync, asynchronous = signal._live_receivers(model)
        if asynchronous:
            return _TOLD_EACH
        for receiver in sync:
            owner = getattr(receiver, "__self__", None)
            if not isinstance(owner, HistoricalRecords):
                return _TOLD_EACH
            recorders.add(owner)
    if len(recorders) > 1:
        return _TOLD_EACH
    recorder = recorders.pop() if recorders else None
    if recorder is not None and recorder.get_m2m_fields_from_model(model):
        return _TOLD_EACH
    return recorder


def _record_deletions(collector: Collector, recorders: dict[type, Any]) -> None:
    """Insert the deletion records of the collected objects, one statement per model, as
    django-simple-history's `create_historical_record(instance, "-")` makes them."""
    now = timezone.now()
    for model, objects in collector.data.items():
        recorder = recorders[model]
        if recorder is None:
            continue
        history = getattr(model, recorder.manager_name).model
        fields = recorder.fields_included(model)
        rows = [
            history(
                history_date=getattr(obj, "_history_date", now),
                history_type="-",
                history_user=recorder.get_history_user(obj),
                history_change_reason=recorder.get_change_reason_for_object(
                    obj, "-", collector.using
                ),
                **{field.attname: getattr(obj, field.attname) for field in fields},
            )
            for obj in objects
        ]
        history._default_manager.using(collector.using).bulk_create(rows)


def _delete_collected(collector: Collector) -> None:
    """What `Collector.delete()` does, without its signals (their only listener's records
    are written): the fast deletes, the fields set to null, then each model's rows, in the
    order that keeps the references valid."""
    using = collector.using
    for model, instances in collector.data.items():
        collector.data[model] = sorted(instances, key=attrgetter("pk"))
    collector.sort()
    for queryset in collector.fast_deletes:
        queryset._raw_delete(using=using)
    for (field, value), instances_list in collector.field_updates.items():
        querysets, objects = [], []
        for found in instances_list:
            if isinstance(found, models.QuerySet) and found._result_cache is None:
                querysets.append(found)
            else:
                objects.extend(found)
        if querysets:
            reduce(or_, querysets).update(**{field.name: value})
        if objects:
            query = sql.UpdateQuery(type(objects[0]))
            query.update_batch(list({obj.pk for obj in objects}), {field.name: value}, using)
    for model, instances in collector.data.items():
        sql.DeleteQuery(model).delete_batch([obj.pk for obj in instances], using)
    for model, instances in collector.data.items():
        for instance in instances:
            setattr(instance, model._meta.pk.attname, None)
