import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches

from planning.models import Plan, Role
from planning.selectors import plan_is_visible, plans_visible_to, scope_for
from planning.services import membership_grant, organisation_create, plan_create


@pytest.fixture
def make_user(organisation):
    def make(username, role, unit=None):
        user = get_user_model().objects.create_user(username)
        membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=None)
        return user

    return make


def test_role_on_a_unit_covers_the_units_below(units, make_user):
    user = make_user("planner", Role.PLANNER, units["operation"])
    scope = scope_for(user)
    assert scope.has_role(Role.PLANNER, units["unit_a"])
    assert scope.has_role(Role.PLANNER, units["operation"])
    assert not scope.has_role(Role.PLANNER, units["administration"])
    assert not scope.has_role(Role.UNIT_MANAGER, units["unit_a"])


def test_role_on_a_unit_does_not_cover_a_sibling(units, make_user):
    user = make_user("manager", Role.UNIT_MANAGER, units["unit_a"])
    scope = scope_for(user)
    assert scope.has_role(Role.UNIT_MANAGER, units["unit_a"])
    assert not scope.has_role(Role.UNIT_MANAGER, units["unit_b"])


def test_role_without_unit_covers_the_whole_organisation(units, make_user):
    user = make_user("admin", Role.ADMINISTRATOR)
    scope = scope_for(user)
    assert all(scope.has_role(Role.ADMINISTRATOR, unit) for unit in units.values())


def test_role_in_one_organisation_covers_nothing_in_another(units, make_user):
    user = make_user("admin", Role.ADMINISTRATOR)
    other = organisation_create(name="Annan kommun", actor=None)
    from planning.services import unit_create

    foreign = unit_create(organisation=other, name="Socialnämnden", kind="committee", actor=None)
    assert not scope_for(user).has_role(Role.ADMINISTRATOR, foreign)


def test_unit_manager_sees_the_plan_of_the_operation_above(plan, units, make_user):
    user = make_user("manager", Role.UNIT_MANAGER, units["unit_a"])
    assert list(plans_visible_to(user)) == [plan]


@pytest.fixture
def school(organisation, units):
    """An operation beside the plan's owner, under the same administration."""
    from planning.services import unit_create

    return unit_create(
        organisation=organisation,
        name="Skolverksamheten",
        kind="operation",
        parent=units["administration"],
        actor=None,
    )


def test_user_of_another_branch_does_not_see_the_plan(plan, school, make_user):
    user = make_user("teacher-boss", Role.UNIT_MANAGER, school)
    assert list(plans_visible_to(user)) == []


@pytest.fixture
def joint_plan(organisation):
    """A region's plan with the organisation as partner."""
    region = organisation_create(name="Region", kind="region", actor=None)
    return plan_create(
        organisation=region,
        partner_organisations=[organisation],
        kind=Plan.Kind.ACTION_PLAN,
        name="Gemensam plan",
        start_year=2023,
        end_year=2023,
        actor=None,
    )


def test_partner_organisation_sees_a_joint_plan(joint_plan, make_user):
    user = make_user("admin", Role.ADMINISTRATOR)
    assert list(plans_visible_to(user)) == [joint_plan]


def test_anonymous_sees_no_plans(plan):
    assert list(plans_visible_to(AnonymousUser())) == []


def test_scope_costs_two_queries_whatever_the_tree(
    units, make_user, django_assert_num_queries, settings
):
    settings.ASSEMBLED_CACHE_SECONDS = 0  # every part assembled every time, counted
    user = make_user("planner", Role.PLANNER, units["committee"])
    with django_assert_num_queries(2):
        scope_for(user)


# --- One plan's visibility, as a write asks it ------------------------------------------------


@pytest.fixture
def visibility_cases(organisation, units, plan, joint_plan, school, make_user):
    """Plans and people of every rule of `plans_visible_to`: the organisation, a unit at, above
    and below the owner, an activity owned by a unit of the user's, a partner, and none."""
    from goals.services import activity_create, goal_create

    school_plan = plan_create(
        organisation=organisation,
        owner_unit=school,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan Skola 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    # Unit B owns an activity of the school's plan: its manager reads that plan too.
    goal = goal_create(plan=school_plan, number=1, title="Trygga elever", actor=None)
    activity_create(goal=goal, title="Rastvärdar", unit=units["unit_b"], ongoing=True, actor=None)
    people = [
        make_user("admin", Role.ADMINISTRATOR),
        make_user("planner", Role.PLANNER, units["committee"]),
        make_user("manager-a", Role.UNIT_MANAGER, units["unit_a"]),
        make_user("manager-b", Role.UNIT_MANAGER, units["unit_b"]),
        make_user("teacher-boss", Role.UNIT_MANAGER, school),
        get_user_model().objects.create_user("nobody"),
        get_user_model().objects.create_superuser("root"),
    ]
    return people, [plan, joint_plan, school_plan]


def test_one_plans_visibility_is_that_of_the_list(visibility_cases):
    people, plans = visibility_cases
    seen = set()
    for user in people:
        scope = scope_for(user)
        visible = set(plans_visible_to(user, scope).filter(pk__in=[p.pk for p in plans]))
        for plan in plans:
            assert plan_is_visible(user, scope, plan) == (plan in visible), (user, plan)
            seen.add(plan in visible)
    assert seen == {True, False}  # both answers were asked for


def test_a_plan_of_the_users_organisation_or_unit_is_visible_without_a_query(
    plan, units, make_user, django_assert_num_queries
):
    for user in (
        make_user("admin", Role.ADMINISTRATOR),
        make_user("manager", Role.UNIT_MANAGER, units["unit_a"]),  # below the owner
        make_user("planner", Role.PLANNER, units["committee"]),  # above the owner
    ):
        scope = scope_for(user)
        with django_assert_num_queries(0):
            assert plan_is_visible(user, scope, plan)


def test_a_scope_is_kept_until_a_role_or_unit_changes(units, make_user, django_assert_num_queries):
    from planning.services import membership_remove, unit_create

    user = make_user("planner", Role.PLANNER, units["operation"])
    assert units["unit_a"].pk in scope_for(user).units[Role.PLANNER]
    with django_assert_num_queries(1):  # the data's stamp only
        assert units["unit_a"].pk in scope_for(user).units[Role.PLANNER]
    # In a cache of its own: a person's scope never pushes a report out of "assembled".
    assert [key for key in caches["scopes"]._cache if ":scope:" in key]
    assert not [key for key in caches["assembled"]._cache if ":scope:" in key]
    # A unit added below shows at once, and so does a role taken away.
    new = unit_create(
        organisation=units["operation"].organisation, name="Dagverksamhet", kind="unit",
        parent=units["operation"], actor=None,
    )  # fmt: skip
    assert new.pk in scope_for(user).units[Role.PLANNER]
    membership_remove(membership=user.memberships.get(), actor=None)
    assert not scope_for(user).units
    # A change of a plan's content leaves it kept (it holds nothing of plans).
    from goals.services import goal_create

    plan = plan_create(
        organisation=units["operation"].organisation, owner_unit=units["operation"],
        kind=Plan.Kind.OPERATIONAL_PLAN, name="Plan", start_year=2026, end_year=2026, actor=None,
    )  # fmt: skip
    scope_for(user)
    goal_create(plan=plan, number=1, title="Mål", actor=None)
    with django_assert_num_queries(1):
        assert not scope_for(user).units
    # Another person's scope is their own.
    other = make_user("manager", Role.UNIT_MANAGER, units["unit_b"])
    assert dict(scope_for(other).units) == {Role.UNIT_MANAGER: {units["unit_b"].pk}}
