"""Who may do what: roles on units, inherited down the tree (see `planning.selectors.Scope`).

- administrator: everything within their units or organisation;
- planner: writes and edits the plans of their units, opens and closes follow-up periods,
  writes the follow-up analysis and publishes reports;
- unit manager: reports activity statuses and indicator values for their units;
- committee member: reads the plans and reports of their committee.

Views answer 404 for anything a user may not see or do, so that nothing outside a user's
scope is even confirmed to exist.
"""

from django.http import Http404

from planning.models import Organisation, Plan, Role, Unit
from planning.selectors import Scope, plans_visible_to, scope_for

EDITORS = (Role.ADMINISTRATOR, Role.PLANNER)
REPORTERS = (Role.ADMINISTRATOR, Role.PLANNER, Role.UNIT_MANAGER)


def _has_any(scope: Scope, roles, *, unit: Unit | None, organisation_id: int) -> bool:
    if scope.is_superuser:
        return True
    for role in roles:
        if organisation_id in scope.whole_organisations.get(role, set()):
            return True
        if unit is not None and unit.pk in scope.units.get(role, set()):
            return True
    return False


def can_edit_plan(scope: Scope, plan: Plan) -> bool:
    """Planners and administrators of the plan's owner unit (or of its whole organisation)."""
    return _has_any(scope, EDITORS, unit=plan.owner_unit, organisation_id=plan.organisation_id)


def can_report(scope: Scope, plan: Plan, unit: Unit | None) -> bool:
    """Whether the user may report statuses and values for `unit` (or the plan as a whole)."""
    if can_edit_plan(scope, plan):
        return True
    target = unit or plan.owner_unit
    return _has_any(scope, REPORTERS, unit=target, organisation_id=plan.organisation_id)


def can_manage_periods(scope: Scope, organisation: Organisation) -> bool:
    """Open and close follow-up periods: planners and administrators of the organisation or of
    any of its units."""
    if scope.is_superuser:
        return True
    for role in EDITORS:
        if organisation.pk in scope.whole_organisations.get(role, set()):
            return True
        units = scope.units.get(role, set())
        if units and Unit.objects.filter(organisation=organisation, pk__in=units).exists():
            return True
    return False


def plan_or_404(user, pk: int, scope: Scope | None = None) -> Plan:
    """The plan with this id if the user may read it; 404 otherwise."""
    plan = plans_visible_to(user, scope).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def require(allowed: bool) -> None:
    """Answer 404 when the user may not do what they asked."""
    if not allowed:
        raise Http404


__all__ = [
    "can_edit_plan",
    "can_manage_periods",
    "can_report",
    "plan_or_404",
    "require",
    "scope_for",
]
