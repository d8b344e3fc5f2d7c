"""Writes for a plan's decision process (`planning.models.decisions`): its steps, in order, and
the life cycle that follows from them."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.versioning import Actor, delete_recorded, save_validated
from planning.models import DecisionStep, Plan
from planning.selectors import undecided_owners
from planning.services.plans import plan_set_status

STEP_FIELDS = frozenset(
    {
        "organisation",
        "body",
        "paragraph",
        "registration_number",
        "outcome",
        "ends_on",
        "consultees",
        "responses",
        "summary",
    }
)


def _follow_step(plan: Plan, step: DecisionStep, actor: Actor) -> None:
    """Move the plan's life cycle as the step says (see `decision_step_add`)."""
    if step.kind == DecisionStep.Kind.CONSULTATION and plan.status == Plan.Status.DRAFT:
        plan_set_status(
            plan=plan, status=Plan.Status.CONSULTATION, actor=actor, expected_version=None
        )
        return
    deciding = (
        step.kind == DecisionStep.Kind.DECISION
        and step.outcome == DecisionStep.Outcome.DECIDED
        and plan.status in (Plan.Status.DRAFT, Plan.Status.CONSULTATION)
    )
    if not deciding or undecided_owners(plan):
        return
    plan.decided_by = step.body
    plan.decision_paragraph = step.paragraph
    if step.registration_number:
        plan.registration_number = step.registration_number
    plan_set_status(
        plan=plan,
        status=Plan.Status.DECIDED,
        decision_date=step.held_on,
        actor=actor,
        expected_version=None,
    )


@transaction.atomic
def decision_step_add(
    *, plan: Plan, kind: str, held_on: datetime.date, actor: Actor, **fields: Any
) -> DecisionStep:
    """Record the next step of a plan's decision process; the plan's life cycle follows it:

    - a consultation puts a draft plan out for consultation;
    - a decision that decided the plan decides it once every organisation that owns it has
      decided it (a joint plan), with that last decision's date, body, paragraph and
      registration number; the plan is then locked;
    - a preparation ("proposes", "left open"), a rejection or a return is recorded and
      changes nothing else: the plan never reads as decided by a body that prepared it.

    Steps are recorded in the order they happened: a step dated before the previous one is
    refused. An archived plan's process is closed.
    """
    unknown = set(fields) - STEP_FIELDS
    if unknown:
        raise TypeError(f"decision_step_add cannot set {', '.join(sorted(unknown))}")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == Plan.Status.ARCHIVED:
        raise ValidationError(_("The plan is archived: its decision process is closed."))
    last = plan.decision_steps.order_by("-position", "-pk").first()
    step = save_validated(
        DecisionStep(
            plan=plan,
            kind=kind,
            held_on=held_on,
            position=last.position + 1 if last else 0,
            **fields,
        ),
        actor=actor,
    )
    _follow_step(plan, step, actor)
    return step


@transaction.atomic
def decision_step_delete(*, step: DecisionStep, actor: Actor) -> str:
    """Remove the last step of a plan's decision process (one recorded by mistake); returns
    the history mark. A step that decided the plan stays while the plan is decided: reopen
    the plan first."""
    plan = Plan.objects.select_for_update().get(pk=step.plan_id)
    last = plan.decision_steps.order_by("-position", "-pk").first()
    if last is None or last.pk != step.pk:
        raise ValidationError(_("Only the last step can be removed: the steps keep their order."))
    if (
        plan.status in (Plan.Status.DECIDED, Plan.Status.ARCHIVED)
        and step.kind == DecisionStep.Kind.DECISION
        and step.outcome == DecisionStep.Outcome.DECIDED
    ):
        raise ValidationError(
            _("The plan is decided by this step: reopen the plan as a draft first.")
        )
    return delete_recorded(step, actor=actor)
