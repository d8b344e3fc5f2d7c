"""Reads for planning: what a user may see, and the unit tree.

A role on a unit covers that unit and every unit below it; a role without a unit covers the
whole organisation. Plans owned by a unit above one of the user's units are visible too, so
that a unit manager sees the plan their unit works under.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from core.datastamp import NO_PERIODS, kept
from planning.models import (
    FollowUpPeriod,
    Membership,
    Organisation,
    OrganisationRelation,
    Plan,
    Role,
    Unit,
)


@dataclass
class Scope:
    """The units and organisations a user's roles cover, per role."""

    whole_organisations: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    units: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    above: set[int] = field(default_factory=set)
    is_superuser: bool = False
    # The organisation of each unit of the organisations the user has a role in.
    unit_organisation: dict[int, int] = field(default_factory=dict)

    def organisations(self) -> set[int]:
        return (
            set().union(*self.whole_organisations.values()) if self.whole_organisations else set()
        )

    def all_units(self) -> set[int]:
        return set().union(*self.units.values()) if self.units else set()

    def digest(self) -> str:
        """A short digest of what the scope covers: two users with the same one may read and
        change the same things (a key for what is kept per scope rather than per person)."""
        parts = (
            self.is_superuser,
            sorted((role, sorted(ids)) for role, ids in self.whole_organisations.items()),
            sorted((role, sorted(ids)) for role, ids in self.units.items()),
            sorted(self.above),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]

    def has_role(self, role: str, unit: Unit) -> bool:
        """Whether the scope gives `role` on `unit` (directly, by inheritance or org-wide)."""
        if self.is_superuser:
            return True
        return unit.organisation_id in self.whole_organisations.get(
            role, set()
        ) or unit.pk in self.units.get(role, set())


def unit_and_below(units: Iterable[Unit], root: int) -> set[int]:
    """The id `root` and the ids of every unit below it, among `units`."""
    children = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit.pk)
    return _subtree(children, root)


def _subtree(children: dict[int | None, list[int]], root: int) -> set[int]:
    """`root` and every unit below it, from each unit's children."""
    found, stack = set(), [root]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return found


def scope_for(user) -> Scope:
    """Everything a user's memberships cover: kept until a role, a unit or other structure
    changes (the data's stamp, one query), else two queries, whatever the size of the tree.
    It holds nothing of any plan: a change of a plan's content leaves it kept.

    The scope is also left on the user object (`last_scope`), for the navigation of the page
    the request renders: it shows the setup links without asking the database again.
    """
    is_superuser = bool(getattr(user, "is_superuser", False))
    if not getattr(user, "is_authenticated", False):
        return Scope(is_superuser=is_superuser)
    # Every page asks it first.
    scope = kept(
        f"scope:{user.pk}:{is_superuser}",
        lambda: _scope_of(user, is_superuser),
        until=NO_PERIODS,
        plans=(),
        cache="scopes",
    )
    user.last_scope = scope
    return scope


def _scope_of(user, is_superuser: bool) -> Scope:
    """The scope of `scope_for`, read from the user's memberships and their units' tree."""
    scope = Scope(is_superuser=is_superuser)
    memberships = list(Membership.objects.filter(user=user))
    organisation_ids = {membership.organisation_id for membership in memberships}
    # Plain tuples, not model instances: a large organisation has hundreds of units.
    units = list(
        Unit.objects.filter(organisation_id__in=organisation_ids)
        .order_by()
        .values_list("pk", "parent_id", "organisation_id")
    )
    parent_of = {pk: parent_id for pk, parent_id, _organisation in units}
    children = defaultdict(list)
    for pk, parent_id, _organisation in units:
        children[parent_id].append(pk)
    scope.unit_organisation = {pk: organisation for pk, _parent, organisation in units}
    for membership in memberships:
        if membership.unit_id is None:
            scope.whole_organisations[membership.role].add(membership.organisation_id)
            continue
        scope.units[membership.role] |= _subtree(children, membership.unit_id)
        node = parent_of.get(membership.unit_id)
        while node is not None:
            scope.above.add(node)
            node = parent_of.get(node)
    return scope


def last_scope(user) -> Scope:
    """The scope a view of this request already computed for the user, or a new one."""
    scope = getattr(user, "last_scope", None)
    return scope if isinstance(scope, Scope) else scope_for(user)


