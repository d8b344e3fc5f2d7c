"""Who may do what: roles on units, inherited down the tree (see `planning.selectors.Scope`).

- administrator: everything within their units or organisation, people and roles included;
- planner: writes and edits the plans of their units, writes the follow-up analysis and
  publishes reports; sets up their part of the tree (units, people, roles other than
  administrator);
- unit manager: reports activity statuses and indicator values for their units;
- committee member: reads the plans and reports of their committee.

What concerns the whole organisation (its settings, its follow-up periods, roles on the whole
organisation) needs the planner or administrator role on the whole organisation.

Views answer 404 for anything a user may not see or do, so that nothing outside a user's
scope is even confirmed to exist.
"""

from django.http import Http404

from planning.models import Membership, Organisation, Plan, Role, Unit
from planning.selectors import Scope, plan_is_visible, scope_for

EDITORS = (Role.ADMINISTRATOR, Role.PLANNER)
REPORTERS = (Role.ADMINISTRATOR, Role.PLANNER, Role.UNIT_MANAGER)


def _has_any(scope: Scope, roles, *, unit_id: int | None, organisation_id: int) -> bool:
    if scope.is_superuser:
        return True
    for role in roles:
        if organisation_id in scope.whole_organisations.get(role, set()):
            return True
        if unit_id is not None and unit_id in scope.units.get(role, set()):
            return True
    return False


def can_edit_plan(scope: Scope, plan: Plan) -> bool:
    """Planners and administrators of the plan's owner unit (or of its whole organisation)."""
    # By the owner unit's id: a list of plans need not load their units to be sorted by it.
    return _has_any(
        scope, EDITORS, unit_id=plan.owner_unit_id, organisation_id=plan.organisation_id
    )


def can_report(scope: Scope, plan: Plan, unit: Unit | None) -> bool:
    """Whether the user may report statuses and values for `unit` (or the plan as a whole).

    The plan's planners report everything in it. Otherwise the reporter's role must cover the
    unit, or its organisation as a whole: a joint plan's unit of a partner organisation is
    reported by that organisation's people, not by the lead's unit managers.
    """
    if can_edit_plan(scope, plan):
        return True
    target = unit or plan.owner_unit
    organisation_id = target.organisation_id if target is not None else plan.organisation_id
    return _has_any(
        scope,
        REPORTERS,
        unit_id=target.pk if target is not None else None,
        organisation_id=organisation_id,
    )


def _whole(scope: Scope, organisation_id: int, roles=EDITORS) -> bool:
    """A role of `roles` on the whole organisation."""
    return scope.is_superuser or any(
        organisation_id in scope.whole_organisations.get(role, set()) for role in roles
    )


def _covers(scope: Scope, unit: Unit, roles=EDITORS) -> bool:
    """A role of `roles` on the unit, on a unit above it, or on its whole organisation."""
    return _whole(scope, unit.organisation_id, roles) or any(
        unit.pk in scope.units.get(role, set()) for role in roles
    )


def can_manage_periods(scope: Scope, organisation: Organisation) -> bool:
    """Create a year's follow-up periods, open and close them: they are the whole
    organisation's, so only its organisation-wide planners and administrators."""
    return _whole(scope, organisation.pk)


def can_manage_organisation(scope: Scope, organisation: Organisation) -> bool:
    """Change the organisation's settings and relations: organisation-wide planners and
    administrators."""
    return _whole(scope, organisation.pk)


def can_set_up(scope: Scope, organisation: Organisation) -> bool:
    """See the organisation's unit tree and people pages: planners and administrators of the
    organisation or of any of its units."""
    return _whole(scope, organisation.pk) or any(
        scope.unit_organisation.get(unit) == organisation.pk
        for role in EDITORS
        for unit in scope.units.get(role, set())
    )


def can_change_unit(scope: Scope, unit: Unit) -> bool:
    """Rename a unit, link it to Kolada, add units below it: within the user's part."""
    return _covers(scope, unit)


def can_restructure_unit(scope: Scope, unit: Unit) -> bool:
    """Move or close a unit: the part above it must be the user's too, so a planner of a unit
    moves and closes the units below it, not the unit their role is on."""
    if _whole(scope, unit.organisation_id):
        return True
    return unit.parent_id is not None and any(
        unit.parent_id in scope.units.get(role, set()) for role in EDITORS
    )


def can_place_under(scope: Scope, organisation: Organisation, parent: Unit | None) -> bool:
    """Put a unit below `parent` (None: at the top of the organisation's tree)."""
    if parent is None:
        return _whole(scope, organisation.pk)
    return parent.organisation_id == organisation.pk and _covers(scope, parent)


def can_grant(scope: Scope, organisation: Organisation, unit: Unit | None, role: str) -> bool:
    """Give (or take away) `role` on `unit` (None: the whole organisation).

    Within the user's part; the administrator role only by administrators.
    """
    roles = (Role.ADMINISTRATOR,) if role == Role.ADMINISTRATOR else EDITORS
    if unit is None:
        return _whole(scope, organisation.pk, roles)
    return unit.organisation_id == organisation.pk and _covers(scope, unit, roles)


def can_remove_membership(scope: Scope, membership: Membership) -> bool:
    return can_grant(scope, membership.organisation, membership.unit, membership.role)


def can_deactivate(scope: Scope, organisation_ids: set[int]) -> bool:
    """Deactivate (or reactivate) a person: an organisation-wide administrator of every
    organisation the person has a role in, so that nobody shuts a person out of another
    organisation's work."""
    if scope.is_superuser:
        return True
    administered = scope.whole_organisations.get(Role.ADMINISTRATOR, set())
    return bool(organisation_ids) and organisation_ids <= administered


def plan_or_404(user, pk: int, scope: Scope | None = None) -> Plan:
    """The plan with this id if the user may read it; 404 otherwise. Read by its id, with
    what the pages show of it; whether the user may read it told by the scope where it can
    be (`plan_is_visible`: by the rules of `plans_visible_to`), which every page asks."""
    scope = scope or scope_for(user)
    plan = Plan.objects.select_related("organisation", "owner_unit", "parent").filter(pk=pk).first()
    if plan is None or not plan_is_visible(user, scope, plan):
        raise Http404
    return plan


def require(allowed: bool) -> None:
    """Answer 404 when the user may not do what they asked."""
    if not allowed:
        raise Http404


__all__ = [
    "can_change_unit",
    "can_deactivate",
    "can_edit_plan",
    "can_grant",
    "can_manage_organisation",
    "can_manage_periods",
    "can_place_under",
    "can_remove_membership",
    "can_report",
    "can_restructure_unit",
    "can_set_up",
    "plan_or_404",
    "require",
    "scope_for",
]
