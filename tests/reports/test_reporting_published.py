"""A period whose report is published is frozen on the reporting page, as in the import."""

import datetime

from django.urls import reverse

from goals.models import ActivityStatus
from indicators.models import Measurement
from reports.services import report_publish
from tests.reports.test_views_reporting import (
    HTMX,
    decided_plan,
    make_user,
    manager,
    report_goal,
    sick_leave,
    status_url,
    t2,
    value_url,
    whole,
)

__all__ = ["decided_plan", "make_user", "manager", "report_goal", "sick_leave", "t2", "whole"]


def publish(plan, period, actor):
    return report_publish(
        plan=plan,
        period=period,
        decided_by="Omsorgsnämnden",
        decision_date=datetime.date(2023, 9, 20),
        actor=actor,
    )


def test_a_published_periods_status_and_value_are_not_changed(
    client, t2, whole, sick_leave, manager, decided_plan, make_user
):
    publish(decided_plan, t2, make_user("planner", "planner", decided_plan.owner_unit))
    client.force_login(manager)
    answer = client.post(
        status_url(t2, whole), {"status": "done", "comment": "", "expected_version": 0},
        headers=HTMX,
    )  # fmt: skip
    assert answer.status_code == 200
    assert "is published and frozen: nothing was saved." in answer.text
    assert not ActivityStatus.objects.filter(activity=whole, period=t2).exists()
    answer = client.post(
        value_url(t2, sick_leave), {"value": "5", "comment": "", "expected_version": 0},
        headers=HTMX,
    )  # fmt: skip
    assert "is published and frozen: nothing was saved." in answer.text
    assert not Measurement.objects.filter(indicator=sick_leave, period=t2).exists()


def test_an_unpublished_open_period_takes_the_report(client, t2, whole, manager):
    client.force_login(manager)
    answer = client.post(
        status_url(t2, whole), {"status": "done", "comment": "", "expected_version": 0},
        headers=HTMX,
    )  # fmt: skip
    assert "nothing was saved" not in answer.text
    assert ActivityStatus.objects.get(activity=whole, period=t2).status == "done"
    assert reverse("reports:reporting")
