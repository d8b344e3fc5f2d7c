"""The history of objects in words: who changed what, when, old -> new; what a deletion
takes with it. Reads django-simple-history records of any model."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models, router
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.manager import HistoryDescriptor

from core.versioning import MOVED, SHIFTED, Versioned

# --- The history managers, made once --------------------------------------------------------------


class _HistoryDescriptor(HistoryDescriptor):
    """`Model.history` and `instance.history` as django-simple-history gives them, with the
    manager's class made once: the library's descriptor makes a new class (`from_queryset`,
    which inspects the queryset's methods) at every access, 0.2-0.4 ms each, and every
    history record written and every history read accesses it."""

    def __init__(self, model, manager, queryset) -> None:
        super().__init__(model, manager=manager, queryset=queryset)
        self.made = manager.from_queryset(queryset)

    def __get__(self, instance, owner):
        return self.made(self.model, instance)


def cache_history_managers() -> None:
    """Give every model with a history the descriptor above (once, when the apps are ready)."""
    for model in apps.get_models():
        for name, found in list(vars(model).items()):
            if type(found) is HistoryDescriptor:
                cached = _HistoryDescriptor(found.model, found.manager_class, found.queryset_class)
                setattr(model, name, cached)


# --- History: who changed what, in words --------------------------------------------------------


@dataclass
class FieldChange:
    """One field's change: its label and the old and new values as text."""

    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One history record in words: what happened to which object, who did it and when."""

    record: Any
    model_label: str
    object_label: str
    action: str
    who: str
    when: datetime.datetime
    changes: list[FieldChange] = field(default_factory=list)
    # Where the object's own history is read: set by the app that shows it (`core` knows no
    # URLs), for lists of several objects' changes.
    url: str = ""

    @property
    def when_iso(self) -> str:
        """When, for `<time datetime>`: what `|date:'c'` writes (ISO 8601), without its parsing
        of the format."""
        return timezone.localtime(self.when).isoformat()

    @property
    def when_text(self) -> str:
        """When, as the reader's language writes a date and time (`|date:"SHORT_DATETIME_FORMAT"`):
        a page of fifty entries spends less than through the template's filter."""
        return date_format(timezone.localtime(self.when), "SHORT_DATETIME_FORMAT")

    @property
    def object_id(self) -> int:
        return self.record.instance_type._meta.pk.value_from_object(self.record)

    @property
    def history_id(self) -> int:
        return self.record.history_id

    @property
    def model_name(self) -> str:
        return self.record.instance_type._meta.model_name


RESTORED_REASON = "restored"

# A row's place among its goal's other rows: stored for their order only, with gaps, so that
# its numbers say nothing to a reader. A change of it is told as the row moving up or down.
PLACE_FIELD = "position"
# A goal's number: what people cite, so that its change is shown; a goal moved is told as
# moving up or down by it too.
NUMBER_FIELD = "number"


def history_action(record: Any, *, place: tuple[int, int] | None = None) -> str:
    """What a history record says happened, in words; `place`: its row's place (old, new),
    when the record changed it."""
    if record.history_type == "+":
        if record.history_change_reason == RESTORED_REASON:
            return str(_("restored"))
        return str(pgettext("history action", "created"))
    if record.history_type == "-":
        return str(_("deleted"))
    if record.history_change_reason == SHIFTED:
        if hasattr(record, PLACE_FIELD):
            return str(_("moved when another row was moved"))
        return str(_("renumbered when another goal was moved, deleted or restored"))
    if place is not None:
        old, new = place
        if new < old:
            return str(pgettext("history action", "moved up"))
        return str(pgettext("history action", "moved down"))
    if record.history_change_reason == MOVED:
        return str(pgettext("history action", "moved"))
    return str(_("changed"))


def user_label(user: Any) -> str:
    if user is None:
        return str(_("unknown (set up by the system)"))
    return user.get_full_name() or user.get_username()


def _decimal_text(value: Decimal) -> str:
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def value_text(model_field: Any, value: Any, related: dict[tuple[type, Any], Any]) -> str:
    """A stored value as a person would read it: choice labels, names, local numbers."""
    if value is None or value == "":
        return str(_("(empty)"))
    if model_field.is_relation:
        target = related.get((model_field.related_model, value))
        if target is None:
            return str(_("(removed, id %(id)s)") % {"id": value})
        return str(target)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def describe_history(
    pairs: list[tuple[Any, Any | None]],
    *,
    excluded: Iterable[str] = (),
    label: Callable[[Any], str] | None = None,
) -> list[HistoryEntry]:
    """Each (record, previous record of the same object) in words, in the order given.

    Related objects named in the changes are fetched once per model, whatever the number of
    records. Changes use simple-history's `diff_against` over the fields people edit; a row's
    place (`PLACE_FIELD`) is told by the action, "moved up" or "moved down", not as a change,
    and a goal moved says up or down too, besides its number (`NUMBER_FIELD`).
    `label` names the object of a record (default: the object as it was then, as text).
    """
    deltas = []
    wanted: dict[type, set] = defaultdict(set)
    for record, previous in pairs:
        delta = None
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=set(excluded))
            for change in delta.changes:
                model_field = record.instance_type._meta.get_field(change.field)
                if model_field.is_relation:
                    for value in (change.old, change.new):
                        if value is not None:
                            wanted[model_field.related_model].add(value)
        deltas.append(delta)
    related: dict[tuple[type, Any], Any] = {}
    for model, ids in wanted.items():
        for target in model._default_manager.filter(pk__in=ids):
            related[(model, target.pk)] = target
    entries = []
    for (record, _previous), delta in zip(pairs, deltas, strict=True):
        meta = record.instance_type._meta
        changes = []
        place = None
        if delta is not None:
            for change in delta.changes:
                if change.field == PLACE_FIELD:
                    place = (change.old, change.new)
                    continue
                if change.field == NUMBER_FIELD and record.history_change_reason == MOVED:
                    place = (change.old, change.new)
                model_field = meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        label=capfirst(str(model_field.verbose_name)),
                        old=value_text(model_field, change.old, related),
                        new=value_text(model_field, change.new, related),
                    )
                )
        entries.append(
            HistoryEntry(
                record=record,
                model_label=capfirst(str(meta.verbose_name)),
                object_label=label(record) if label else str(record.instance),
                action=history_action(record, place=place),
                who=user_label(record.history_user),
                when=record.history_date,
                changes=changes,
            )
        )
    return entries


