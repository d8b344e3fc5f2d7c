"""Reads for a plan's decision process (`planning.models.decisions`): the owners that have not
decided it yet, and its steps in words."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planning.models import DecisionStep, Organisation, Plan


def undecided_owners(plan: Plan) -> list[Organisation]:
    """The organisations that own the plan and have not decided it yet (by a decision step
    that decided), the lead first."""
    decided = {
        step.organisation_id or plan.organisation_id
        for step in plan.decision_steps.filter(
            kind=DecisionStep.Kind.DECISION, outcome=DecisionStep.Outcome.DECIDED
        )
    }
    owners = [plan.organisation, *plan.partner_organisations.order_by("name")]
    return [owner for owner in owners if owner.pk not in decided]


@dataclass(frozen=True)
class StepLine:
    """A step of a plan's decision process in words, as the plan page and the report show it:
    "Arbetsutskottet, 2024-05-02 § 109: left open"."""

    kind: str
    organisation: str  # for a joint plan's step: whose; else empty
    text: str
    summary: str = ""
    consultees: tuple[str, ...] = ()
    pk: int | None = None


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def step_line(step: DecisionStep, *, joint: bool) -> StepLine:
    """One step in words, in the active language."""
    if step.kind == DecisionStep.Kind.CONSULTATION:
        consultees = tuple(line.strip() for line in step.consultees.splitlines() if line.strip())
        text = _("Consultation %(start)s–%(end)s") % {
            "start": _day(step.held_on),
            "end": _day(step.ends_on),
        }
        if step.body:
            text = f"{text} ({step.body})"
        counts = []
        if consultees:
            counts.append(
                ngettext("%(count)d consultee", "%(count)d consultees", len(consultees))
                % {"count": len(consultees)}
            )
        if step.responses is not None:
            counts.append(
                ngettext("%(count)d response", "%(count)d responses", step.responses)
                % {"count": step.responses}
            )
        if counts:
            text = f"{text}: {', '.join(counts)}"
    else:
        meeting = " ".join(part for part in (_day(step.held_on), step.paragraph) if part)
        text = f"{step.body}, {meeting}"
        if step.registration_number:
            text += ", " + _("reg. no. %(number)s") % {"number": step.registration_number}
        text += f": {step.get_outcome_display()}"
        consultees = ()
    return StepLine(
        kind=step.kind,
        organisation=step.owner.display_name if joint else "",
        text=text,
        summary=step.summary,
        consultees=consultees,
        pk=step.pk,
    )


def decision_process(plan: Plan) -> list[StepLine]:
    """The plan's decision process, step by step, in words (two queries)."""
    steps = list(plan.decision_steps.select_related("organisation").order_by("position", "pk"))
    joint = plan.partner_organisations.exists() if steps else False
    for step in steps:
        step.plan = plan
    return [step_line(step, joint=joint) for step in steps]
