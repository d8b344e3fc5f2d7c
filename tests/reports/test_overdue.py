"""An overdue activity (its deadline passed, its latest status not done, not ongoing) is marked
"Overdue since <date>": to its owner on the reporting page, and in the report's HTML and PDF,
whose summary counts them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from goals.evaluation import months
from goals.services import activity_create, activity_status_set
from planning.models import Plan
from reports.pdf import report_pdf
from reports.selectors import follow_up_report
from tests.deadlines import month_end
from tests.reports.conftest import pdf_text, squash
from tests.reports.test_views_reporting import (
    ENGLISH,
    decided_plan,
    make_user,
    manager,
    own,
    planner,
    report_goal,
    t2,
    whole,
)

__all__ = ["decided_plan", "make_user", "manager", "own", "planner", "report_goal", "t2", "whole"]


def today_is(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


# --- The owner's reporting page -------------------------------------------------------------------


def activity_row(page: str, activity) -> str:
    """The row's title and facts (responsible, deadline, for whom)."""
    start = page.index(activity.title)
    return page[start : page.index("</ul>", start)]


def test_the_owner_sees_overdue_since_the_months_last_day(
    monkeypatch, client, manager, t2, whole, own
):
    today_is(monkeypatch, datetime.date(2023, 7, 10))  # June is over, T2 still open
    client.force_login(manager)
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert "Overdue since June 30, 2023" in activity_row(page, whole)
    assert "Overdue since" not in activity_row(page, own)  # ongoing: never overdue
    assert page.count('data-fact="overdue"') == 1


def test_the_owner_sees_it_in_swedish_too(monkeypatch, client, manager, t2, whole):
    today_is(monkeypatch, datetime.date(2023, 7, 10))
    client.force_login(manager)
    page = client.get(reverse("reports:reporting")).text
    assert "30 juni 2023" in activity_row(page, whole)
    assert page.count('data-fact="overdue"') == 1


def test_not_overdue_before_the_deadline_has_passed(monkeypatch, client, manager, t2, whole):
    today_is(monkeypatch, datetime.date(2023, 6, 30))  # the month's last day: still in time
    client.force_login(manager)
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert 'data-fact="overdue"' not in page


def test_not_overdue_once_reported_done(monkeypatch, client, manager, t2, whole):
    today_is(monkeypatch, datetime.date(2023, 7, 10))
    activity_status_set(activity=whole, period=t2, status="done", actor=None)
    client.force_login(manager)
    page = client.get(reverse("reports:reporting"), headers=ENGLISH).text
    assert whole.title in page
    assert 'data-fact="overdue"' not in page


def test_marking_it_done_removes_the_marker_from_the_row(monkeypatch, client, manager, t2, whole):
    today_is(monkeypatch, datetime.date(2023, 7, 10))
    client.force_login(manager)
    url = reverse("reports:activity_status", args=[t2.pk, whole.pk])
    row = client.post(
        url,
        {"status": "done", "comment": "", "expected_version": "0"},
        headers={**ENGLISH, "HX-Request": "true"},
    ).text
    assert whole.title in row
    assert "Overdue since" not in row


# --- The report: HTML, PDF and summary ------------------------------------------------------------


@pytest.fixture
def t1_deadlines(followed_up, goal, periods):
    """In T1 (January–April 2023): March not done, a day in April done, May (after T1)."""
    t1 = periods[0]
    march = activity_create(
        goal=goal, title="Vi inför trygghetsringning", due_on=month_end(3),
        evaluated_months=months(4, 12), actor=None,
    )  # fmt: skip
    activity_status_set(activity=march, period=t1, status="delayed", comment="Sent", actor=None)
    april = activity_create(
        goal=goal, title="Vi håller kickoff", due_on=datetime.date(2023, 4, 12),
        due_precision="day", evaluated_months=months(4, 12), actor=None,
    )  # fmt: skip
    activity_status_set(activity=april, period=t1, status="done", actor=None)
    activity_create(
        goal=goal, title="Vi skriver rutinen", due_on=month_end(5), evaluated_months=months(4, 12),
        actor=None,
    )  # fmt: skip
    return Plan.objects.select_related("organisation", "owner_unit").get(pk=followed_up.pk)


def test_the_report_marks_overdue_activities_and_counts_them(
    monkeypatch, client, t1_deadlines, periods, planner
):
    today_is(monkeypatch, datetime.date(2024, 2, 1))  # long after T1: what was due in it counts
    t1 = periods[0]
    with translation.override("en"):
        report = follow_up_report(t1_deadlines, t1)
    overdue = report.summary.overdue
    assert [(a.title, a.overdue_text) for a in overdue] == [
        ("Vi inför trygghetsringning", "Overdue since March 31, 2023")
    ]
    assert "1 activity is overdue" in report.summary.lead
    client.force_login(planner)
    page = client.get(reverse("reports:report", args=[t1_deadlines.pk, t1.pk])).text
    assert "31 mars 2023" in page
    assert 'data-fact="overdue"' in page
    assert 'data-fact="overdue-count">(1)' in page


def test_the_report_in_the_running_period_counts_only_what_has_passed(
    monkeypatch, t1_deadlines, periods
):
    today_is(monkeypatch, datetime.date(2023, 3, 31))  # March's last day: not yet late
    report = follow_up_report(t1_deadlines, periods[0])
    assert report.summary.overdue == ()


def test_the_pdf_says_overdue_since(monkeypatch, t1_deadlines, periods):
    today_is(monkeypatch, datetime.date(2024, 2, 1))
    with translation.override("en"):
        text = pdf_text(report_pdf(follow_up_report(t1_deadlines, periods[0])).content)
    assert squash("Overdue since March 31, 2023") in squash(text)
    assert "Overdue activities (1)" in squash(text)
    assert squash(text).count("Overdue since") == 2  # in its goal's table and in the summary
