"""An activity is reported in the periods of its organisation's scheme it is evaluated in, and
only there: under quarters, an activity evaluated in Q2 and Q4 is on the reporting page and in
the report of Q2 and Q4, not of Q1 or Q3."""

import datetime

import pytest
from django.urls import reverse

from goals.evaluation import months
from goals.services import activity_create, goal_create
from planning.models import Plan, Role, preset_rows
from planning.services import (
    membership_grant,
    period_set_open,
    periods_ensure_year,
    plan_create,
    plan_set_status,
)
from planning.services.schemes import scheme_save
from reports.selectors import follow_up_report


@pytest.fixture
def quarters(organisation):
    """The organisation follows up by quarters: Q1–Q4 of 2023."""
    scheme_save(organisation=organisation, rows=preset_rows("quarter"), actor=None)
    return periods_ensure_year(organisation=organisation, year=2023, actor=None)


@pytest.fixture
def quarter_plan(organisation, units, quarters):
    plan = plan_create(
        organisation=organisation,
        owner_unit=units["operation"],
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan Omsorg 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    return plan_set_status(
        plan=plan, status="decided", actor=None, expected_version=plan.version,
        decision_date=datetime.date(2022, 11, 29),
    )  # fmt: skip


@pytest.fixture
def activities(quarter_plan, units):
    goal = goal_create(plan=quarter_plan, number=1, title="Trygg omsorg", actor=None)
    return {
        title: activity_create(
            goal=goal,
            title=title,
            ongoing=True,
            unit=units["unit_a"],
            evaluated_months=evaluated,
            actor=None,
        )
        for title, evaluated in (
            ("Kvartal 2 och året", months(6, 12)),
            ("Bara kvartal 1", months(3)),
        )
    }


@pytest.fixture
def manager(django_user_model, organisation, units):
    user = django_user_model.objects.create_user("manager", password="pw")
    membership_grant(
        user=user, organisation=organisation, unit=units["unit_a"], role=Role.UNIT_MANAGER,
        actor=None,
    )  # fmt: skip
    return user


def test_the_reporting_page_of_each_quarter_lists_the_activities_evaluated_in_it(
    client, manager, quarters, activities
):
    client.force_login(manager)
    shown = {}
    for period in quarters:
        for other in quarters:
            period_set_open(period=other, is_open=other == period, actor=None)
        text = client.get(reverse("reports:reporting")).text
        shown[period.kind] = [title for title in activities if title in text]
    assert shown == {
        "Q1": ["Bara kvartal 1"],
        "Q2": ["Kvartal 2 och året"],
        "Q3": [],
        "Q4": ["Kvartal 2 och året"],
    }


def test_an_activity_outside_the_period_cannot_be_reported_in_it(
    client, manager, quarters, activities
):
    _q1, q2, q3, _q4 = quarters
    for period in (q2, q3):
        period_set_open(period=period, is_open=True, actor=None)
    client.force_login(manager)
    activity = activities["Kvartal 2 och året"]
    url = reverse("reports:activity_status", args=[q3.pk, activity.pk])
    assert client.post(url, {"status": "done"}).status_code == 404
    url = reverse("reports:activity_status", args=[q2.pk, activity.pk])
    assert client.post(url, {"status": "done", "expected_version": 0}).status_code == 302


def test_the_report_of_each_quarter_lists_the_activities_evaluated_in_it(
    quarter_plan, quarters, activities
):
    listed = {
        period.kind: [
            activity.title
            for goal in follow_up_report(quarter_plan, period).goals
            for activity in goal.activities
        ]
        for period in quarters
    }
    assert listed == {
        "Q1": ["Bara kvartal 1"],
        "Q2": ["Kvartal 2 och året"],
        "Q3": [],
        "Q4": ["Kvartal 2 och året", "Bara kvartal 1"],  # the year-end report covers every one
    }
