"""Exports of large plans are made by the background worker, not while the request waits.

A plan of more than EXPORT_BACKGROUND_ROWS rows: the export link shows a page that offers to
make the file in the background; the POST queues a job for the worker; the job's page follows
it and then offers the download, the asker's only; the file equals the one an immediate
download gives. A failed job says why and can be tried again; one whose worker died is failed
by the reconciliation; finished ones are swept away after EXPORT_KEPT_SECONDS.
"""

import csv
import io
import zipfile
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from core.worker import WORKER_LOST
from indicators.models import Indicator
from indicators.services import measurement_record
from planning.models import Role
from planning.services import membership_grant
from tests.planning.test_admin import admin_url
from tests.worker_process import SharedDatabase, WorkerProcess, wait_for
from transfer import export_jobs
from transfer.export_jobs import (
    export_jobs_reconcile,
    export_jobs_sweep,
    failure_reason,
    worker_lost_reason,
)
from transfer.models import ExportJob
from transfer.services import export_job_request
from transfer.tasks import make_export

HTMX = {"HX-Request": "true"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GENDERS = ("T", "K", "M")


def member(django_user_model, organisation, unit, role: str, username: str):
    user = django_user_model.objects.create_user(username, password="pw")
    membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=None)
    return user


@pytest.fixture
def planner(django_user_model, organisation, units):
    return member(django_user_model, organisation, units["operation"], Role.PLANNER, "planner")


@pytest.fixture
def committee_member(django_user_model, organisation, units):
    return member(
        django_user_model, organisation, units["committee"], Role.COMMITTEE_MEMBER, "ledamot"
    )


@pytest.fixture
def measured(plan, indicator, activity, periods):
    """The plan: a goal, an indicator, an activity and nine values (12 rows to export)."""
    for period in periods:
        for gender in GENDERS:
            measurement_record(
                indicator=indicator, period=period, gender=gender, value=D("72.5"), actor=None
            )
    return plan


@pytest.fixture
def large(settings):
    """Every plan with more than 5 rows is large."""
    settings.EXPORT_BACKGROUND_ROWS = 5


def urls(plan) -> dict[str, str]:
    return {
        "xlsx": reverse("transfer:plan_export_xlsx", args=[plan.pk]),
        "zip": reverse("transfer:plan_export_zip", args=[plan.pk]),
        "csv": reverse("transfer:plan_export_csv", args=[plan.pk, "measurements"]),
    }


def job_urls(job: ExportJob) -> dict[str, str]:
    args = [job.plan_id, job.pk]
    return {
        "page": reverse("transfer:plan_export_job", args=args),
        "file": reverse("transfer:plan_export_job_file", args=args),
        "retry": reverse("transfer:plan_export_job_retry", args=args),
    }


def ask(client, url: str, capture) -> ExportJob:
    """POST the export link (the job is queued when the request's transaction commits)."""
    with capture(execute=True):
        response = client.post(url)
    job = ExportJob.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == job_urls(job)["page"]
    return job


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def members(content: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: list(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";")
            )
            for name in archive.namelist()
        }


# --- The threshold --------------------------------------------------------------------------------


def test_a_small_plan_is_downloaded_at_once(client, measured, planner, settings):
    settings.EXPORT_BACKGROUND_ROWS = 12  # the plan has 12 rows: not more
    client.force_login(planner)
    response = client.get(urls(measured)["xlsx"])
    assert response["Content-Type"] == XLSX_TYPE
    assert sheets(response.content)["Mätvärden"][1][5] == 72.5
    page = client.get(reverse("transfer:plan_transfer", args=[measured.pk])).text
    assert f'href="{urls(measured)["xlsx"]}" download>' in page
    assert not ExportJob.objects.exists()