def plan_is_visible(user, scope: Scope, plan: Plan) -> bool:
    """Whether `plan` is among `plans_visible_to(user, scope)`.

    Decided from the scope when the plan's organisation or owner unit is the user's (a write's
    most common case: no query); otherwise asked of the database, by the same rules.
    """
    if scope.is_superuser or plan.organisation_id in scope.organisations():
        return True
    if plan.owner_unit_id is not None and (
        plan.owner_unit_id in scope.above or plan.owner_unit_id in scope.all_units()
    ):
        return True
    return plans_visible_to(user, scope).filter(pk=plan.pk).exists()


def plans_visible_to(user, scope: Scope | None = None) -> QuerySet[Plan]:
    """The plans a user may read, with what a list of plans shows.

    A role on a whole organisation reads the plans it leads or is a partner of. A role on a
    unit reads the plans owned by a unit of its part of the tree or above it, and the plans
    with an activity owned there: so the people of a joint plan's partner organisations, whose
    units own its activities, read it by their own roles. Activities belong to the goals app,
    above this one: they are reached by the reverse relations' names, without importing it.
    """
    scope = scope or scope_for(user)
    plans = Plan.objects.select_related("organisation", "owner_unit", "parent")
    if scope.is_superuser:
        return plans
    organisations = scope.organisations()
    units = scope.all_units() | scope.above
    visible = (
        Q(organisation_id__in=organisations)
        | Q(partner_organisations__in=organisations)
        | Q(owner_unit_id__in=units)
    )
    if units:
        owning_an_activity = Plan.objects.filter(goals__activities__unit_id__in=units)
        visible |= Q(pk__in=owning_an_activity.values("pk"))
    # The ids by a subquery rather than DISTINCT over the joined rows: PostgreSQL would sort
    # and compare every column of every plan (and of its organisation, unit and parent).
    return plans.filter(pk__in=Plan.objects.filter(visible).values("pk"))


def plan_owners(plan: Plan) -> list[dict]:
    """Every organisation that owns the plan, the lead first, then the partners by name: each
    with whether it leads and, for the lead, the owner unit. One query."""
    owners = [{"organisation": plan.organisation, "lead": True, "unit": plan.owner_unit}]
    owners += [
        {"organisation": partner, "lead": False, "unit": None}
        for partner in plan.partner_organisations.order_by("name")
    ]
    return owners


def plan_owner_units(plan: Plan) -> QuerySet[Unit]:
    """The units of every organisation that owns the plan (the lead's and its partners'),
    closed ones too: who may own its activities and report on them. In a unit picker
    (`planning.forms.UnitTreeChoiceField`) they are grouped by organisation."""
    partners = plan.partner_organisations.values("pk")
    return Unit.objects.filter(
        Q(organisation_id=plan.organisation_id) | Q(organisation_id__in=partners)
    ).select_related("organisation")


def contributing_plans(user, plan: Plan, scope: Scope | None = None) -> list[Plan]:
    """The plans that contribute to `plan` (a strategy, a council's goals...), across
    organisations, that the user may read: those it is the parent of, and those with a goal
    that contributes to one of its goals. By organisation, then name."""
    through_goals = Plan.objects.filter(goals__contributes_to__plan=plan).values("pk")
    return list(
        plans_visible_to(user, scope)
        .filter(Q(parent=plan) | Q(pk__in=through_goals))
        .exclude(pk=plan.pk)
        .order_by("organisation__name", "-start_year", "name")
    )


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
    and every unit of an organisation where they have that role organisation-wide. Closed
    units too: pickers leave them out (see `planning.forms.UnitTreeChoiceField`)."""
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
    # The units' organisations from the scope, not by joining the units: a join with DISTINCT
    # would make every count annotated on these organisations count units several times over.
    by_unit = {scope.unit_organisation.get(pk) for pk in editor_unit_ids(scope)} - {None}
    return Organisation.objects.filter(pk__in=editor_organisation_ids(scope) | by_unit)


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


# --- Setting up an organisation -------------------------------------------------------------


def organisations_managed_by(scope: Scope) -> QuerySet[Organisation]:
    """Organisations whose settings and follow-up periods the user manages: where they are
    planner or administrator for the whole organisation."""
    if scope.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=editor_organisation_ids(scope))


def organisations_set_up_by(scope: Scope) -> QuerySet[Organisation]:
    """Organisations with a part the user sets up (units, people): the same as those they may
    create plans in."""
    return organisations_editable_by(scope)


def setup_overview(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Organisations with what their setup has so far: open units, people, follow-up periods.

    Each counted by a subquery of its own: counted over one join of units, memberships and
    periods, a large organisation's thousands of each were multiplied into millions of rows.
    """
    return organisations.annotate(
        open_units=_count_per_organisation(Unit.objects.filter(closed_on__isnull=True)),
        people=_count_per_organisation(Membership.objects.all(), Count("user", distinct=True)),
        period_count=_count_per_organisation(FollowUpPeriod.objects.all()),
    ).order_by("name")


