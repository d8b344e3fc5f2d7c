"""The report pages: who gets what, what they show and change, and what they cost in queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

from goals.models import GoalFollowUp
from goals.services import goal_create, goal_follow_up_save
from indicators.services import measurement_record
from planning.models import Organisation, ReportReadiness
from planning.services import periods_ensure_year, plan_create
from reports.models import PublishedReport, ReportJob
from reports.selectors import report_title
from reports.services import report_job_request, report_publish
from tests.reports.conftest import pdf_text
from tests.reports.test_selectors import _add_goal

LOGIN = "login"
READERS = {
    "anonymous": LOGIN,
    "outsider": 404,
    "committee_member": 200,
    "unit_manager": 200,
    "planner": 200,
    "administrator": 200,
}
EDITORS = {**READERS, "committee_member": 404, "unit_manager": 404}
ROLES = list(READERS)


@pytest.fixture
def dummy_tasks(settings):
    """Queued tasks stay queued: no worker in these tests."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def published(followed_up, periods, planner):
    return report_publish(
        plan=followed_up,
        period=periods[0],
        decided_by="Kommunstyrelsen",
        decision_date=datetime.date(2023, 5, 30),
        decision_paragraph="§ 45",
        registration_number="2023/112-012",
        actor=planner,
    )


def _job(plan, period, user, **changes) -> ReportJob:
    job = report_job_request(
        organisation=plan.organisation, period=period, plans=[plan], language="sv", actor=user
    )
    if changes:
        ReportJob.objects.filter(pk=job.pk).update(**changes)
        job.refresh_from_db()
    return job


@pytest.fixture
def planners_job(followed_up, periods, planner, dummy_tasks):
    return _job(followed_up, periods[0], planner, status="done", progress=100, pdf=b"%PDF-1.7 x")


@pytest.fixture
def planners_failed_job(followed_up, periods, planner, dummy_tasks):
    return _job(followed_up, periods[0], planner, status="failed", error="Något gick fel")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _login(client, users, role: str) -> None:
    if role != "anonymous":
        client.force_login(users[role])


