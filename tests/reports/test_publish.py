"""Publishing: the report as the committee decided it is frozen and never changes afterwards."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.versioning import save_validated
from goals.models import Goal
from goals.services import activity_status_set, goal_follow_up_save
from indicators.models import Indicator, Measurement
from indicators.services import measurement_record
from reports.models import PublishedReport
from reports.pdf import report_pdf
from reports.selectors import follow_up_report
from reports.services import report_publish, report_snapshot
from tests.reports.conftest import demo_period, pdf_text


@pytest.fixture
def demo(demo_of_the_module):
    """The demo, loaded once for this module's tests."""
    return demo_of_the_module


def publish_t1(plan, actor, **changes):
    facts = {
        "decided_by": "Kommunstyrelsen",
        "decision_date": datetime.date(2023, 5, 30),
        "decision_paragraph": "§ 45",
        "registration_number": "2023/112-012",
        **changes,
    }
    return report_publish(plan=plan, period=demo_period("T1"), actor=actor, **facts)


@pytest.fixture
def planner_user(demo, django_user_model):
    return django_user_model.objects.get(username="planerare")


@pytest.fixture
def published(demo, planner_user):
    return publish_t1(demo, planner_user)


def edit_everything(plan) -> None:
    """Later edits to everything the report shows."""
    t1 = demo_period("T1")
    goal = Goal.objects.get(plan=plan, number=2)
    goal.title = "Ändrad titel efter beslutet"
    save_validated(goal, actor=None)
    indicator = Indicator.objects.get(goal=goal, name="Total sjukfrånvaro")
    measurement_record(indicator=indicator, period=t1, value=Decimal("4.2"), actor=None)
    activity = goal.activities.get(title__startswith="Vi utbildar medarbetare i MHFA")
    activity_status_set(
        activity=activity, period=t1, status="done", comment="Ändrat i efterhand", actor=None
    )
    goal_follow_up_save(
        goal=goal, period=t1, assessment="achieved", analysis="Omskriven analys", actor=None
    )
    plan.registration_number = "2099/1"
    save_validated(plan, actor=None)


def test_published_report_is_byte_identical_after_later_edits(
    client, demo, published, planner_user
):
    before = bytes(published.pdf)
    snapshot_before = published.snapshot
    edit_everything(demo)

    stored = PublishedReport.objects.get(pk=published.pk)
    assert bytes(stored.pdf) == before
    assert stored.snapshot == snapshot_before
    assert stored.sha256 == hashlib.sha256(before).hexdigest()
    client.force_login(planner_user)
    download = client.get(reverse("reports:published_pdf", args=[published.pk]))
    assert download.content == before
    # ...while the live report shows the edits.
    live = pdf_text(report_pdf(follow_up_report(demo, demo_period("T1"))).content)
    assert "Ändrad titel efter beslutet" in live and "Omskriven analys" in live
    frozen = pdf_text(before)
    assert "Nöjda och friska medarbetare" in frozen and "Ändrad titel" not in frozen
    assert "7,8 %" in frozen and "Omskriven analys" not in frozen


def test_published_report_carries_the_decision(published):
    text = pdf_text(bytes(published.pdf))
    assert "Kommunstyrelsen 2023-05-30 § 45" in text
    assert "2023/112-012" in text
    assert published.snapshot["report"]["decision"] == {
        "decided_by": "Kommunstyrelsen",
        "label": "2023-05-30 § 45",
        "registration_number": "2023/112-012",
    }
    assert published.published_by_name == "Anna Lindqvist"


def test_snapshot_keeps_the_data_as_published(published):
    report = published.snapshot["report"]
    goals = {goal["number"]: goal for goal in report["goals"]}
    sick_leave = next(i for i in goals[2]["indicators"] if i["name"] == "Total sjukfrånvaro")
    assert sick_leave["value"] == "7.8000"
    assert sick_leave["colour"] == "red"
    assert report["period_label"] == "T1 2023"
    assert published.snapshot["format"] == 1


def test_a_published_report_cannot_be_changed(published):
    published.title = "Något annat"
    with pytest.raises(ValidationError):
        save_validated(published, actor=None)
    assert PublishedReport.objects.get(pk=published.pk).title != "Något annat"


def test_a_period_is_published_once(demo, published, planner_user):
    with pytest.raises(ValidationError):
        publish_t1(demo, planner_user, decided_by="Annan nämnd")
    assert PublishedReport.objects.count() == 1


def test_decision_before_the_period_starts_is_refused(demo, planner_user):
    with pytest.raises(ValidationError) as error:
        publish_t1(demo, planner_user, decision_date=datetime.date(2022, 12, 1))
    assert "decision_date" in error.value.message_dict
    assert not PublishedReport.objects.exists()


def test_fingerprint_must_match_the_pdf(demo, planner_user):
    published = PublishedReport(
        plan=demo,
        period=demo_period("T1"),
        title="x",
        language="sv",
        decided_by="KS",
        decision_date=datetime.date(2023, 5, 30),
        pdf=b"%PDF-1.7",
        sha256="0" * 64,
        snapshot={},
        published_by=planner_user,
        published_by_name="x",
        published_at=datetime.datetime(2023, 5, 31, tzinfo=datetime.UTC),
    )
    with pytest.raises(ValidationError) as error:
        published.full_clean()
    assert "sha256" in error.value.message_dict


def test_publishing_is_recorded_in_the_history_without_the_pdf(published, planner_user):
    record = published.history.get()
    assert record.history_user == planner_user
    assert not hasattr(record, "pdf")


def test_snapshot_marks_a_value_carried_from_an_earlier_period(demo):
    Measurement.objects.filter(
        indicator__goal__plan=demo, indicator__name="Total sjukfrånvaro", period__kind="T2"
    ).delete()
    report = report_snapshot(follow_up_report(demo, demo_period("T2")))["report"]
    rows = [row for goal in report["goals"] for row in goal["indicators"]]
    sick_leave = next(row for row in rows if row["name"] == "Total sjukfrånvaro")
    assert (sick_leave["value"], sick_leave["value_period_label"]) == ("7.8000", "T1 2023")
    assert (sick_leave["is_carried"], sick_leave["carried_text"]) == (True, "från T1 2023")
    own = next(row for row in rows if row["name"] == "Budgetavvikelse")
    assert (own["is_carried"], own["carried_text"]) == (False, "")
