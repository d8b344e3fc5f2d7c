"""Large reports in the background: a real `manage.py db_worker` renders an organisation's
report; progress is recorded, failures say why and can be retried."""

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult
from weasyprint.logger import PROGRESS_LOGGER

from goals.services import goal_create
from planning.models import Plan, Role
from planning.services import (
    membership_grant,
    organisation_create,
    periods_ensure_year,
    plan_create,
    unit_create,
)
from reports import pdf_organisation, services, tasks
from reports.models import ReportJob
from reports.selectors import follow_up_report
from reports.services import report_job_request, report_job_retry
from reports.tasks import estimate_pages, layout_progress
from tests.reports.conftest import demo_period, pdf_text

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def two_plans(followed_up, organisation, units):
    """The fixture plan and a second plan of the same organisation."""
    other = plan_create(
        organisation=organisation,
        owner_unit=units["unit_b"],
        kind=Plan.Kind.ACTIVITY_PLAN,
        name="Aktivitetsplan IFO 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    goal_create(plan=other, number=1, title="Kortare väntetider", actor=None)
    return [followed_up, other]


def request_job(plans, period, user) -> ReportJob:
    return report_job_request(
        organisation=plans[0].organisation, period=period, plans=plans, language="sv", actor=user
    )


# --- in the process, with Django's immediate backend --------------------------------------------


def test_job_renders_every_plan_and_records_progress(
    settings, two_plans, periods, planner, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = IMMEDIATE
    seen, laid_out = [], []
    record = tasks.jobs.report_job_progress

    def spy(*, job, progress, pages=None):
        if pages is None:
            seen.append(progress)
        else:  # the pages laid out so far, as the chapters are laid out
            laid_out.append(pages)
        record(job=job, progress=progress, pages=pages)

    monkeypatch.setattr(tasks.jobs, "report_job_progress", spy)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_job(two_plans, periods[0], planner)
    job.refresh_from_db()
    assert (job.status, job.progress, job.error, job.attempts) == ("done", 100, "", 1)
    assert job.pages >= 5 and job.started_at <= job.finished_at
    text = pdf_text(bytes(job.pdf))
    assert "Verksamhetsplan Omsorg 2023" in text and "Aktivitetsplan IFO 2023" in text
    assert "Kortare väntetider" in text and "Testkommun" in text
    with translation.override("sv"):
        assert job.title == _("Follow-up report %(period)s: %(organisation)s") % {
            "period": "T1 2023",
            "organisation": "Testkommun",
        }
    assert seen == sorted(seen) and seen[0] <= 30 and seen[-1] >= 88
    assert len(set(seen)) >= 4  # the bar moves while the pages are laid out
    assert laid_out == sorted(laid_out) and len(set(laid_out)) >= 3
    assert laid_out[-1] < job.pages  # the chapters' pages; the cover and contents come after


def test_the_job_keeps_its_tasks_id_when_the_worker_saves_it_last(
    settings, two_plans, periods, planner, django_capture_on_commit_callbacks, monkeypatch
):
    # The request writes the task's id on the job once queued; a worker that read the job
    # before that write saves the job whole after it. Here the request's write is left out,
    # as that save would undo it.
    settings.TASKS = IMMEDIATE
    queued = []
    monkeypatch.setattr(
        services, "_enqueue", lambda job_pk: queued.append(tasks.generate_report.enqueue(job_pk))
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = request_job(two_plans, periods[0], planner)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.task_id == str(queued[0].id)


def test_the_progress_moves_within_a_chapter_before_and_after_its_layout(
    settings, two_plans, periods, planner, django_capture_on_commit_callbacks, monkeypatch
):
    """The percent stored moves at every step of a chapter's rendering, not only with its pages:
    while its HTML is built, parsed and styled before the first page is laid out, and while its
    pages are painted, its PDF written and its structure finished after the last."""
    for number, title in enumerate(["Fler i arbete", "Ett levande bibliotek", "Tryggt"], start=2):
        goal_create(plan=two_plans[1], number=number, title=title, actor=None)  # a page each
    settings.TASKS = IMMEDIATE
    recorded: list[tuple] = []  # ("chapter", index), ("percent", stored) or ("pages", n)
    record = tasks.jobs.report_job_progress

    def spy(*, job, progress, pages=None):
        record(job=job, progress=progress, pages=pages)
        if pages is None:
            stored = ReportJob.objects.values_list("progress", flat=True).get(pk=job.pk)
            recorded.append(("percent", stored))
        else:
            recorded.append(("pages", pages))

    build = pdf_organisation.report_html

    def marked(reports, **kwargs):
        if kwargs.get("part"):
            recorded.append(("chapter", reports[0].plan_name))
        return build(reports, **kwargs)

    monkeypatch.setattr(tasks.jobs, "report_job_progress", spy)
    monkeypatch.setattr(pdf_organisation, "report_html", marked)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_job(two_plans, periods[0], planner)
    job.refresh_from_db()
    assert job.status == "done", job.error
    starts = [index for index, (kind, _value) in enumerate(recorded) if kind == "chapter"]
    assert [recorded[index][1] for index in starts] == [
        "Aktivitetsplan IFO 2023",  # four goals: four pages at least
        "Verksamhetsplan Omsorg 2023",
    ]
    chapter = recorded[starts[0] + 1 : starts[1]]
    percents = [value for kind, value in chapter if kind == "percent"]
    assert percents == sorted(percents)  # never back
    pages = [(index, value) for index, (kind, value) in enumerate(chapter) if kind == "pages"]
    assert [value for _index, value in pages][-1] >= 4
    first_page, last_page = pages[0][0], pages[-1][0]
    before = {value for kind, value in chapter[:first_page] if kind == "percent"}
    after = {value for kind, value in chapter[last_page:] if kind == "percent"}
    assert len(before) >= 4  # the HTML built, the stylesheets and HTML parsed, the styles applied
    assert len(after) >= 4  # the pages painted, the PDF written, its structure finished, saved
    assert len(set(percents)) >= len(before) + len(after) + 3  # the layout too, page by page


def test_a_running_job_shows_its_percent_and_the_pages_laid_out(client, two_plans, periods,
                                                               planner, settings):  # fmt: skip
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    job = request_job(two_plans, periods[0], planner)
    tasks.jobs.report_job_start(job=job)
    tasks.jobs.report_job_progress(job=job, progress=41)
    tasks.jobs.report_job_progress(job=job, progress=0, pages=1234)
    tasks.jobs.report_job_progress(job=job, progress=40, pages=1200)  # never backwards
    job.refresh_from_db()
    assert (job.progress, job.pages) == (41, 1234)
    client.force_login(planner)
    text = client.get(reverse("reports:job", args=[job.pk]), headers={"accept-language": "en"})
    assert "41 % (1234 pages laid out)" in text.content.decode()
    tasks.jobs.report_job_start(job=job)  # a retry counts again from nothing
    job.refresh_from_db()
    assert (job.progress, job.pages) == (0, None)


def test_failed_job_says_why_and_can_be_retried(
    settings, two_plans, periods, planner, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = IMMEDIATE

    def broken(*args, **kwargs):
        raise OSError("the disk is full")

    monkeypatch.setattr(tasks, "html_to_pdf", broken)
    # An organisation's report renders its plans one by one (reports.pdf_organisation).
    monkeypatch.setattr("reports.pdf_organisation.html_to_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_job(two_plans, periods[0], planner)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "OSError: the disk is full" in job.error
    assert job.pdf is None

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        report_job_retry(job=job, actor=planner)
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == ("done", "", 2)


def test_only_a_failed_job_is_retried(settings, two_plans, periods, planner):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    job = request_job(two_plans, periods[0], planner)
    with pytest.raises(ValidationError) as error:
        report_job_retry(job=job, actor=planner)
    assert error.value.messages == [_("Only a failed generation can be retried.")]


def test_a_job_needs_a_plan(periods, planner, organisation):
    with pytest.raises(ValidationError) as error:
        report_job_request(
            organisation=organisation, period=periods[0], plans=[], language="sv", actor=planner
        )
    assert error.value.messages == [_("There is no plan to report on for this period.")]


def test_layout_progress_follows_only_its_own_thread():
    seen = []
    with layout_progress(seen.append, expected_pages=10):
        PROGRESS_LOGGER.info("Step 5 - Creating layout - Page %d", 5)
        PROGRESS_LOGGER.info("Step 6 - Creating PDF")
    assert seen == [59, 88]
    PROGRESS_LOGGER.info("Step 5 - Creating layout - Page %d", 9)
    assert seen == [59, 88]


def test_estimate_grows_with_the_report(demo):
    report = follow_up_report(demo, demo_period("T1"))
    assert estimate_pages([report]) >= 9
    assert estimate_pages([report, report]) > estimate_pages([report])


# --- a real worker process ----------------------------------------------------------------------


def _database_url(path: str | None) -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{path}"
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{settings_dict['NAME']}"


def _run_worker(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key"}
    env.pop("DEBUG", None)
    env.pop("TASKS_BACKEND", None)
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload",
         "--interval", "0", "--worker-id", "test-worker"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def run_worker_on_test_database() -> subprocess.CompletedProcess:
    """Run `manage.py db_worker --batch` against the test database until the queue is empty.

    PostgreSQL: the worker connects to the test database itself. SQLite: the test database
    lives in memory, so it is copied to a file for the worker and copied back afterwards.
    """
    if connection.vendor != "sqlite":
        return _run_worker(_database_url(None))
    connection.ensure_connection()
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "worker.sqlite3")
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        result = _run_worker(_database_url(path))
        with sqlite3.connect(path) as copy:
            copy.backup(connection.connection)
    return result


def test_real_db_worker_renders_the_organisation_report(client, transactional_db, settings):
    """The browser asks, a real `manage.py db_worker` renders, the browser downloads."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    organisation = organisation_create(name="Workerkommun", actor=None)
    committee = unit_create(organisation=organisation, name="KS", kind="committee", actor=None)
    period = periods_ensure_year(organisation=organisation, year=2023, actor=None)[0]
    for number in (1, 2):
        plan = plan_create(
            organisation=organisation,
            owner_unit=committee,
            kind=Plan.Kind.OPERATIONAL_PLAN,
            name=f"Plan {number} för Workerkommun",
            start_year=2023,
            end_year=2023,
            actor=None,
        )
        goal_create(plan=plan, number=1, title=f"Mål i plan {number}", actor=None)
    member = get_user_model().objects.create_user("ledamot-worker", password="pw")
    membership_grant(
        user=member,
        organisation=organisation,
        unit=committee,
        role=Role.COMMITTEE_MEMBER,
        actor=None,
    )
    client.force_login(member)
    response = client.post(reverse("reports:organisation", args=[organisation.pk, period.pk]))
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert job.status == "queued"
    assert DBTaskResult.objects.get().status == "READY"

    result = run_worker_on_test_database()
    assert result.returncode == 0, result.stdout + result.stderr

    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == ("done", 100, ""), job.error
    task_result = DBTaskResult.objects.get()
    assert task_result.status == "SUCCESSFUL"
    assert str(task_result.id) == job.task_id
    fragment = client.get(
        reverse("reports:job", args=[job.pk]), headers={"HX-Request": "true"}
    ).text
    assert "hx-trigger" not in fragment
    download = client.get(reverse("reports:job_pdf", args=[job.pk]))
    text = pdf_text(download.content)
    assert "Mål i plan 1" in text and "Mål i plan 2" in text and "Workerkommun" in text
