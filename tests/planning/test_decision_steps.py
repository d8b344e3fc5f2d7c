"""A plan's decision process: preparation, consultation and decision steps recorded in order,
shown truthfully on the plan's page and in the report, and the life cycle that follows them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from planning.models import DecisionStep, Plan
from planning.selectors import decision_process, undecided_owners
from planning.services import (
    decision_step_add,
    decision_step_delete,
    periods_ensure_year,
    plan_set_status,
)
from reports.pdf import report_pdf
from reports.selectors import follow_up_report
from tests.reports.conftest import pdf_text, squash

pytest_plugins = ["tests.planner_roles", "tests.planning.joint_world"]

AU_DAY = datetime.date(2023, 5, 2)
KS_DAY = datetime.date(2023, 5, 16)
KF_DAY = datetime.date(2023, 6, 12)

Kind, Outcome = DecisionStep.Kind, DecisionStep.Outcome


def au_left_open(plan):
    return decision_step_add(
        plan=plan,
        kind=Kind.PREPARATION,
        held_on=AU_DAY,
        body="Arbetsutskottet",
        paragraph="§ 109",
        outcome=Outcome.LEFT_OPEN,
        actor=None,
    )


def three_steps(plan):
    """AU leaves it open, KS proposes it, KF decides it (Dorotea's KS → KF)."""
    au_left_open(plan)
    decision_step_add(
        plan=plan,
        kind=Kind.PREPARATION,
        held_on=KS_DAY,
        body="Kommunstyrelsen",
        paragraph="§ 120",
        outcome=Outcome.PROPOSES,
        actor=None,
    )
    return decision_step_add(
        plan=plan,
        kind=Kind.DECISION,
        held_on=KF_DAY,
        body="Kommunfullmäktige",
        paragraph="§ 45",
        registration_number="KS 2023/77",
        outcome=Outcome.DECIDED,
        actor=None,
    )


def test_a_preparing_body_leaves_the_plan_undecided(plan):
    au_left_open(plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert (plan.decided_by, plan.decision_paragraph, plan.decision_date) == ("", "", None)


def test_the_councils_decision_decides_the_plan_with_its_own_facts(plan):
    three_steps(plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DECIDED
    assert (plan.decided_by, plan.decision_paragraph, plan.decision_date) == (
        "Kommunfullmäktige",
        "§ 45",
        KF_DAY,
    )
    assert plan.registration_number == "KS 2023/77"
    assert plan.decided_at is not None


def test_a_consultation_puts_a_draft_out_for_consultation(plan):
    decision_step_add(
        plan=plan,
        kind=Kind.CONSULTATION,
        held_on=datetime.date(2023, 3, 1),
        ends_on=datetime.date(2023, 4, 15),
        consultees="Pensionärsrådet\nFunktionsrättsrådet\nRegion Västerbotten",
        responses=2,
        summary="Synpunkter på tillgänglighet.",
        actor=None,
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CONSULTATION
    with translation.override("en"):
        (line,) = decision_process(plan)
        opened, closed = (
            date_format(day, "SHORT_DATE_FORMAT")
            for day in (datetime.date(2023, 3, 1), datetime.date(2023, 4, 15))
        )
    assert line.text == f"Consultation {opened}–{closed}: 3 consultees, 2 responses"
    assert line.consultees == ("Pensionärsrådet", "Funktionsrättsrådet", "Region Västerbotten")


def test_a_rejection_leaves_the_plan_as_it_was(plan):
    decision_step_add(
        plan=plan,
        kind=Kind.DECISION,
        held_on=KS_DAY,
        body="Kommunstyrelsen",
        outcome=Outcome.RETURNED,
        actor=None,
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


# --- bad input: a clear message naming the field, nothing saved -----------------------------------


def refused(plan, **fields) -> dict:
    """The messages of a refused step, in English (read while the language is active)."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            decision_step_add(plan=plan, actor=None, **fields)
        return caught.value.message_dict


def test_a_step_dated_before_the_previous_one_is_refused(plan):
    au_left_open(plan)
    errors = refused(
        plan,
        kind=Kind.DECISION,
        held_on=AU_DAY - datetime.timedelta(days=1),
        body="Kommunstyrelsen",
        outcome=Outcome.DECIDED,
    )
    assert "before the previous one (preparation" in errors["held_on"][0]
    assert plan.decision_steps.count() == 1
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_a_consultation_that_closes_before_it_opens_is_refused(plan):
    errors = refused(
        plan,
        kind=Kind.CONSULTATION,
        held_on=datetime.date(2023, 3, 1),
        ends_on=datetime.date(2023, 2, 1),
    )
    assert errors == {"ends_on": ["The consultation cannot close before it opens."]}
    assert not plan.decision_steps.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": Kind.DECISION, "body": "KS", "outcome": Outcome.LEFT_OPEN}, "outcome"),
        ({"kind": Kind.PREPARATION, "body": "AU", "outcome": Outcome.DECIDED}, "outcome"),
        ({"kind": Kind.DECISION, "outcome": Outcome.DECIDED}, "body"),
        (
            {"kind": Kind.DECISION, "body": "KS", "outcome": Outcome.DECIDED, "responses": 3},
            "responses",
        ),
        ({"kind": Kind.CONSULTATION, "ends_on": KF_DAY, "outcome": Outcome.DECIDED}, "outcome"),
    ],
)
def test_fields_that_do_not_belong_to_the_kind_of_step_are_refused(plan, fields, field):
    errors = refused(plan, held_on=AU_DAY, **fields)
    assert field in errors
    assert not plan.decision_steps.exists()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_only_the_last_step_can_be_removed_and_not_the_decision_of_a_decided_plan(plan):
    first = au_left_open(plan)
    decision = three_steps_after(plan)
    with pytest.raises(ValidationError):
        decision_step_delete(step=first, actor=None)
    with pytest.raises(ValidationError):
        decision_step_delete(step=decision, actor=None)
    plan.refresh_from_db()
    plan_set_status(plan=plan, status=Plan.Status.DRAFT, actor=None, expected_version=None)
    decision_step_delete(step=decision, actor=None)
    assert list(plan.decision_steps.values_list("body", flat=True)) == ["Arbetsutskottet"]


def three_steps_after(plan):
    return decision_step_add(
        plan=plan,
        kind=Kind.DECISION,
        held_on=KF_DAY,
        body="Kommunfullmäktige",
        outcome=Outcome.DECIDED,
        actor=None,
    )


# --- a joint plan is decided by each organisation ---------------------------------------------


@pytest.fixture
def joint_draft(joint):
    plan = joint.plan
    plan_set_status(plan=plan, status=Plan.Status.DRAFT, actor=None, expected_version=None)
    return plan


def test_a_joint_plan_is_decided_when_every_owner_has_decided_it(joint, joint_draft):
    plan = joint_draft
    decision_step_add(
        plan=plan,
        kind=Kind.DECISION,
        held_on=datetime.date(2024, 2, 26),
        body="Kommunfullmäktige",
        paragraph="§ 12",
        outcome=Outcome.DECIDED,
        actor=None,
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert undecided_owners(plan) == [joint.region]
    decision_step_add(
        plan=plan,
        kind=Kind.DECISION,
        organisation=joint.region,
        held_on=datetime.date(2024, 3, 5),
        body="Hälso- och sjukvårdsnämnden",
        paragraph="§ 30",
        outcome=Outcome.DECIDED,
        actor=None,
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DECIDED
    assert (plan.decided_by, plan.decision_date) == (
        "Hälso- och sjukvårdsnämnden",
        datetime.date(2024, 3, 5),
    )
    with translation.override("en"):
        lines = decision_process(plan)
    assert [line.organisation for line in lines] == ["Dorotea kommun", "Region Västerbotten"]


def test_a_step_of_an_organisation_that_does_not_own_the_plan_is_refused(joint, joint_draft):
    errors = refused(
        joint_draft,
        kind=Kind.DECISION,
        organisation=joint.other,
        held_on=datetime.date(2024, 2, 26),
        body="Regionstyrelsen",
        outcome=Outcome.DECIDED,
    )
    assert "organisation" in errors


# --- the plan's page and the report show the steps ------------------------------------------------


def test_the_plan_page_shows_each_step_as_it_happened(en_client, people, plan):
    three_steps(plan)
    en_client.force_login(people.committee)
    page = en_client.get(reverse("planning:plan_detail", args=[plan.pk]))
    assert page.status_code == 200
    text = " ".join(page.text.split())
    with translation.override("en"):
        au, ks, kf = (date_format(day, "SHORT_DATE_FORMAT") for day in (AU_DAY, KS_DAY, KF_DAY))
    steps = [
        f"Arbetsutskottet, {au} § 109: left open",
        f"Kommunstyrelsen, {ks} § 120: proposes that it be decided",
        f"Kommunfullmäktige, {kf} § 45, reg. no. KS 2023/77: decided",
    ]
    positions = [text.find(step) for step in steps]
    assert -1 not in positions, text[text.find("Decision process") :][:800]
    assert positions == sorted(positions)
    assert "Record the next step" not in page.text  # a committee member only reads


def test_the_planner_records_a_step_on_the_plan_page(en_client, people, plan):
    en_client.force_login(people.planner)
    url = reverse("planning:decision_step_add", args=[plan.pk])
    response = en_client.post(
        url,
        {
            "kind": "preparation",
            "body": "Arbetsutskottet",
            "held_on": "2023-05-02",
            "paragraph": "§ 109",
            "outcome": "left_open",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "The step was recorded." in response.text
    assert plan.decision_steps.get().paragraph == "§ 109"


def test_a_refused_step_shows_the_page_with_the_field_named_and_saves_nothing(
    en_client, people, plan
):
    au_left_open(plan)
    en_client.force_login(people.planner)
    response = en_client.post(
        reverse("planning:decision_step_add", args=[plan.pk]),
        {"kind": "decision", "body": "KS", "held_on": "2023-04-01", "outcome": "decided"},
    )
    assert response.status_code == 200
    assert "Please correct the following" in response.text
    assert "before the previous one" in response.text
    assert plan.decision_steps.count() == 1
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


@pytest.mark.parametrize("role", ["committee", "own_manager", "other_manager"])
def test_only_those_who_edit_the_plan_record_steps(client, people, plan, role):
    client.force_login(getattr(people, role))
    step = au_left_open(plan)
    add = client.post(
        reverse("planning:decision_step_add", args=[plan.pk]),
        {"kind": "preparation", "body": "AU", "held_on": "2023-06-01", "outcome": "proposes"},
    )
    delete = client.post(reverse("planning:decision_step_delete", args=[plan.pk, step.pk]))
    assert (add.status_code, delete.status_code) == (404, 404)
    assert plan.decision_steps.count() == 1


def test_the_report_and_its_pdf_show_the_decision_process(plan, organisation):
    three_steps(plan)
    period = periods_ensure_year(organisation=organisation, year=2023, actor=None)[0]
    with translation.override("en"):
        report = follow_up_report(plan, period)
        text = pdf_text(report_pdf(report).content)
    assert [step.text.split(",")[0] for step in report.decision_steps] == [
        "Arbetsutskottet",
        "Kommunstyrelsen",
        "Kommunfullmäktige",
    ]
    for line in report.decision_steps:
        assert squash(line.text) in text


def test_a_planning_programme_is_a_kind_of_plan():
    assert Plan.Kind.PLANNING_PROGRAMME in Plan.Kind.values


def test_the_step_that_decided_the_plan_offers_no_removal_while_it_is_decided(
    en_client, people, plan
):
    last = three_steps(plan)
    en_client.force_login(people.planner)
    page = en_client.get(reverse("planning:plan_detail", args=[plan.pk]))
    assert "Record the next step" in page.text
    assert reverse("planning:decision_step_delete", args=[plan.pk, last.pk]) not in page.text
    plan.refresh_from_db()
    plan_set_status(plan=plan, status=Plan.Status.DRAFT, actor=None, expected_version=None)
    page = en_client.get(reverse("planning:plan_detail", args=[plan.pk]))
    assert reverse("planning:decision_step_delete", args=[plan.pk, last.pk]) in page.text
