"""Joint plans for real (seed 003: Dorotea kommun and Region Västerbotten): the units and people of
every owning organisation own activities and values, report on them, and read the plan by their
own roles; the plan page names every owner; a strategy lists the plans that contribute to it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.versioning import save_validated
from goals.evaluation import months
from goals.models import Activity, ActivityStatus
from goals.services import goal_create
from indicators.models import Measurement
from planning.forms import UnitTreeChoiceField
from planning.models import Plan, ReportReadiness
from planning.selectors import contributing_plans, plan_owner_units, plans_visible_to
from planning.services import (
    plan_create,
    unit_create,
)

pytest_plugins = ["tests.planning.joint_world"]

ENGLISH = {"accept-language": "en"}


# --- The model accepts the units of every owner -------------------------------------------------


def test_an_activity_may_be_owned_by_a_partners_unit(joint):
    activity = Activity(
        goal=joint.goal,
        title="Gemensam journalföring",
        unit=joint.theirs["Primärvården"],
        ongoing=True,
        evaluated_months=months(4, 12),
    )
    activity.full_clean()


def test_an_activity_of_an_organisation_that_does_not_own_the_plan_is_refused(joint):
    stranger = unit_create(organisation=joint.other, name="Vårdval", kind="unit", actor=None)
    activity = Activity(goal=joint.goal, title="X", unit=stranger, ongoing=True)
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "unit" in error.value.message_dict


def test_a_value_and_a_ready_mark_of_a_partners_unit_are_accepted(joint):
    unit = joint.theirs["Hälsocentralen Dorotea"]
    value = Measurement(
        indicator=joint.indicator, period=joint.t1, unit=unit, value=Decimal("8"),
        entered_at=timezone.now(),
    )  # fmt: skip
    value.full_clean()
    mark = ReportReadiness(plan=joint.plan, period=joint.t1, unit=unit, marked_at=timezone.now())
    mark.full_clean()
    stranger = unit_create(organisation=joint.other, name="Vårdval", kind="unit", actor=None)
    for refused in (
        Measurement(indicator=joint.indicator, period=joint.t1, unit=stranger,
                    entered_at=timezone.now()),
        ReportReadiness(plan=joint.plan, period=joint.t1, unit=stranger,
                        marked_at=timezone.now()),
    ):  # fmt: skip
        with pytest.raises(ValidationError) as error:
            refused.full_clean()
        assert "unit" in error.value.message_dict


# --- Who reads the joint plan --------------------------------------------------------------------


def test_every_owners_people_read_the_plan_by_their_own_roles(joint):
    readers = (
        "lead_manager",
        "lead_home_manager",
        "lead_committee",
        "partner_manager",
        "partner_committee",
        "partner_planner",
    )
    for name in readers:
        assert list(plans_visible_to(joint.people[name])) == [joint.plan], name
    for name in ("partner_elsewhere", "outsider", "outsider_unit"):
        assert not plans_visible_to(joint.people[name]).exists(), name


def test_plan_page_names_every_owner(client, joint):
    client.force_login(joint.people["partner_committee"])
    response = client.get(reverse("planning:plan_detail", args=[joint.plan.pk]), headers=ENGLISH)
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert "Owners (a joint plan)" in text
    assert "Dorotea kommun, Vård och stöd (lead organisation); " in text
    assert "Region Västerbotten (partner organisation)" in text
    client.force_login(joint.people["partner_elsewhere"])
    response = client.get(reverse("planning:plan_detail", args=[joint.plan.pk]))
    assert response.status_code == 404


# --- Who owns and reports ------------------------------------------------------------------------


def test_the_unit_picker_offers_the_units_of_every_owner_grouped_by_organisation(joint):
    field = UnitTreeChoiceField(required=False)
    field.offer(plan_owner_units(joint.plan))
    groups = [(label, [str(name).strip() for _value, name in options])
              for label, options in list(field.choices)[1:]]  # fmt: skip
    assert groups == [
        ("Dorotea kommun", ["Kommunstyrelsen", "Vård och stöd", "Hemtjänsten"]),
        (
            "Region Västerbotten",
            [
                "Hälso- och sjukvårdsnämnden",
                "Folktandvården",
                "Primärvården",
                "Hälsocentralen Dorotea",
            ],
        ),
    ]


def status_url(joint, activity):
    return reverse("reports:activity_status", args=[joint.t1.pk, activity.pk])


def test_a_partners_unit_manager_reports_their_own_activity(client, joint):
    client.force_login(joint.people["partner_manager"])
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert "Gemensam bemanningsplanering" in page
    assert "Gemensamma rutiner för trygg hemgång" not in page
    assert "Undvikbar slutenvård" not in page  # the plan's values are the lead's
    response = client.post(
        status_url(joint, joint.region_activity),
        {"status": "in_progress", "comment": "Schema klart i mars", "expected_version": 0},
    )
    assert response.status_code == 302
    status = ActivityStatus.objects.get(activity=joint.region_activity, period=joint.t1)
    assert (status.status, status.reported_by) == ("in_progress", joint.people["partner_manager"])
    response = client.post(
        status_url(joint, joint.our_activity), {"status": "done", "expected_version": 0}
    )
    assert response.status_code == 404


def test_the_leads_unit_manager_cannot_report_on_the_partners_activity(client, joint):
    manager = joint.people["lead_manager"]  # manager of the plan's owner unit
    client.force_login(manager)
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert "Gemensamma rutiner för trygg hemgång" in page
    assert "Gemensam bemanningsplanering" not in page
    response = client.post(
        status_url(joint, joint.region_activity), {"status": "done", "expected_version": 0}
    )
    assert response.status_code == 404
    assert not ActivityStatus.objects.filter(activity=joint.region_activity).exists()
    response = client.post(
        status_url(joint, joint.our_activity), {"status": "done", "expected_version": 0}
    )
    assert response.status_code == 302


# --- A strategy's page lists the plans that contribute to it -------------------------------------


@pytest.fixture
def strategy(joint):
    """Region Västerbotten's regional strategy; the joint plan's goal contributes to its goal,
    and a plan of another organisation is one of its children."""
    strategy = plan_create(
        organisation=joint.region,
        kind=Plan.Kind.STRATEGY,
        name="Regional utvecklingsstrategi Västerbotten 2020–2030",
        start_year=2020,
        end_year=2030,
        actor=None,
    )
    strategy_goal = goal_create(plan=strategy, number=1, title="Jämlik hälsa", actor=None)
    plan = joint.plan
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    plan.refresh_from_db()
    plan.parent = strategy
    save_validated(plan, actor=None)
    joint.goal.refresh_from_db()
    joint.goal.contributes_to = strategy_goal
    save_validated(joint.goal, actor=None)
    # A plan of Norrbotten under the strategy: only Norrbotten's people read it.
    plan_create(
        organisation=joint.other,
        parent=strategy,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Norrbottens verksamhetsplan",
        start_year=2024,
        end_year=2024,
        actor=None,
    )
    return strategy


def test_a_strategy_lists_the_plans_that_contribute_to_it_across_organisations(
    client, joint, strategy
):
    names = [plan.name for plan in contributing_plans(joint.people["partner_planner"], strategy)]
    assert names == ["Handlingsplan gemensam systemledning Dorotea"]
    client.force_login(joint.people["partner_planner"])
    response = client.get(reverse("planning:plan_detail", args=[strategy.pk]), headers=ENGLISH)
    text = response.text
    assert "Plans that contribute to this plan" in text
    assert "Handlingsplan gemensam systemledning Dorotea" in text
    assert "(Dorotea kommun, 2024," in text
    assert "Norrbottens verksamhetsplan" not in text


def test_a_plan_whose_goal_contributes_is_listed_even_without_being_a_child(joint, strategy):
    plan = joint.plan
    plan.parent = None
    Plan.objects.filter(pk=plan.pk).update(parent=None)
    names = [plan.name for plan in contributing_plans(joint.people["partner_planner"], strategy)]
    assert names == ["Handlingsplan gemensam systemledning Dorotea"]
