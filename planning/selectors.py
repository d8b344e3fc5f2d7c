"""Reads for planning: what a user may see, and the unit tree.

A role on a unit covers that unit and every unit below it; a role without a unit covers the
whole organisation. Plans owned by a unit above one of the user's units are visible too, so
that a unit manager sees the plan their unit works under.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from planning.models import FollowUpPeriod, Membership, Organisation, Plan, Role, Unit


@dataclass
class Scope:
    """The units and organisations a user's roles cover, per role."""

    whole_organisations: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    units: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    above: set[int] = field(default_factory=set)
    is_superuser: bool = False

    def organisations(self) -> set[int]:
        return (
            set().union(*self.whole_organisations.values()) if self.whole_organisations else set()
        )

    def all_units(self) -> set[int]:
        return set().union(*self.units.values()) if self.units else set()

    def has_role(self, role: str, unit: Unit) -> bool:
        """Whether the scope gives `role` on `unit` (directly, by inheritance or org-wide)."""
        if self.is_superuser:
            return True
        return unit.organisation_id in self.whole_organisations.get(
            role, set()
        ) or unit.pk in self.units.get(role, set())


def descendants_by_unit(units: list[Unit]) -> dict[int, set[int]]:
    """For each unit, the ids of itself and every unit below it."""
    children = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit.pk)
    result = {}
    for unit in units:
        found, stack = set(), [unit.pk]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(children[current])
        result[unit.pk] = found
    return result


def scope_for(user) -> Scope:
    """Everything a user's memberships cover. Two queries, whatever the size of the tree."""
    scope = Scope(is_superuser=bool(getattr(user, "is_superuser", False)))
    if not getattr(user, "is_authenticated", False):
        return scope
    memberships = list(Membership.objects.filter(user=user))
    organisation_ids = {membership.organisation_id for membership in memberships}
    units = list(Unit.objects.filter(organisation_id__in=organisation_ids))
    below = descendants_by_unit(units)
    parent_of = {unit.pk: unit.parent_id for unit in units}
    for membership in memberships:
        if membership.unit_id is None:
            scope.whole_organisations[membership.role].add(membership.organisation_id)
            continue
        scope.units[membership.role] |= below.get(membership.unit_id, {membership.unit_id})
        node = parent_of.get(membership.unit_id)
        while node is not None:
            scope.above.add(node)
            node = parent_of.get(node)
    return scope


def plans_visible_to(user, scope: Scope | None = None) -> QuerySet[Plan]:
    """The plans a user may read, with what a list of plans shows."""
    scope = scope or scope_for(user)
    plans = Plan.objects.select_related("organisation", "owner_unit", "parent")
    if scope.is_superuser:
        return plans
    organisations = scope.organisations()
    units = scope.all_units() | scope.above
    return plans.filter(
        Q(organisation_id__in=organisations)
        | Q(partner_organisations__in=organisations)
        | Q(owner_unit_id__in=units)
    ).distinct()


# --- What a planner may write to -------------------------------------------------------------

EDITOR_ROLES = (Role.ADMINISTRATOR, Role.PLANNER)


def editor_organisation_ids(scope: Scope) -> set[int]:
    """Organisations where the user is planner or administrator for the whole organisation."""
    return set().union(*(scope.whole_organisations.get(role, set()) for role in EDITOR_ROLES))


def editor_unit_ids(scope: Scope) -> set[int]:
    """Units (with those below them) where the user is planner or administrator."""
    return set().union(*(scope.units.get(role, set()) for role in EDITOR_ROLES))


def units_editable_by(scope: Scope) -> QuerySet[Unit]:
    """The units a user may own plans with: their planner/administrator units and those below,
    and every unit of an organisation where they have that role organisation-wide."""
    units = Unit.objects.select_related("organisation")
    if scope.is_superuser:
        return units
    return units.filter(
        Q(organisation_id__in=editor_organisation_ids(scope)) | Q(pk__in=editor_unit_ids(scope))
    )


def organisations_editable_by(scope: Scope) -> QuerySet[Organisation]:
    """The organisations a user may create plans in."""
    if scope.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=editor_organisation_ids(scope)) | Q(units__in=editor_unit_ids(scope))
    ).distinct()


def periods_of(organisation: Organisation, year: int) -> QuerySet[FollowUpPeriod]:
    return FollowUpPeriod.objects.filter(organisation=organisation, year=year).order_by("starts_on")


def period_years(organisation: Organisation) -> list[int]:
    """The years in which an organisation has follow-up periods, newest first."""
    return list(
        FollowUpPeriod.objects.filter(organisation=organisation)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