def with_previous(records: Iterable[Any]) -> list[tuple[Any, Any | None]]:
    """Pair each history record with the record before it of the same object.

    `records` must be ordered by object and then by time (oldest first).
    """
    pairs = []
    previous = None
    for record in records:
        same = previous is not None and previous.instance_type._meta.pk.value_from_object(
            previous
        ) == record.instance_type._meta.pk.value_from_object(record)
        pairs.append((record, previous if same else None))
        previous = record
    return pairs


def changes_since_version(instance: Versioned, version: int) -> list[HistoryEntry]:
    """What others saved after `version` of a versioned object, oldest first.

    For the message shown when an edit is refused with `EditConflict`: each later save with
    who made it, when, and the fields it changed, old -> new.
    """
    records = list(
        type(instance)
        .history.filter(**{type(instance)._meta.pk.attname: instance.pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    pairs = with_previous(records)
    start = next(
        (
            index + 1
            for index in range(len(records) - 1, -1, -1)
            if records[index].version == version
        ),
        None,
    )
    if start is None:
        pairs = [(record, previous) for record, previous in pairs if record.version > version]
    else:
        pairs = pairs[start:]
    return describe_history(pairs)


def deletion_summary(instance: models.Model) -> list[tuple[str, int]]:
    """What deleting `instance` would delete with it: (verbose plural name, count) per model.

    Found the way the deletion itself finds it (Django's collector), so the confirmation says
    exactly what will go. The object itself is left out.
    """
    collector = Collector(using=router.db_for_write(type(instance), instance=instance))
    collector.collect([instance])
    summary = []
    for model, objects in collector.data.items():
        count = len(
            [obj for obj in objects if not (model is type(instance) and obj.pk == instance.pk)]
        )
        if count:
            summary.append((str(model._meta.verbose_name_plural), count))
    return sorted(summary)