def test_a_large_plan_offers_to_make_the_file_in_the_background(
    client, measured, planner, large, django_capture_on_commit_callbacks
):
    client.force_login(planner)
    page = client.get(reverse("transfer:plan_transfer", args=[measured.pk]), **ENGLISH).text
    # The links lead to a page, not a file: no `download` on them.
    assert f'href="{urls(measured)["xlsx"]}">' in page
    assert f'href="{urls(measured)["zip"]}">' in page
    assert f'href="{urls(measured)["csv"]}">' in page  # 9 values
    goals_csv = reverse("transfer:plan_export_csv", args=[measured.pk, "goals"])
    assert f'href="{goals_csv}" download>' in page  # one goal: at once
    assert "The plan has 12 rows to export: its files are made in the background" in page

    offer = client.get(urls(measured)["xlsx"], **ENGLISH)
    assert offer["Content-Type"].startswith("text/html")
    assert "The file has 12 rows: too many to make while you wait." in offer.text
    assert f'<form method="post" action="{urls(measured)["xlsx"]}">' in offer.text
    assert "csrfmiddlewaretoken" in offer.text
    assert not ExportJob.objects.exists()  # a GET asks for nothing

    job = ask(client, urls(measured)["xlsx"], django_capture_on_commit_callbacks)
    assert (job.format, job.kind, job.status, job.rows, job.language) == (
        "xlsx", "", "queued", 12, "sv"
    )  # fmt: skip
    assert job.filename == "verksamhetsplan-omsorg-2023.xlsx"
    assert DBTaskResult.objects.filter(id=job.task_id).exists()  # queued for the worker
    # Asked before: the offer page links to it.
    again = client.get(urls(measured)["xlsx"], **ENGLISH).text
    assert f'href="{job_urls(job)["page"]}"' in again
    # A CSV file of one kind counts that kind's rows only.
    assert client.get(urls(measured)["csv"])["Content-Type"].startswith("text/html")
    assert client.get(goals_csv)["Content-Type"] == "text/csv; charset=utf-8"


def test_the_export_post_needs_the_csrf_token(measured, planner, large):
    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    assert client.post(urls(measured)["xlsx"]).status_code == 403
    assert not ExportJob.objects.exists()


def test_an_unknown_kind_is_404_for_a_job_too(client, measured, planner, large):
    client.force_login(planner)
    url = reverse("transfer:plan_export_csv", args=[measured.pk, "users"])
    assert client.post(url).status_code == 404
    assert not ExportJob.objects.exists()


# --- The worker makes the file --------------------------------------------------------------------


