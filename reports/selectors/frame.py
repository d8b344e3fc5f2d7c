"""What a plan's report reads besides its goals' sections (`ReportFrame`): the organisation's
scales and perspectives, its units and who is awaited, the plan's decision steps, owners and
ready marks."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from planning.models import (
    AssessmentLevel,
    FollowUpPeriod,
    Perspective,
    Plan,
    ReportReadiness,
    Unit,
    assessment_levels,
)
from planning.selectors import StepLine, decision_process, plan_owner_units, unit_and_below
from reports.selectors.data import UnitReadiness
from reports.selectors.display import person_name

Levels = dict[str, AssessmentLevel]


def awaited_units(owner_unit_id: int | None, below_owner: set[int], activity_units) -> set[int]:
    """The ids of the units whose part of the follow-up the planner waits for: those below the
    plan's owner unit (`below_owner`) and those named on its activities (`activity_units`);
    the owner unit itself when there are none."""
    wanted = set(below_owner) | {unit_id for unit_id in activity_units if unit_id}
    if not wanted and owner_unit_id:
        wanted = {owner_unit_id}
    return wanted


def _below_owner(plan: Plan, units: Iterable[Unit]) -> set[int]:
    """The ids of the units below the plan's owner unit, among `units`."""
    if not plan.owner_unit_id:
        return set()
    return unit_and_below(units, plan.owner_unit_id) - {plan.owner_unit_id}


def expected_units(
    plan: Plan, units: list[Unit], activity_units: Iterable[int | None]
) -> list[Unit]:
    """The units whose part of the follow-up the planner waits for.

    The units below the plan's owner unit and the units named on its activities
    (`activity_units`: their ids); the owner unit itself when nothing lies below it.
    """
    wanted = awaited_units(plan.owner_unit_id, _below_owner(plan, units), activity_units)
    return sorted((unit for unit in units if unit.pk in wanted), key=lambda unit: unit.name)


# A unit's ready mark of a period: who marked it, and when.
Mark = tuple[str, datetime.datetime]


def ready_marks(plan: Plan, period: FollowUpPeriod) -> dict[int, Mark]:
    """The plan's ready marks of the period by unit id. One query."""
    return {
        mark.unit_id: (person_name(mark.marked_by), mark.marked_at)
        for mark in ReportReadiness.objects.filter(plan=plan, period=period).select_related(
            "marked_by"
        )
    }


def unit_readiness(pk: int, name: str, marks: dict[int, Mark]) -> UnitReadiness:
    """The unit's ready mark among `marks` (`ready_marks`), or that it has none."""
    marked_by, marked_at = marks.get(pk, ("", None))
    return UnitReadiness(pk, name, pk in marks, marked_by, marked_at)


def readiness_rows(
    plan: Plan, period: FollowUpPeriod, units: list[Unit], activity_units: Iterable[int | None]
) -> list[tuple[Unit, UnitReadiness]]:
    """The units awaited (`expected_units`), each with its ready mark of the period."""
    marks = ready_marks(plan, period)
    return [
        (unit, unit_readiness(unit.pk, unit.name, marks))
        for unit in expected_units(plan, units, activity_units)
    ]


def owners(plan: Plan) -> tuple[str, ...]:
    """Every organisation that owns the plan, as report covers name them: the lead first, then
    a joint plan's partners by name."""
    partners = sorted(plan.partner_organisations.all(), key=lambda found: found.display_name)
    return (plan.organisation.display_name, *(found.display_name for found in partners))


def committee_of(plan: Plan, units: list[Unit]) -> str:
    """The committee above the plan's owner unit (or the owner itself), else who decided it."""
    by_pk = {unit.pk: unit for unit in units}
    node = by_pk.get(plan.owner_unit_id)
    while node is not None:
        if node.kind == Unit.Kind.COMMITTEE:
            return node.name
        node = by_pk.get(node.parent_id)
    return plan.decided_by


@dataclass(frozen=True)
class ReportFrame:
    """What a plan's report reads besides its goals' sections: the organisation's scales and
    perspectives, its units, the plan's decision steps, owners and ready marks. Nothing of any
    goal's own rows: kept, it is kept while the goals change (`kept_follow_up_report`)."""

    levels: Levels
    unit_names: dict[int, str]
    below_owner: frozenset[int]
    committee: str
    marks: dict[int, Mark]
    decision_steps: tuple[StepLine, ...]
    owners: tuple[str, ...]
    organisation_perspectives: tuple[Perspective, ...]


def report_frame(plan: Plan, period: FollowUpPeriod) -> ReportFrame:
    """The frame of the plan's report for the period (in the active language). Seven queries;
    `plan.organisation` and `plan.owner_unit` should be selected."""
    # Names, kinds and the tree: the units' organisations are not needed here.
    units = list(plan_owner_units(plan).select_related(None))
    return ReportFrame(
        levels={level.key: level for level in assessment_levels(plan.organisation)},
        unit_names={unit.pk: unit.name for unit in units},
        below_owner=frozenset(_below_owner(plan, units)),
        committee=committee_of(plan, units),
        marks=ready_marks(plan, period),
        decision_steps=tuple(decision_process(plan)),
        owners=owners(plan),
        organisation_perspectives=tuple(
            Perspective.objects.filter(organisation_id=plan.organisation_id)
        ),
    )
