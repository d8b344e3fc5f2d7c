"""The demo's joint plan (seed 003): Dorotea kommun and Region Västerbotten, loaded by
`manage.py load_demo` beside Sorsele's plan, with a unit manager and a committee member of each
organisation among the printed demo users. Its idempotence is tested in test_loader.py."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from goals.models import Activity
from planning.models import Membership, Organisation, OrganisationRelation, Plan
from planning.selectors import plans_visible_to

PASSWORD = "styrkort-demo"
JOINT = "Förstudie och handlingsplan gemensam systemledning Dorotea"
PEOPLE = {
    "enhetschef.dorotea": ("unit_manager", "Hemtjänst Dorotea", "Dorotea kommun"),
    "ledamot.dorotea": ("committee_member", "Kommunstyrelsen", "Dorotea kommun"),
    "planerare.dorotea": ("planner", "Vård- och stödverksamheter", "Dorotea kommun"),
    "enhetschef.region": ("unit_manager", "Hälsocentralen Dorotea", "Region Västerbotten"),
    "ledamot.region": (
        "committee_member",
        "Hälso- och sjukvårdsnämnden",
        "Region Västerbotten",
    ),
}


@pytest.fixture
def output(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def joint(output):
    return Plan.objects.select_related("organisation", "owner_unit").get(name=JOINT)


def test_both_plans_are_loaded(output):
    assert set(Plan.objects.values_list("name", flat=True)) == {
        "Verksamhetsplan Omsorg 2023",
        JOINT,
    }
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "Sorsele kommun",
        "Dorotea kommun",
        "Region Västerbotten",
    }


def test_the_joint_plan_is_doroteas_with_the_region_as_partner(joint):
    assert joint.organisation.name == "Dorotea kommun"
    assert [o.name for o in joint.partner_organisations.all()] == ["Region Västerbotten"]
    assert joint.owner_unit.name == "Vård- och stödverksamheter"
    assert joint.status == Plan.Status.DECIDED and joint.decided_at is not None
    assert joint.registration_number == "KS-2023-0136-106"
    # Each has listed the other: a joint plan needs that.
    pairs = set(OrganisationRelation.objects.values_list("organisation__name", "related__name"))
    assert pairs == {
        ("Dorotea kommun", "Region Västerbotten"),
        ("Region Västerbotten", "Dorotea kommun"),
    }


def test_the_seeds_goal_and_decisions_and_what_is_illustrative(joint):
    goal = joint.goals.get()
    assert goal.title == "En god, nära och tillgänglig hälso- och sjukvård och omsorg i Dorotea"
    assert "gemensam systemledning" in joint.vision
    assert "KF beslutade 2023-12-04 § 102" in joint.steering_documents
    assert joint.child_rights.startswith("Hänsyn tagen då Nära vård i Västerbotten")
    # What the seed does not name is said to be made up, on the plan itself.
    for text in (joint.steering_documents, goal.description):
        assert "påhittade för demonstrationen (illustrativa)" in text
    assert goal.indicators.count() == 2


def test_both_organisations_own_activities(joint):
    owners = set(
        Activity.objects.filter(goal__plan=joint).values_list(
            "unit__organisation__name", "unit__name"
        )
    )
    assert ("Dorotea kommun", "Hemtjänst Dorotea") in owners
    assert ("Region Västerbotten", "Hälsocentralen Dorotea") in owners
    assert ("Region Västerbotten", "Primärvården") in owners


def test_a_unit_manager_and_a_committee_member_of_each_organisation(output, joint, client):
    memberships = {
        membership.user.username: (
            membership.role,
            membership.unit.name,
            membership.organisation.name,
        )
        for membership in Membership.objects.filter(user__username__in=PEOPLE).select_related(
            "user", "unit", "organisation"
        )
    }
    assert memberships == PEOPLE
    for username in PEOPLE:
        assert username in output
        user = get_user_model().objects.get(username=username)
        assert list(plans_visible_to(user)) == [joint], username
        assert client.login(username=username, password=PASSWORD), username
        client.logout()
    assert PASSWORD in output
    assert JOINT in output


def test_the_regions_unit_manager_reports_in_doroteas_open_t1(output, client):
    client.force_login(get_user_model().objects.get(username="enhetschef.region"))
    page = client.get(reverse("reports:reporting")).text
    assert "Samordnad bemanning av sjuksköterskor mellan hälsocentralen och kommunen" in page
    assert "Gemensamma rutiner för trygg hemgång" not in page  # Dorotea's own
