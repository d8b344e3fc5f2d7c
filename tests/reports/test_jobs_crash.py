"""A report job outlives its worker: a real `manage.py db_worker` is killed (kill -9) in the
middle of a real job; another worker notices within the heartbeat timeout and fails the job
with the reason, in the asker's language; the job page offers to try again, and that works."""

import time

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from goals.services import goal_create
from planning.models import Plan, Role
from planning.services import (
    membership_grant,
    organisation_create,
    periods_ensure_year,
    plan_create,
    unit_create,
)
from reports.jobs import worker_lost_reason
from reports.models import ReportJob
from tests.worker_process import SharedDatabase, WorkerProcess, wait_for

JOB_STATE = "SELECT status, progress FROM reports_reportjob WHERE id = %s"
HEARTBEAT = "SELECT beat_at FROM core_workerheartbeat WHERE worker_id = %s"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def ask_for_an_organisation_report(client) -> ReportJob:
    """A committee member of an organisation with two plans asks for its report."""
    organisation = organisation_create(name="Kraschkommun", actor=None)
    committee = unit_create(organisation=organisation, name="KS", kind="committee", actor=None)
    period = periods_ensure_year(organisation=organisation, year=2023, actor=None)[0]
    for number in (1, 2):
        plan = plan_create(
            organisation=organisation,
            owner_unit=committee,
            kind=Plan.Kind.OPERATIONAL_PLAN,
            name=f"Plan {number} för Kraschkommun",
            start_year=2023,
            end_year=2023,
            actor=None,
        )
        goal_create(plan=plan, number=1, title=f"Mål i plan {number}", actor=None)
    member = get_user_model().objects.create_user("ledamot-krasch", password="pw")
    membership_grant(
        user=member, organisation=organisation, unit=committee, role=Role.COMMITTEE_MEMBER,
        actor=None,
    )  # fmt: skip
    client.force_login(member)
    client.post(reverse("reports:organisation", args=[organisation.pk, period.pk]))
    return ReportJob.objects.get()


def test_a_killed_workers_job_fails_with_the_reason_and_can_be_retried(
    client, transactional_db, settings, tmp_path
):
    settings.TASKS = DATABASE_BACKEND
    job = ask_for_an_organisation_report(client)
    assert (job.status, job.language) == ("queued", "sv")
    shared = SharedDatabase(tmp_path)
    shared.push()

    # A worker whose layout steps take their time is killed while it lays the report out.
    slow = WorkerProcess(
        shared.url, tmp_path / "slow.log", DJANGO_SETTINGS_MODULE="tests.slow_worker"
    )

    def laying_out() -> bool:
        status, progress = shared.row(JOB_STATE, (job.pk,))
        return status == "running" and progress >= 30

    try:
        wait_for(laying_out, timeout=20, what="the first worker lays the report out", logs=[slow])
    finally:
        slow.kill()
    status, progress = shared.row(JOB_STATE, (job.pk,))
    assert status == "running" and 30 <= progress < 100

    # Another worker notices within the heartbeat timeout (2 s here) and fails the job (one try).
    with WorkerProcess(shared.url, tmp_path / "second.log", "--worker-id", "second") as second:
        wait_for(
            lambda: shared.row(HEARTBEAT, ("second",)),
            timeout=30, what="the second worker starts", logs=[second],
        )  # fmt: skip
        started_at = time.monotonic()
        wait_for(
            lambda: shared.row(JOB_STATE, (job.pk,))[0] == "failed",
            timeout=30, what="the second worker fails the lost job", logs=[second],
        )  # fmt: skip
        noticed_after = time.monotonic() - started_at
        assert second.alive()
    # Bounded: the heartbeat timeout (2 s here) and a sweep interval (0.2 s), with a wide margin
    # for a loaded machine: this checks that the job is noticed at all, not how fast.
    assert noticed_after < 2 + 20
    assert "failed" in second.output() and job.task_id in second.output()

    shared.pull()
    job.refresh_from_db()
    with translation.override("sv"):
        assert job.error == worker_lost_reason(1)
    page = client.get(reverse("reports:job", args=[job.pk])).text
    assert job.error in page.replace("&#x27;", "'")
    retry_url = reverse("reports:job_retry", args=[job.pk])
    assert f'action="{retry_url}"' in page

    response = client.post(retry_url)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error) == ("queued", "")

    shared.push()
    with WorkerProcess(shared.url, tmp_path / "third.log", "--batch") as third:
        wait_for(lambda: not third.alive(), timeout=60, what="the retry is rendered", logs=[third])
        assert third.process.returncode == 0, third.output()
    shared.pull()
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts, job.error) == ("done", 100, 2, "")
    assert client.get(reverse("reports:job_pdf", args=[job.pk])).status_code == 200
