"""A report's activities and indicators, read as plain values: who is responsible, who reports
and the sub-goal say what the item's own fields say."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goals.evaluation import months
from goals.models import Activity
from goals.services import activity_create, sub_goal_create
from indicators.models import Indicator
from indicators.services import indicator_create
from reports.selectors import follow_up_report
from reports.selectors.display import person_name
from tests.deadlines import month_end


@pytest.fixture
def people(db):
    make = get_user_model().objects.create_user
    return make("anna", first_name="Anna", last_name="Berg"), make("kalle")


def _rows(plan, period):
    report = follow_up_report(plan, period)
    return {row.title: row for goal in report.goals for row in goal.activities}


def _said(*parts) -> str:
    return ", ".join(part for part in parts if part)


def test_a_row_names_the_responsible_the_reporter_and_the_sub_goal(
    plan, goal, periods, units, people
):
    anna, kalle = people
    sub_goal = sub_goal_create(goal=goal, label="1.1", title="Kortare väntetider", actor=None)
    activity_create(
        goal=goal, title="Ny rutin", responsible_role="Enhetschef", responsible_user=anna,
        reporting_user=kalle, reporting_unit=units["unit_a"], reporting_role="Samordnare",
        sub_goal=sub_goal, due_on=month_end(6), evaluated_months=months(4), actor=None,
    )  # fmt: skip
    activity_create(goal=goal, title="Utan ansvar", ongoing=True, evaluated_months=months(4),
                    actor=None)  # fmt: skip

    rows = _rows(plan, periods[0])

    named, bare = rows["Ny rutin"], rows["Utan ansvar"]
    assert named.responsible == "Anna Berg, Enhetschef"
    assert named.reporter == "kalle, Hemtjänst, Samordnare"
    assert named.sub_goal == "1.1 Kortare väntetider"
    assert (bare.responsible, bare.reporter, bare.sub_goal) == ("", "", "")
    assert bare.timing == "Löpande"


def test_the_rows_say_what_the_activitys_model_says(plan, goal, periods, units, people):
    anna, kalle = people
    for number, (responsible, reporting) in enumerate(((anna, None), (kalle, anna), (None, kalle))):
        activity_create(
            goal=goal, title=f"Aktivitet {number}", responsible_role=f"Roll {number}" * number,
            responsible_user=responsible, reporting_user=reporting,
            reporting_unit=units["unit_b"] if number else None, due_on=month_end(5 + number),
            evaluated_months=months(4), actor=None,
        )  # fmt: skip

    rows = _rows(plan, periods[0])

    for activity in Activity.objects.filter(goal=goal):
        row = rows[activity.title]
        unit = activity.reporting_unit.name if activity.reporting_unit else ""
        responsible = person_name(activity.responsible_user), activity.responsible_role
        reporter = person_name(activity.reporting_user), unit, activity.reporting_role
        assert (row.responsible, row.reporter) == (_said(*responsible), _said(*reporter))
        assert row.timing == activity.timing_label


def test_an_indicator_row_names_the_responsible_and_the_reporter(
    plan, goal, indicator, periods, units, people
):
    anna, kalle = people
    Indicator.objects.filter(pk=indicator.pk).update(
        responsible_user=anna, responsible_unit=units["unit_a"], responsible_role="Enhetschef",
        reporting_user=kalle, reporting_role="Samordnare",
    )  # fmt: skip
    indicator_create(goal=goal, name="Utan ansvar", unit="percent", direction="higher",
                     green_bound=Decimal("90"), actor=None)  # fmt: skip

    report = follow_up_report(plan, periods[0])

    rows = {row.name: row for row in report.goals[0].indicators}
    assert rows["HME-index"].responsible == "Anna Berg, Hemtjänst, Enhetschef"
    assert rows["HME-index"].reporter == "kalle, Samordnare"
    assert (rows["Utan ansvar"].responsible, rows["Utan ansvar"].reporter) == ("", "")
