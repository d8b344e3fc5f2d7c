"""Writes for plans: creation, facts, life cycle and locking, and the units' ready marks."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.versioning import Actor, save_validated
from planning.models import FollowUpPeriod, Organisation, Plan, ReportReadiness, Unit


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


# --- Plan life cycle, locking and recorded deletion ---------------------------------------------

LOCKED_STATUSES = frozenset({Plan.Status.DECIDED, Plan.Status.ARCHIVED})

# status -> the statuses a plan may move to from it. A decided plan goes back to draft only by
# being reopened; an archived plan stays archived.
PLAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Plan.Status.DRAFT: (Plan.Status.CONSULTATION, Plan.Status.DECIDED),
    Plan.Status.CONSULTATION: (Plan.Status.DRAFT, Plan.Status.DECIDED),
    Plan.Status.DECIDED: (Plan.Status.DRAFT, Plan.Status.ARCHIVED),
    Plan.Status.ARCHIVED: (),
}


def plan_locked_error() -> ValidationError:
    return ValidationError(
        _(
            "The plan is decided and locked: what was decided cannot be changed. "
            "A planner can reopen it as a draft; the decided version stays retrievable."
        ),
        code="locked",
    )


def ensure_plan_unlocked(plan: Plan) -> None:
    """Refuse a change to a decided or archived plan's facts, goals, indicators or activities.

    Reads the status under a row lock, so that a change cannot slip in while someone else
    marks the plan decided. Call it inside the transaction that makes the change.
    """
    status = (
        Plan.objects.select_for_update().filter(pk=plan.pk).values_list("status", flat=True).get()
    )
    if status in LOCKED_STATUSES:
        raise plan_locked_error()


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    actor: Actor,
    expected_version: int | None = None,
    partner_organisations: list[Organisation] | None = None,
    **fields: Any,
) -> Plan:
    """Change a plan's facts (not its status: see `plan_set_status`).

    Refused while the plan is decided or archived; with `expected_version`, refused when
    someone else saved the plan meanwhile (EditConflict).
    """
    ensure_plan_unlocked(plan)
    for name in ("status", "decided_at", "version", "organisation", "organisation_id"):
        if name in fields:
            raise TypeError(f"plan_update cannot change {name}")
    for name, value in fields.items():
        setattr(plan, name, value)
    save_validated(plan, actor=actor, expected_version=expected_version)
    if partner_organisations is not None:
        plan.partner_organisations.set(partner_organisations)
    return plan


@transaction.atomic
def plan_set_status(
    *,
    plan: Plan,
    status: str,
    actor: Actor,
    expected_version: int | None,
    decision_date: datetime.date | None = None,
) -> Plan:
    """Move a plan through its life cycle (see `PLAN_TRANSITIONS`).

    Deciding needs a decision date (given here or already on the plan) and records the moment
    in `decided_at`: the plan's content as of then is what was decided, and it is locked.
    Reopening a decided plan as a draft keeps `decided_at`, so that the decided version stays
    retrievable from the history until the plan is decided again.
    """
    status = Plan.Status(status)
    current = (
        Plan.objects.select_for_update().filter(pk=plan.pk).values_list("status", flat=True).get()
    )
    if status not in PLAN_TRANSITIONS[current]:
        raise ValidationError(
            _("A plan that is %(current)s cannot become %(status)s.")
            % {
                "current": str(Plan.Status(current).label).lower(),
                "status": str(status.label).lower(),
            },
            code="transition",
        )
    plan.status = status
    if status != Plan.Status.DECIDED:
        return save_validated(plan, actor=actor, expected_version=expected_version)
    if decision_date is not None:
        plan.decision_date = decision_date
    now = timezone.now()
    plan.decided_at = now
    # The history record of the decision carries the same moment, so that
    # `history.as_of(decided_at)` includes it. Only this save: the instance lives on.
    plan._history_date = now
    try:
        return save_validated(plan, actor=actor, expected_version=expected_version)
    finally:
        del plan._history_date