def _count_per_organisation(rows: QuerySet, count: Count | None = None) -> Coalesce:
    """How many of `rows` (by default; or `count` of them) an organisation has: a subquery."""
    counted = (
        rows.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(count=count or Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def tree_order(units: Iterable[Unit]) -> list[tuple[Unit, int]]:
    """Units in the order of their tree, each with its depth: a parent before its children,
    siblings by name. A unit whose parent is not among `units` starts a tree of its own."""
    units = list(units)
    present = {unit.pk for unit in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in present else None].append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda unit: (unit.name.casefold(), unit.pk))
    ordered: list[tuple[Unit, int]] = []
    stack = [(unit, 0) for unit in reversed(children[None])]
    while stack:
        unit, depth = stack.pop()
        ordered.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.pk, [])))
    return ordered


def unit_tree(organisation: Organisation) -> list[tuple[Unit, int]]:
    """Every unit of an organisation, closed ones too, in tree order. One query."""
    units = Unit.objects.filter(organisation=organisation).select_related("organisation")
    return tree_order(units)


def subtree_ids(unit: Unit) -> set[int]:
    """The unit and every unit below it (one query)."""
    units = list(Unit.objects.filter(organisation_id=unit.organisation_id).only("pk", "parent_id"))
    return unit_and_below(units, unit.pk)


def open_activities_of(units: Iterable[int]) -> list[tuple[str, str]]:
    """The open activities of these units: (activity, plan) for each one that is neither done
    nor cancelled, in a plan that is not archived.

    Activities belong to the goals app, above this one: they are reached through the reverse
    relation of `goals.Activity.unit` (`Unit.activities`), by name, without importing it.
    """
    finished = ("done", "cancelled")
    rows = (
        Unit.objects.filter(pk__in=list(units), activities__isnull=False)
        .exclude(activities__goal__plan__status=Plan.Status.ARCHIVED)
        .values_list("activities__pk", "activities__title", "activities__goal__plan__name")
        .order_by("activities__goal__plan__name", "activities__title")
        .distinct()
    )
    done = set(
        Unit.objects.filter(
            pk__in=list(units), activities__statuses__status__in=finished
        ).values_list("activities__pk", flat=True)
    )
    return [(title, plan) for pk, title, plan in rows if pk not in done]


def mutual_relations(organisation_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each organisation, the organisations it has listed that have listed it too."""
    ids = set(organisation_ids)
    listed = OrganisationRelation.objects.filter(
        Q(organisation_id__in=ids) | Q(related_id__in=ids)
    ).values_list("organisation_id", "related_id")
    pairs = set(listed)
    result: dict[int, set[int]] = {pk: set() for pk in ids}
    for source, target in pairs:
        if source in ids and (target, source) in pairs:
            result[source].add(target)
    return result


def relations_of(organisation: Organisation) -> list[dict]:
    """The organisations this one has listed or is listed by, and whether each side did. One
    query."""
    listed = OrganisationRelation.objects.filter(organisation=organisation, related=OuterRef("pk"))
    listed_by = OrganisationRelation.objects.filter(
        organisation=OuterRef("pk"), related=organisation
    )
    others = (
        Organisation.objects.annotate(listed=Exists(listed), listed_by=Exists(listed_by))
        .filter(Q(listed=True) | Q(listed_by=True))
        .order_by("name")
    )
    return [
        {"organisation": other, "listed": other.listed, "listed_by": other.listed_by}
        for other in others
    ]
