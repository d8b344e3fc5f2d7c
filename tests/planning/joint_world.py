"""The joint plan of seed 003 as a test world (Dorotea kommun and Region Västerbotten): a fixture
module, used with `pytest_plugins = ["tests.planning.joint_world"]`."""

import datetime
from decimal import Decimal

import pytest

from goals.evaluation import months
from goals.services import activity_create, goal_create
from indicators.services import indicator_create
from planning.models import Plan, Role
from planning.services import (
    membership_grant,
    organisation_create,
    period_set_open,
    periods_ensure_year,
    plan_create,
    plan_set_status,
    relation_add,
    unit_create,
)


def tree(organisation, *names_and_kinds):
    """A chain of units, each below the one before; returned by name."""
    units, parent = {}, None
    for name, kind in names_and_kinds:
        parent = unit_create(
            organisation=organisation, name=name, kind=kind, parent=parent, actor=None
        )
        units[name] = parent
    return units


@pytest.fixture
def joint(db, django_user_model):
    """Dorotea kommun leads, Region Västerbotten is a partner; a third organisation is not.

    Dorotea: Kommunstyrelsen > Vård och stöd (owner) > Hemtjänsten.
    The region: Hälso- och sjukvårdsnämnden > Primärvården > Hälsocentralen Dorotea, and
    Folktandvården beside Primärvården. The plan has an activity of Hälsocentralen Dorotea and
    one of Hemtjänsten, and an indicator; it is decided and followed up in Dorotea's open T1.
    """
    lead = organisation_create(name="Dorotea kommun", municipality_code="2425", actor=None)
    region = organisation_create(name="Region Västerbotten", kind="region", actor=None)
    other = organisation_create(name="Region Norrbotten", kind="region", actor=None)
    relation_add(organisation=lead, related=region, actor=None)
    relation_add(organisation=region, related=lead, actor=None)
    ours = tree(
        lead,
        ("Kommunstyrelsen", "committee"),
        ("Vård och stöd", "operation"),
        ("Hemtjänsten", "unit"),
    )
    theirs = tree(
        region,
        ("Hälso- och sjukvårdsnämnden", "committee"),
        ("Primärvården", "administration"),
        ("Hälsocentralen Dorotea", "unit"),
    )
    theirs["Folktandvården"] = unit_create(
        organisation=region,
        name="Folktandvården",
        kind="administration",
        parent=theirs["Hälso- och sjukvårdsnämnden"],
        actor=None,
    )
    elsewhere = tree(other, ("Regionstyrelsen", "committee"))
    plan = plan_create(
        organisation=lead,
        partner_organisations=[region],
        owner_unit=ours["Vård och stöd"],
        kind=Plan.Kind.ACTION_PLAN,
        name="Handlingsplan gemensam systemledning Dorotea",
        start_year=2024,
        end_year=2024,
        actor=None,
    )
    goal = goal_create(plan=plan, number=1, title="God, nära och tillgänglig vård", actor=None)
    region_activity = activity_create(
        goal=goal,
        title="Gemensam bemanningsplanering",
        unit=theirs["Hälsocentralen Dorotea"],
        ongoing=True,
        evaluated_months=months(4, 12),
        actor=None,
    )
    our_activity = activity_create(
        goal=goal,
        title="Gemensamma rutiner för trygg hemgång",
        unit=ours["Hemtjänsten"],
        ongoing=True,
        evaluated_months=months(4, 12),
        actor=None,
    )
    indicator = indicator_create(
        goal=goal, name="Undvikbar slutenvård", direction="lower",
        green_bound=Decimal("10"), actor=None,
    )  # fmt: skip
    periods = periods_ensure_year(organisation=lead, year=2024, actor=None)
    t1 = period_set_open(period=periods[0], is_open=True, actor=None)
    periods_ensure_year(organisation=region, year=2024, actor=None)
    plan_set_status(
        plan=plan,
        status="decided",
        decision_date=datetime.date(2024, 2, 26),
        expected_version=None,
        actor=None,
    )

    def person(username, organisation, role, unit=None):
        user = django_user_model.objects.create_user(
            username, password="pw", first_name=username.capitalize(), last_name="Test"
        )
        membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=None)
        return user

    people = {
        "lead_manager": person("vardchef", lead, Role.UNIT_MANAGER, ours["Vård och stöd"]),
        "lead_home_manager": person("hemtjanst", lead, Role.UNIT_MANAGER, ours["Hemtjänsten"]),
        "lead_committee": person("ks", lead, Role.COMMITTEE_MEMBER, ours["Kommunstyrelsen"]),
        "partner_manager": person(
            "hcchef", region, Role.UNIT_MANAGER, theirs["Hälsocentralen Dorotea"]
        ),
        "partner_committee": person(
            "hsn", region, Role.COMMITTEE_MEMBER, theirs["Hälso- och sjukvårdsnämnden"]
        ),
        "partner_planner": person("regionplan", region, Role.PLANNER),
        "partner_elsewhere": person(
            "tandchef", region, Role.UNIT_MANAGER, theirs["Folktandvården"]
        ),
        "outsider": person("norrbotten", other, Role.PLANNER),
        "outsider_unit": person("rs", other, Role.COMMITTEE_MEMBER, elsewhere["Regionstyrelsen"]),
    }
    return type(
        "Joint",
        (),
        {
            "lead": lead,
            "region": region,
            "other": other,
            "ours": ours,
            "theirs": theirs,
            "plan": Plan.objects.get(pk=plan.pk),
            "goal": goal,
            "region_activity": region_activity,
            "our_activity": our_activity,
            "indicator": indicator,
            "t1": t1,
            "people": people,
        },
    )
