"""Writes for an organisation's unit tree: add, rename, link to Kolada, move, close, reopen.

A closed unit keeps its place, its history and everything reported for it; it is only no
longer offered when something new is chosen. Moving a unit keeps its id, so that everything
reported for it and for the units below it stays theirs.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.versioning import Actor, save_validated
from planning.models import Organisation, Unit
from planning.selectors import open_activities_of

# How many names a refusal lists before it says "and N more".
NAMES_SHOWN = 5


def names_list(names: list[str]) -> str:
    """ "A, B, C" or "A, B, C, D, E and 3 more"."""
    shown = ", ".join(names[:NAMES_SHOWN])
    rest = len(names) - NAMES_SHOWN
    if rest <= 0:
        return shown
    more = ngettext("and %(count)d more", "and %(count)d more", rest) % {"count": rest}
    return f"{shown} {more}"


def _stored(unit: Unit) -> Unit:
    """The unit as stored, locked for the rest of the transaction."""
    return Unit.objects.select_for_update().select_related("organisation").get(pk=unit.pk)


@transaction.atomic
def unit_create(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    parent: Unit | None = None,
    kolada_ou: str = "",
    actor: Actor,
) -> Unit:
    """Create a unit in an organisation's tree, below `parent` or at the top."""
    return save_validated(
        Unit(
            organisation=organisation,
            parent=parent,
            name=name,
            kind=kind,
            kolada_ou=kolada_ou.strip(),
        ),
        actor=actor,
    )


@transaction.atomic
def unit_update(*, unit: Unit, name: str, kind: str, kolada_ou: str, actor: Actor) -> Unit:
    """Rename a unit, change its level, link it to its Kolada unit (or unlink it: "")."""
    stored = _stored(unit)
    stored.name, stored.kind, stored.kolada_ou = name, kind, kolada_ou.strip()
    save_validated(stored, actor=actor)
    unit.name, unit.kind, unit.kolada_ou = stored.name, stored.kind, stored.kolada_ou
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit | None, actor: Actor) -> Unit:
    """Move a unit, with every unit below it, below `parent` (None: to the top).

    Refused below itself or one of its own units, below a closed unit, or into another
    organisation. Its id does not change: what was reported for it stays its own.
    """
    stored = _stored(unit)
    if stored.is_closed:
        raise ValidationError(
            {"parent": _("%(unit)s is closed; reopen it before moving it.") % {"unit": stored}},
            code="closed",
        )
    stored.parent = parent
    save_validated(stored, actor=actor)
    unit.parent = parent
    return unit


@transaction.atomic
def unit_close(*, unit: Unit, actor: Actor, on: datetime.date | None = None) -> Unit:
    """Close a unit: it keeps its history and what was reported for it, and is no longer
    offered in choices.

    Refused while units below it are open (close or move them first) or while it has open
    activities (neither done nor cancelled, in a plan that is not archived); the refusal names
    them.
    """
    stored = _stored(unit)
    if stored.is_closed:
        raise ValidationError(_("%(unit)s is already closed.") % {"unit": stored}, code="closed")
    children = list(
        Unit.objects.open().filter(parent=stored).order_by("name").values_list("name", flat=True)
    )
    if children:
        raise ValidationError(
            _(
                "%(unit)s cannot be closed while units below it are open: %(names)s. "
                "Close or move them first."
            )
            % {"unit": stored, "names": names_list(children)},
            code="open_children",
        )
    activities = open_activities_of([stored.pk])
    if activities:
        raise ValidationError(
            _(
                "%(unit)s cannot be closed while it has open activities: %(names)s. Mark them "
                "done or cancelled, or give them another unit, first."
            )
            % {
                "unit": stored,
                "names": names_list([f"{title} ({plan})" for title, plan in activities]),
            },
            code="open_activities",
        )
    stored.closed_on = on or timezone.localdate()
    save_validated(stored, actor=actor)
    unit.closed_on = stored.closed_on
    return unit


@transaction.atomic
def unit_reopen(*, unit: Unit, actor: Actor) -> Unit:
    """Open a closed unit again; refused below a closed unit, or when an open unit in the same
    place now has its name."""
    stored = _stored(unit)
    if not stored.is_closed:
        return unit
    stored.closed_on = None
    save_validated(stored, actor=actor)
    unit.closed_on = None
    return unit
