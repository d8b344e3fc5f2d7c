"""Who may set up what: the whole organisation's settings and periods, a part of the unit tree,
the roles in it; and the admin site, for system administrators only."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from planning.models import FollowUpPeriod, Role
from planning.permissions import (
    can_change_unit,
    can_deactivate,
    can_grant,
    can_manage_organisation,
    can_manage_periods,
    can_place_under,
    can_restructure_unit,
)
from planning.selectors import scope_for
from planning.services import (
    membership_grant,
    organisation_create,
    periods_ensure_year,
    unit_create,
)

pytest_plugins = ["tests.planner_roles"]


# --- The defect: a planner of one unit managed the periods of the whole organisation ------------


def test_a_planner_of_one_unit_does_not_manage_the_organisations_periods(
    client, people, organisation, periods
):
    """The planner of Omsorgsverksamheten could open and close every period of the
    organisation and create its years (the old `can_manage_periods` asked for a planner role
    on any unit of it). Periods are the whole organisation's."""
    assert not can_manage_periods(scope_for(people.planner), organisation)
    client.force_login(people.planner)
    t1 = periods[0]
    assert client.get(reverse("planning:period_list")).status_code == 404
    opened = client.post(reverse("planning:period_set_open", args=[t1.pk]), {"is_open": "1"})
    created = client.post(
        reverse("planning:periods_create", args=[organisation.pk]), {"year": 2030}
    )
    assert (opened.status_code, created.status_code) == (404, 404)
    t1.refresh_from_db()
    assert not t1.is_open
    assert not FollowUpPeriod.objects.filter(year=2030).exists()


def test_planners_and_administrators_of_the_whole_organisation_manage_its_periods(
    client, people, organisation, periods, django_user_model
):
    whole_planner = django_user_model.objects.create_user("planeringschef")
    membership_grant(user=whole_planner, organisation=organisation, role="planner", actor=None)
    for user in (whole_planner, people.administrator):
        scope = scope_for(user)
        assert can_manage_periods(scope, organisation)
        assert can_manage_organisation(scope, organisation)
    client.force_login(whole_planner)
    response = client.post(
        reverse("planning:period_set_open", args=[periods[1].pk]), {"is_open": "1"}
    )
    assert response.status_code == 302
    periods[1].refresh_from_db()
    assert periods[1].is_open


def test_nobody_manages_another_organisations_periods(people, organisation):
    other = organisation_create(name="Annan kommun", actor=None)
    periods_ensure_year(organisation=other, year=2024, actor=None)
    assert not can_manage_periods(scope_for(people.administrator), other)


# --- The unit tree and the roles: an administrator everywhere, a planner in their part ----------


def test_a_unit_planner_changes_their_part_of_the_tree(people, organisation, units):
    scope = scope_for(people.planner)
    assert can_change_unit(scope, units["operation"])  # rename their own unit
    assert not can_restructure_unit(scope, units["operation"])  # but not move or close it
    assert can_restructure_unit(scope, units["unit_a"])
    assert can_place_under(scope, organisation, units["unit_a"])
    assert not can_place_under(scope, organisation, units["administration"])
    assert not can_place_under(scope, organisation, None)
    assert not can_change_unit(scope, people.other_operation)


def test_a_unit_planner_gives_roles_other_than_administrator_in_their_part(
    people, organisation, units
):
    scope = scope_for(people.planner)
    assert can_grant(scope, organisation, units["unit_a"], Role.UNIT_MANAGER)
    assert can_grant(scope, organisation, units["operation"], Role.PLANNER)
    assert not can_grant(scope, organisation, units["unit_a"], Role.ADMINISTRATOR)
    assert not can_grant(scope, organisation, units["administration"], Role.UNIT_MANAGER)
    assert not can_grant(scope, organisation, None, Role.COMMITTEE_MEMBER)


def test_an_administrator_gives_every_role_in_the_organisation_and_only_there(
    people, organisation, units
):
    scope = scope_for(people.administrator)
    for unit in (None, units["committee"], people.other_operation):
        assert can_grant(scope, organisation, unit, Role.ADMINISTRATOR)
    other = organisation_create(name="Annan kommun", actor=None)
    assert not can_grant(scope, other, None, Role.UNIT_MANAGER)
    # A unit of another organisation is refused even in the administrator's own organisation.
    foreign = unit_create(organisation=other, name="Främmande", kind="unit", actor=None)
    assert not can_grant(scope, organisation, foreign, Role.UNIT_MANAGER)


def test_deactivating_needs_an_administrator_of_every_organisation_the_person_works_in(
    people, organisation
):
    scope = scope_for(people.administrator)
    assert can_deactivate(scope, {organisation.pk})
    other = organisation_create(name="Annan kommun", actor=None)
    assert not can_deactivate(scope, {organisation.pk, other.pk})
    assert not can_deactivate(scope_for(people.planner), {organisation.pk})


# --- The admin site and the navigation ----------------------------------------------------------


@pytest.fixture
def superuser(django_user_model):
    # Not pytest-django's superuser: its user name is the administrator's in `people`.
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw")


@pytest.fixture
def staff_planner(django_user_model, organisation, units):
    """A planner who was made staff to reach the admin, as the demo's planner was."""
    user = django_user_model.objects.create_user("personal", password="pw", is_staff=True)
    membership_grant(
        user=user, organisation=organisation, unit=units["operation"], role="planner", actor=None
    )
    return user


def test_the_admin_site_is_for_superusers_only(client, staff_planner, superuser):
    request = RequestFactory().get("/admin/")
    request.user = staff_planner
    assert not admin.site.has_permission(request)
    client.force_login(staff_planner)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_navigation_links_setup_for_those_who_may_use_it(
    en_client, people, staff_planner, superuser
):
    admin_link = f'href="{reverse("admin:index")}"'
    setup_link = f'href="{reverse("planning:organisation_list")}"'
    expected = {
        staff_planner: (False, True),
        people.planner: (False, True),
        people.administrator: (False, True),
        people.committee: (False, False),
        people.own_manager: (False, False),
        superuser: (True, True),
    }
    for user, (admin_shown, setup_shown) in expected.items():
        en_client.force_login(user)
        page = en_client.get(reverse("planning:plan_list")).text
        assert (admin_link in page, setup_link in page) == (admin_shown, setup_shown), user
        assert ("System administration" in page) == admin_shown, user