def _assert_answer(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected, response.content[:300]


# --- who gets what ------------------------------------------------------------------------------

PLAN_PAGES = {
    "report": READERS,
    "pdf": READERS,
    "excel": READERS,
    "readiness": READERS,
    "publish": EDITORS,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(PLAN_PAGES))
def test_plan_pages_answer_by_role(client, users, followed_up, periods, name, role):
    _login(client, users, role)
    response = client.get(reverse(f"reports:{name}", args=[followed_up.pk, periods[0].pk]))
    _assert_answer(response, PLAN_PAGES[name][role])


@pytest.mark.parametrize("role", ROLES)
def test_analysis_page_answers_by_role(client, users, followed_up, goal, periods, role):
    _login(client, users, role)
    url = reverse("reports:analysis", args=[followed_up.pk, periods[0].pk, goal.pk])
    _assert_answer(client.get(url), EDITORS[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["published_pdf", "published_data"])
def test_published_files_answer_by_role(client, users, published, name, role):
    _login(client, users, role)
    _assert_answer(client.get(reverse(f"reports:{name}", args=[published.pk])), READERS[role])


@pytest.mark.parametrize("role", ROLES)
def test_published_list_shows_only_visible_reports(client, users, published, role):
    _login(client, users, role)
    response = client.get(reverse("reports:published"))
    if role == "anonymous":
        _assert_answer(response, LOGIN)
        return
    assert response.status_code == 200
    assert (published.title in response.text) == (role != "outsider")


@pytest.mark.parametrize("role", ROLES)
def test_organisation_page_answers_by_role(client, users, followed_up, organisation, periods, role):
    _login(client, users, role)
    response = client.get(reverse("reports:organisation", args=[organisation.pk, periods[0].pk]))
    _assert_answer(response, READERS[role])


OWN_JOB = {**EDITORS, "administrator": 404}  # a generation belongs to whoever asked for it


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["job", "job_pdf"])
def test_job_pages_answer_only_the_one_who_asked(client, users, planners_job, name, role):
    _login(client, users, role)
    _assert_answer(client.get(reverse(f"reports:{name}", args=[planners_job.pk])), OWN_JOB[role])


@pytest.mark.parametrize("role", ROLES)
def test_retry_answers_only_the_one_who_asked(client, users, planners_failed_job, role):
    _login(client, users, role)
    response = client.post(reverse("reports:job_retry", args=[planners_failed_job.pk]))
    expected = {**OWN_JOB, "planner": 302}[role]
    _assert_answer(response, expected)
    planners_failed_job.refresh_from_db()
    assert (planners_failed_job.status == "queued") == (role == "planner")


@pytest.mark.parametrize("role", ["committee_member", "unit_manager", "planner", "administrator"])
def test_job_pages_answer_their_owner_whatever_the_role(
    client, users, followed_up, periods, dummy_tasks, role
):
    job = _job(followed_up, periods[0], users[role], status="done", pdf=b"%PDF-1.7 x")
    client.force_login(users[role])
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200
    assert client.get(reverse("reports:job_pdf", args=[job.pk])).content == b"%PDF-1.7 x"


def test_period_of_another_plan_year_is_not_found(client, planner, followed_up, organisation):
    later = periods_ensure_year(organisation=organisation, year=2030, actor=None)[0]
    client.force_login(planner)
    assert client.get(reverse("reports:report", args=[followed_up.pk, later.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [("report", "plan"), ("pdf", "plan"), ("excel", "plan"), ("published", None)],
)
def test_reading_pages_refuse_post(client, planner, followed_up, periods, name, args):
    client.force_login(planner)
    url_args = [followed_up.pk, periods[0].pk] if args else []
    assert client.post(reverse(f"reports:{name}", args=url_args)).status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_background_pdf_of_a_plan_answers_readers(
    client, users, followed_up, periods, dummy_tasks, role
):
    _login(client, users, role)
    response = client.post(reverse("reports:pdf_job", args=[followed_up.pk, periods[0].pk]))
    expected = {**READERS, **{r: 302 for r, answer in READERS.items() if answer == 200}}[role]
    _assert_answer(response, expected)
    assert ReportJob.objects.count() == (1 if expected == 302 else 0)
    if expected == 302:
        job = ReportJob.objects.get()
        assert response["Location"] == reverse("reports:job", args=[job.pk])
        assert job.title == report_title("Verksamhetsplan Omsorg 2023", periods[0])
        assert list(job.plans.all()) == [followed_up]


def test_large_report_is_made_in_the_background(client, planner, followed_up, periods, monkeypatch):
    monkeypatch.setattr("reports.pdf.IN_REQUEST_MAX_PAGES", 2)
    client.force_login(planner)
    page = client.get(reverse("reports:report", args=[followed_up.pk, periods[0].pk])).text
    background = reverse("reports:pdf_job", args=[followed_up.pk, periods[0].pk])
    assert f'action="{background}"' in page
    assert reverse("reports:pdf", args=[followed_up.pk, periods[0].pk]) + '"' not in page
    response = client.get(reverse("reports:pdf", args=[followed_up.pk, periods[0].pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=[followed_up.pk, periods[0].pk])


def test_background_pdf_refuses_get(client, planner, followed_up, periods):
    client.force_login(planner)
    url = reverse("reports:pdf_job", args=[followed_up.pk, periods[0].pk])
    assert client.get(url).status_code == 405


def test_retry_refuses_get(client, planner, planners_failed_job):
    client.force_login(planner)
    assert (
        client.get(reverse("reports:job_retry", args=[planners_failed_job.pk])).status_code == 405
    )


# --- the report page -----------------------------------------------------------------------------


def test_report_page_shows_goals_values_colours_and_links(client, planner, followed_up, periods):
    client.force_login(planner)
    response = client.get(reverse("reports:report", args=[followed_up.pk, periods[0].pk]))
    text = response.text
    assert '<span class="colour colour--yellow">Gul</span>' in text  # 76 between 70 and 80
    assert "Nöjda och friska medarbetare" in text and "HME-index" in text
    assert "Två av fem klara" in text and "Arbetet går framåt." in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img"' in text
    for name in ("pdf", "excel", "readiness", "publish"):
        assert reverse(f"reports:{name}", args=[followed_up.pk, periods[0].pk]) in text
    assert 'style="' not in text  # the CSP forbids inline styles
    assert "<script>" not in text
    assert "css/report.css" in text


def test_committee_member_sees_no_editing_links(client, committee_member, followed_up, periods):
    client.force_login(committee_member)
    text = client.get(reverse("reports:report", args=[followed_up.pk, periods[0].pk])).text
    assert reverse("reports:publish", args=[followed_up.pk, periods[0].pk]) not in text
    assert "/analysis/" not in text


def test_report_page_query_count_does_not_grow_with_goals(
    client, planner, plan, periods, units, django_assert_num_queries, settings
):
    settings.ASSEMBLED_CACHE_SECONDS = 0  # assembled at every request (test_kept_reports: kept)
    client.force_login(planner)
    url = reverse("reports:report", args=[plan.pk, periods[0].pk])
    _add_goal(plan, 1, periods, units)
    client.get(url)
    one = _queries(client, url)
    for number in range(2, 7):
        _add_goal(plan, number, periods, units)
    with django_assert_num_queries(one):
        response = client.get(url)
    assert response.text.count('class="report-goal"') == 6


@pytest.mark.parametrize("name", ["pdf", "excel"])
def test_file_query_count_does_not_grow_with_goals(
    client,
    planner,
    plan,
    periods,
    units,
    name,
    django_assert_num_queries,
    settings,
):
    settings.ASSEMBLED_CACHE_SECONDS = 0  # every part assembled every time, counted
    client.force_login(planner)
    url = reverse(f"reports:{name}", args=[plan.pk, periods[0].pk])
    _add_goal(plan, 1, periods, units)
    client.get(url)
    one = _queries(client, url)
    for number in range(2, 5):
        _add_goal(plan, number, periods, units)
    with django_assert_num_queries(one):
        client.get(url)


def test_pdf_answers_a_pdf_inline(client, planner, followed_up, periods):
    client.force_login(planner)
    response = client.get(reverse("reports:pdf", args=[followed_up.pk, periods[0].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response.content.startswith(b"%PDF-1.7")
    assert "Arbetet går framåt." in pdf_text(response.content)


def test_excel_answers_a_workbook_in_either_layout(client, planner, followed_up, periods):
    client.force_login(planner)
    url = reverse("reports:excel", args=[followed_up.pk, periods[0].pk])
    for layout, sheets in (("goals", 2), ("flat", 1)):  # goals: the summary and the goal
        response = client.get(url, {"layout": layout})
        assert response["Content-Disposition"].startswith("attachment; filename=")
        workbook = load_workbook(io.BytesIO(response.content))
        assert len(workbook.sheetnames) == sheets
    assert client.get(url, {"layout": "pie"}).status_code == 404


# --- analysis ------------------------------------------------------------------------------------


def test_planner_writes_the_analysis_and_assessment(client, planner, plan, goal, periods):
    client.force_login(planner)
    url = reverse("reports:analysis", args=[plan.pk, periods[0].pk, goal.pk])
    response = client.post(url, {"assessment": "expected", "analysis": "Det går bra."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#plan-{plan.pk}-goal-{goal.number}")
    saved = GoalFollowUp.objects.get(goal=goal, period=periods[0])
    assert (saved.assessment, saved.analysis, saved.written_by) == (
        "expected",
        "Det går bra.",
        planner,
    )
    assert saved.history.first().history_user == planner


def test_analysis_form_offers_the_five_steps(client, planner, plan, goal, periods):
    client.force_login(planner)
    text = client.get(reverse("reports:analysis", args=[plan.pk, periods[0].pk, goal.pk])).text
    for value in ("achieved", "expected", "uncertain", "not_expected", "not_achieved"):
        assert f'value="{value}"' in text
    assert '<label class="ds-label" for="id_analysis">' in text


def test_analysis_edited_meanwhile_is_not_overwritten(client, planner, plan, goal, periods):
    goal_follow_up_save(goal=goal, period=periods[0], assessment="", analysis="A", actor=None)
    client.force_login(planner)
    url = reverse("reports:analysis", args=[plan.pk, periods[0].pk, goal.pk])
    goal_follow_up_save(goal=goal, period=periods[0], assessment="", analysis="B", actor=None)
    response = client.post(url, {"assessment": "", "analysis": "C", "version": "1"})
    assert response.status_code == 200
    assert GoalFollowUp.objects.get(goal=goal).analysis == "B"
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert "C</textarea>" in response.text and "<p>B</p>" in response.text
    assert 'name="version" value="2"' in response.text


def test_first_analysis_written_meanwhile_is_not_overwritten(client, planner, plan, goal, periods):
    client.force_login(planner)
    url = reverse("reports:analysis", args=[plan.pk, periods[0].pk, goal.pk])
    assert 'name="version"' in client.get(url).text  # empty: nothing written yet
    goal_follow_up_save(goal=goal, period=periods[0], assessment="", analysis="B", actor=None)
    response = client.post(url, {"assessment": "", "analysis": "C", "version": ""})
    assert response.status_code == 200
    assert GoalFollowUp.objects.get(goal=goal).analysis == "B"


def test_analysis_of_another_plans_goal_is_not_found(client, planner, plan, periods, organisation):
    other = plan_create(
        organisation=organisation, kind="action_plan", name="Annan", start_year=2023,
        end_year=2023, actor=None,
    )  # fmt: skip
    foreign = goal_create(plan=other, number=1, title="Annat mål", actor=None)
    client.force_login(planner)
    url = reverse("reports:analysis", args=[plan.pk, periods[0].pk, foreign.pk])
    assert client.get(url).status_code == 404


# --- readiness -----------------------------------------------------------------------------------


def test_unit_manager_marks_their_unit_ready(client, unit_manager, plan, periods, units):
    client.force_login(unit_manager)
    url = reverse("reports:readiness", args=[plan.pk, periods[0].pk])
    page = client.get(url).text
    mark = _("Mark %(unit)s ready")
    assert mark % {"unit": "Hemtjänst"} in page and mark % {"unit": "IFO"} not in page
    response = client.post(url, {"unit": units["unit_a"].pk, "ready": "on"})
    assert response.status_code == 302
    mark = ReportReadiness.objects.get(plan=plan, period=periods[0])
    assert (mark.unit, mark.marked_by) == (units["unit_a"], unit_manager)
    client.post(url, {"unit": units["unit_a"].pk, "ready": ""})
    assert not ReportReadiness.objects.exists()


def test_unit_manager_cannot_mark_another_unit(client, unit_manager, plan, periods, units):
    client.force_login(unit_manager)
    url = reverse("reports:readiness", args=[plan.pk, periods[0].pk])
    assert client.post(url, {"unit": units["unit_b"].pk, "ready": "on"}).status_code == 404
    assert not ReportReadiness.objects.exists()


def test_committee_member_cannot_mark_ready(client, committee_member, plan, periods, units):
    client.force_login(committee_member)
    url = reverse("reports:readiness", args=[plan.pk, periods[0].pk])
    assert client.post(url, {"unit": units["unit_a"].pk, "ready": "on"}).status_code == 404


def test_planner_sees_which_parts_are_missing(client, planner, plan, periods, units):
    client.force_login(planner)
    client.post(
        reverse("reports:readiness", args=[plan.pk, periods[0].pk]),
        {"unit": units["unit_b"].pk, "ready": "on"},
    )
    text = client.get(reverse("reports:report", args=[plan.pk, periods[0].pk])).text
    # Among the planner's tools: which units have not marked their part ready.
    assert "Hemtjänst" in text.split('class="ds-paragraph report-readiness"', 1)[1].split("</p>")[0]
    text = client.get(reverse("reports:readiness", args=[plan.pk, periods[0].pk])).text
    missing = ngettext("%(count)s part is missing:", "%(count)s parts are missing:", 1)
    assert missing % {"count": 1} in text and "Hemtjänst." in text


# --- publishing ----------------------------------------------------------------------------------


def test_planner_publishes_with_the_decision(client, planner, followed_up, periods):
    client.force_login(planner)
    url = reverse("reports:publish", args=[followed_up.pk, periods[0].pk])
    response = client.post(
        url,
        {
            "decided_by": "Kommunstyrelsen",
            "decision_date": "2023-05-30",
            "decision_paragraph": "§ 45",
            "registration_number": "2023/112-012",
        },
    )
    assert response.status_code == 302
    published = PublishedReport.objects.get()
    assert published.decision_label == "2023-05-30 § 45"
    assert published.published_by == planner
    text = pdf_text(bytes(published.pdf))
    assert "Kommunstyrelsen 2023-05-30 § 45" in text and "2023/112-012" in text


def test_publish_form_needs_the_decision(client, planner, followed_up, periods):
    client.force_login(planner)
    url = reverse("reports:publish", args=[followed_up.pk, periods[0].pk])
    response = client.post(url, {"decided_by": "", "decision_date": ""})
    assert response.status_code == 200
    assert "ds-validation-message" in response.text
    assert not PublishedReport.objects.exists()


def test_decision_before_the_period_is_shown_at_the_field(client, planner, followed_up, periods):
    client.force_login(planner)
    url = reverse("reports:publish", args=[followed_up.pk, periods[0].pk])
    response = client.post(url, {"decided_by": "KS", "decision_date": "2022-12-01"})
    assert response.status_code == 200
    assert 'id="id_decision_date_error"' in response.text
    assert not PublishedReport.objects.exists()


def test_published_report_cannot_be_published_again(client, planner, published, periods):
    client.force_login(planner)
    url = reverse("reports:publish", args=[published.plan_id, periods[0].pk])
    page = client.get(url).text
    assert 'name="decided_by"' not in page
    client.post(url, {"decided_by": "X", "decision_date": "2023-06-01"})
    assert PublishedReport.objects.count() == 1


def test_committee_member_lists_and_downloads_published_reports(
    client, committee_member, published
):
    client.force_login(committee_member)
    listing = client.get(reverse("reports:published")).text
    assert published.title in listing and "2023/112-012" in listing
    response = client.get(reverse("reports:published_pdf", args=[published.pk]))
    assert response.content == bytes(published.pdf)
    assert response["ETag"] == f'"{published.sha256}"'
    data = client.get(reverse("reports:published_data", args=[published.pk])).json()
    assert data["pdf_sha256"] == published.sha256
    assert data["report"]["goals"][0]["indicators"][0]["value"] == "76.0000"


def test_published_list_query_count_does_not_grow(
    client, committee_member, published, followed_up, periods, planner, django_assert_num_queries
):
    client.force_login(committee_member)
    url = reverse("reports:published")
    client.get(url)
    one = _queries(client, url)
    for period in periods[1:]:
        report_publish(
            plan=followed_up,
            period=period,
            decided_by="KS",
            decision_date=period.ends_on,
            actor=planner,
        )
    with django_assert_num_queries(one):
        response = client.get(url)
    assert response.text.count(reverse("reports:published_pdf", args=[published.pk])) == 1
    assert PublishedReport.objects.count() == 3


# --- the organisation's report in the background ------------------------------------------------


def test_asking_for_the_organisation_report_queues_a_job(
    client,
    planner,
    followed_up,
    organisation,
    periods,
    dummy_tasks,
    django_capture_on_commit_callbacks,
):
    client.force_login(planner)
    url = reverse("reports:organisation", args=[organisation.pk, periods[0].pk])
    assert followed_up.name in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert (job.status, job.requested_by, list(job.plans.all())) == (
        "queued",
        planner,
        [followed_up],
    )
    assert job.task_id


def test_job_page_polls_until_done(client, planner, followed_up, periods, dummy_tasks):
    job = _job(followed_up, periods[0], planner, status="running", progress=40)
    client.force_login(planner)
    url = reverse("reports:job", args=[job.pk])
    page = client.get(url).text
    assert (
        'hx-trigger="every 2s"' in page
        and '<progress id="job-progress-bar" max="100" value="40"' in page
    )
    fragment = client.get(url, headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="job-progress"') and "<html" not in fragment
    ReportJob.objects.filter(pk=job.pk).update(status="done", progress=100, pdf=b"%PDF")
    fragment = client.get(url, headers={"HX-Request": "true"}).text
    assert "hx-trigger" not in fragment
    assert reverse("reports:job_pdf", args=[job.pk]) in fragment


def test_failed_job_says_why_and_offers_a_retry(client, planner, planners_failed_job):
    client.force_login(planner)
    page = client.get(reverse("reports:job", args=[planners_failed_job.pk])).text
    assert "Något gick fel" in page
    assert reverse("reports:job_retry", args=[planners_failed_job.pk]) in page
    assert "hx-trigger" not in page


def test_unfinished_job_has_no_file(client, planner, followed_up, periods, dummy_tasks):
    job = _job(followed_up, periods[0], planner)
    client.force_login(planner)
    assert client.get(reverse("reports:job_pdf", args=[job.pk])).status_code == 404


def test_period_of_another_organisation_is_not_found(client, planner, followed_up, outsider):
    other = Organisation.objects.get(name="Annan kommun")
    foreign = periods_ensure_year(organisation=other, year=2023, actor=None)[0]
    client.force_login(planner)
    url = reverse("reports:organisation", args=[followed_up.organisation_id, foreign.pk])
    assert client.get(url).status_code == 404
    url = reverse("reports:organisation", args=[other.pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_measurements_with_decimal_comma_in_report(client, planner, plan, indicator, periods):
    measurement_record(indicator=indicator, period=periods[0], value=Decimal("79.5"), actor=None)
    client.force_login(planner)
    text = client.get(reverse("reports:report", args=[plan.pk, periods[0].pk])).text
    assert "79,5" in text
