"""Writes for organisations, units, plans, follow-up periods and memberships.

Every service validates through the model's rules (`full_clean`), runs in one transaction
and records who made the change in the object's history.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from planning.models import (
    FollowUpPeriod,
    Membership,
    Organisation,
    Plan,
    ReportReadiness,
    Role,
    Unit,
    Versioned,
)

Actor = AbstractBaseUser | None


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


def save_validated(
    instance: models.Model, *, actor: Actor, expected_version: int | None = None
) -> models.Model:
    """Validate an instance against its model's rules and save it, recording the actor.

    For a versioned model (see `planning.models.Versioned`) an update raises the version;
    with `expected_version`, an update based on another version raises `EditConflict`.
    Call it inside a transaction. Raises ValidationError with per-field messages.
    """
    if isinstance(instance, Versioned) and instance.pk is not None:
        current = (
            type(instance)
            ._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .get()
        )
        if expected_version is not None and expected_version != current:
            raise EditConflict(instance, expected_version=expected_version, current_version=current)
        instance.version = current + 1
    instance.full_clean()
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    instance.save()
    return instance


def next_position(siblings: models.QuerySet) -> int:
    """The position after the last of `siblings` (0 for the first)."""
    last = siblings.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def organisation_create(*, name: str, actor: Actor, **fields: Any) -> Organisation:
    """Create an organisation (municipality or region)."""
    return save_validated(Organisation(name=name, **fields), actor=actor)


@transaction.atomic
def unit_create(
    *, organisation: Organisation, name: str, kind: str, parent: Unit | None = None, actor: Actor
) -> Unit:
    """Create a unit in an organisation's tree, below `parent` or at the top."""
    return save_validated(
        Unit(organisation=organisation, parent=parent, name=name, kind=kind), actor=actor
    )


@transaction.atomic
def plan_create(
    *,
    organisation: Organisation,
    kind: str,
    name: str,
    start_year: int,
    end_year: int,
    actor: Actor,
    partner_organisations: list[Organisation] | None = None,
    **fields: Any,
) -> Plan:
    """Create a plan. `fields` are the plan's other facts (decision, vision, perspectives...)."""
    plan = save_validated(
        Plan(
            organisation=organisation,
            kind=kind,
            name=name,
            start_year=start_year,
            end_year=end_year,
            **fields,
        ),
        actor=actor,
    )
    if partner_organisations:
        plan.partner_organisations.set(partner_organisations)
    return plan


@transaction.atomic
def periods_ensure_year(
    *, organisation: Organisation, year: int, actor: Actor
) -> list[FollowUpPeriod]:
    """Make sure the organisation has its follow-up periods for a year, by its scheme.

    Returns the year's periods in order; creates only those that are missing.
    """
    existing = {
        period.kind: period
        for period in FollowUpPeriod.objects.filter(organisation=organisation, year=year)
    }
    periods = []
    for kind in FollowUpPeriod.kinds_for(organisation.follow_up_scheme):
        period = existing.get(kind)
        if period is None:
            starts_on, ends_on = FollowUpPeriod.default_dates(year, kind)
            period = save_validated(
                FollowUpPeriod(
                    organisation=organisation,
                    year=year,
                    kind=kind,
                    starts_on=starts_on,
                    ends_on=ends_on,
                ),
                actor=actor,
            )
        periods.append(period)
    return periods


@transaction.atomic
def membership_grant(
    *, user, organisation: Organisation, role: str, unit: Unit | None = None, actor: Actor
) -> Membership:
    """Give a user a role on a unit (and the units below it), or on the whole organisation.

    Granting a role the user already has returns the existing membership.
    """
    Role(role)  # refuses an unknown role before anything is written
    existing = Membership.objects.filter(
        user=user, organisation=organisation, unit=unit, role=role
    ).first()
    if existing is not None:
        return existing
    return save_validated(
        Membership(user=user, organisation=organisation, unit=unit, role=role), actor=actor
    )


@transaction.atomic
def period_set_open(*, period: FollowUpPeriod, is_open: bool, actor: Actor) -> FollowUpPeriod:
    """Open a follow-up period for reporting, or close it."""
    period.is_open = is_open
    return save_validated(period, actor=actor)


@transaction.atomic
def readiness_mark(
    *, plan: Plan, period: FollowUpPeriod, unit: Unit, ready: bool = True, actor: Actor
) -> ReportReadiness | None:
    """Mark a unit's part of a plan's follow-up ready for the period, or withdraw the mark."""
    existing = ReportReadiness.objects.filter(plan=plan, period=period, unit=unit).first()
    if not ready:
        if existing is not None:
            existing.delete()
        return None
    if existing is not None:
        return existing
    return save_validated(
        ReportReadiness(
            plan=plan,
            period=period,
            unit=unit,
            marked_by=actor if getattr(actor, "is_authenticated", False) else None,
            marked_at=timezone.now(),
        ),
        actor=actor,
    )