def test_a_real_worker_makes_the_files_an_immediate_download_gives(
    client, transactional_db, measured, planner, settings, tmp_path
):
    """`manage.py db_worker` in a process of its own makes the workbook, the zip archive and a
    CSV file; each is read back and equals what the download gives at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EXPORT_BACKGROUND_ROWS = 5
    client.force_login(planner)
    for name, url in urls(measured).items():
        assert client.post(url).status_code == 302, name
    jobs = {job.format: job for job in ExportJob.objects.all()}
    assert sorted(jobs) == ["csv", "xlsx", "zip"]
    assert DBTaskResult.objects.count() == 3
    shared = SharedDatabase(tmp_path)
    shared.push()
    with WorkerProcess(shared.url, tmp_path / "worker.log", "--batch") as worker:
        wait_for(lambda: not worker.alive(), timeout=120, what="the exports", logs=[worker])
        assert worker.process.returncode == 0, worker.output()
    shared.pull()

    made = {}
    for file_format, job in jobs.items():
        job.refresh_from_db()
        assert (job.status, job.progress, job.attempts, job.error) == ("done", 100, 1, ""), (
            file_format
        )
        page = client.get(job_urls(job)["page"]).text
        assert f'href="{job_urls(job)["file"]}"' in page and "hx-get" not in page
        response = client.get(job_urls(job)["file"])
        assert response.status_code == 200
        assert job.filename in response["Content-Disposition"].replace("%C3%A4", "ä")
        assert int(response["Content-Length"]) == job.size == len(response.content)
        made[file_format] = response

    settings.EXPORT_BACKGROUND_ROWS = 1000  # now at once, to compare
    at_once = {name: client.get(url) for name, url in urls(measured).items()}
    for name in ("xlsx", "zip", "csv"):
        assert made[name]["Content-Type"] == at_once[name]["Content-Type"], name
        assert made[name]["Content-Disposition"] == at_once[name]["Content-Disposition"], name
    assert sheets(made["xlsx"].content) == sheets(at_once["xlsx"].content)
    assert sheets(made["xlsx"].content)["Mätvärden"][1][5] == 72.5
    assert members(made["zip"].content) == members(at_once["zip"].content)
    assert len(members(made["zip"].content)) == 6
    assert made["csv"].content == at_once["csv"].content
    assert made["csv"].content.decode("utf-8-sig").count("\r\n") == 1 + 9


def test_the_page_follows_the_progress_then_offers_the_download(
    client, measured, planner, large, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(planner)
    job = ask(client, urls(measured)["zip"], django_capture_on_commit_callbacks)
    page = job_urls(job)["page"]
    waiting = client.get(page, **ENGLISH).text
    assert "The file is waiting for the background worker." in waiting
    assert f'hx-get="{page}"' in waiting and f'href="{page}">Refresh<' in waiting  # no JS: a link

    seen, percents = [], []
    progress = export_jobs.export_job_progress

    def watched(job, done, total):
        progress(job, done, total)
        percents.append(job.progress)
        if not seen and job.progress >= 50:
            seen.append(client.get(page, headers=HTMX, **ENGLISH).text)

    monkeypatch.setattr(export_jobs, "export_job_progress", watched)
    monkeypatch.setattr("transfer.exporting.PROGRESS_EVERY", 1)  # told of every row
    assert make_export.call(job.pk) == "done"
    assert percents == sorted(percents) and 0 < percents[0] < 50 and percents[-1] == 99
    assert "The file is being made in the background." in seen[0] and "hx-get" in seen[0]
    assert "<html" not in seen[0]  # the partial only

    done = client.get(page, headers=HTMX, **ENGLISH).text
    assert "The file is ready." in done and "hx-get" not in done  # polling stops
    assert f'href="{job_urls(job)["file"]}"' in done
    # Run again (as after its worker died once the file was kept): nothing is made twice.
    finished_at = ExportJob.objects.get(pk=job.pk).finished_at
    assert make_export.call(job.pk) == "done"
    assert ExportJob.objects.get(pk=job.pk).finished_at == finished_at


# --- Who sees a job -------------------------------------------------------------------------------


def test_a_job_is_its_askers_only(
    client,
    measured,
    planner,
    committee_member,
    large,
    django_capture_on_commit_callbacks,
    django_user_model,
):
    client.force_login(committee_member)  # a reader may export too
    job = ask(client, urls(measured)["xlsx"], django_capture_on_commit_callbacks)
    make_export.call(job.pk)
    assert client.get(job_urls(job)["file"]).status_code == 200
    nobody = django_user_model.objects.create_user("nobody", password="pw")
    for other in (planner, nobody):  # the plan's planner, and someone who cannot read it
        client.force_login(other)
        for name, url in job_urls(job).items():
            response = client.post(url) if name == "retry" else client.get(url)
            assert response.status_code == 404, (other, name)
    # The asker who may no longer read the plan gets a 404 too.
    committee_member.memberships.all().delete()
    client.force_login(committee_member)
    assert client.get(job_urls(job)["file"]).status_code == 404


def queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured.captured_queries)


def test_the_job_page_asks_the_same_queries_whatever_the_rows_and_jobs(
    client, measured, indicator, planner, large, django_capture_on_commit_callbacks
):
    client.force_login(planner)
    first = ask(client, urls(measured)["xlsx"], django_capture_on_commit_callbacks)
    make_export.call(first.pk)
    counted = {
        "page": queries(client, job_urls(first)["page"]),
        "htmx": queries(client, job_urls(first)["page"], **HTMX),
        "file": queries(client, job_urls(first)["file"]),
    }
    # Five times the rows, and more of the user's jobs.
    Indicator.objects.bulk_create(
        Indicator(goal=indicator.goal, position=10 + n, name=f"Mått {n}", green_bound=50)
        for n in range(50)
    )
    for _ in range(5):
        ask(client, urls(measured)["zip"], django_capture_on_commit_callbacks)
    later = ask(client, urls(measured)["xlsx"], django_capture_on_commit_callbacks)
    make_export.call(later.pk)
    assert ExportJob.objects.get(pk=later.pk).rows == 62
    assert {
        "page": queries(client, job_urls(later)["page"]),
        "htmx": queries(client, job_urls(later)["page"], **HTMX),
        "file": queries(client, job_urls(later)["file"]),
    } == counted


# --- Failures, lost workers, old jobs -------------------------------------------------------------


def test_a_failed_job_says_why_and_can_be_tried_again(
    client, measured, planner, large, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(planner)
    job = ask(client, urls(measured)["xlsx"], django_capture_on_commit_callbacks)

    def broken(**kwargs):
        raise MemoryError("the server ran out of memory")

    monkeypatch.setattr("transfer.exporting.plan_export_xlsx", broken)
    with pytest.raises(MemoryError):
        make_export.call(job.pk)  # raised again: the task is marked failed too
    job.refresh_from_db()
    assert (job.status, job.content) == ("failed", None)
    with translation.override("sv"):  # the asker's language
        assert job.error == failure_reason(MemoryError("the server ran out of memory"))
    page = client.get(job_urls(job)["page"]).text
    assert "the server ran out of memory" in page and 'role="alert"' in page
    assert f'action="{job_urls(job)["retry"]}"' in page and "hx-get" not in page
    assert client.get(job_urls(job)["file"]).status_code == 404  # no file to download
    assert client.get(job_urls(job)["retry"]).status_code == 405

    monkeypatch.undo()
    old_task = job.task_id
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(job_urls(job)["retry"])
    assert response["Location"] == job_urls(job)["page"]
    job.refresh_from_db()
    assert (job.status, job.error, job.progress) == ("queued", "", 0)
    assert job.task_id and job.task_id != old_task  # a new task for the worker
    assert make_export.call(job.pk) == "done"
    assert sheets(client.get(job_urls(job)["file"]).content)["Mätvärden"][1][5] == 72.5
    # Only a failed job is tried again.
    assert client.post(job_urls(job)["retry"]).status_code == 404


def test_a_job_whose_worker_died_fails_with_the_reason(
    client, measured, planner, large, django_capture_on_commit_callbacks
):
    client.force_login(planner)
    job = ask(client, urls(measured)["xlsx"], django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempts=2, progress=40)
    assert export_jobs_reconcile() == []  # its task has not ended: left alone
    # The worker was killed, and after its last try `core.worker` failed the task.
    DBTaskResult.objects.filter(id=job.task_id).update(
        status="FAILED", exception_class_path=WORKER_LOST
    )
    assert export_jobs_reconcile() == [job.pk]
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    with translation.override("sv"):  # the asker's language
        assert job.error == worker_lost_reason(2)
    page = client.get(job_urls(job)["page"]).text
    assert job.error in page and f'action="{job_urls(job)["retry"]}"' in page
    assert export_jobs_reconcile() == []  # failed once


def test_finished_jobs_are_swept_away_after_their_time(
    client, measured, planner, large, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_KEPT_SECONDS = 3600
    client.force_login(planner)
    old_done, old_failed, recent, waiting = (
        ask(client, urls(measured)["xlsx"], django_capture_on_commit_callbacks) for _ in range(4)
    )
    for job in (old_done, recent):
        make_export.call(job.pk)
    ExportJob.objects.filter(pk=old_failed.pk).update(status="failed", error="Fel")
    now = timezone.now()
    ExportJob.objects.filter(pk__in=[old_done.pk, old_failed.pk]).update(
        finished_at=now - timedelta(hours=2)
    )
    ExportJob.objects.filter(pk=waiting.pk).update(requested_at=now - timedelta(days=3))
    assert export_jobs_sweep() == 2
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert "transfer.export_jobs.export_jobs_sweep" in settings.WORKER_SWEEPS
    assert "transfer.export_jobs.export_jobs_reconcile" in settings.TASKS_RECONCILE


def test_the_admin_shows_exports_and_changes_nothing(admin_client, measured, planner):
    job = export_job_request(plan=measured, file_format="zip", language="sv", actor=planner)
    make_export.call(job.pk)
    assert admin.site.is_registered(ExportJob)
    changelist = admin_client.get(admin_url(ExportJob, "changelist"))
    assert changelist.status_code == 200 and "verksamhetsplan-omsorg-2023.zip" in changelist.text
    page = admin_client.get(admin_url(ExportJob, "change", job.pk))
    assert page.status_code == 200 and b'type="submit" value="Save"' not in page.content
    assert admin_client.get(admin_url(ExportJob, "add")).status_code == 403
    assert admin_client.get(admin_url(ExportJob, "delete", job.pk)).status_code == 403
    assert admin_client.post(admin_url(ExportJob, "change", job.pk), {"rows": 1}).status_code == 403
