"""The background worker's recovery, in the process: the tasks of dead workers are queued again
until their last try, then failed; a report job whose task ended so is failed with the reason;
a database error makes the worker wait and try again instead of ending."""

from datetime import timedelta

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from core import worker
from core.models import WorkerHeartbeat
from core.worker import WORKER_LOST, Heartbeat, SupervisedWorker, a_worker_is_alive, recover
from opendata.tasks import opendata_sync_plan
from reports.jobs import report_jobs_reconcile, worker_lost_reason
from reports.models import ReportJob
from reports.services import report_job_request, report_job_retry

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LONG_AGO = timedelta(minutes=5)


@pytest.fixture
def queue(settings, db):
    settings.TASKS = DATABASE_BACKEND
    settings.WORKER_HEARTBEAT_TIMEOUT = 60
    settings.TASK_MAX_ATTEMPTS = 2


def running_task(worker_id: str, *, started_ago=LONG_AGO, beat_ago=LONG_AGO) -> DBTaskResult:
    """A task claimed by `worker_id`, whose heartbeat was written `beat_ago` (None: never)."""
    result = DBTaskResult.objects.get(id=opendata_sync_plan.enqueue(plan_id=0).id)
    return claimed(result, worker_id, started_ago=started_ago, beat_ago=beat_ago)


def claimed(result, worker_id, *, started_ago=LONG_AGO, beat_ago=LONG_AGO) -> DBTaskResult:
    result.claim(worker_id)
    DBTaskResult.objects.filter(id=result.id).update(started_at=timezone.now() - started_ago)
    if beat_ago is not None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": "h",
                "pid": 1,
                "started_at": timezone.now() - started_ago,
                "beat_at": timezone.now() - beat_ago,
            },
        )
    result.refresh_from_db()
    return result


def test_a_dead_workers_task_is_queued_again_then_failed_after_its_last_try(queue):
    task = running_task("dead-1")
    assert recover(worker_id="me", include_others=True) == [f"{task.id} queued"]
    task.refresh_from_db()
    assert (task.status, task.started_at, task.worker_ids) == ("READY", None, ["dead-1"])

    task = claimed(task, "dead-2")
    assert recover(worker_id="me", include_others=True) == [f"{task.id} failed"]
    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == ("FAILED", WORKER_LOST)
    assert "dead-2 stopped while running this task (2 tries)" in task.traceback


def test_a_task_without_any_heartbeat_is_lost_once_claimed_longer_than_the_timeout(queue):
    recent = running_task("never-beat-1", started_ago=timedelta(seconds=5), beat_ago=None)
    old = running_task("never-beat-2", beat_ago=None)
    assert recover(worker_id="me", include_others=True) == [f"{old.id} queued"]
    recent.refresh_from_db()
    assert recent.status == "RUNNING"


def test_a_live_workers_task_is_left_alone(queue):
    task = running_task("alive", beat_ago=timedelta(seconds=3))
    assert recover(worker_id="me", include_others=True) == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_others_are_judged_only_after_a_whole_timeout_connected_but_own_tasks_at_once(queue):
    others = running_task("dead")
    own = running_task("me", beat_ago=timedelta(seconds=0))
    # Between two tasks, a task the worker holds itself was left by a database error.
    assert recover(worker_id="me", include_others=False) == [f"{own.id} queued"]
    others.refresh_from_db()
    assert others.status == "RUNNING"


def test_old_heartbeats_are_removed_and_fresh_ones_say_a_worker_is_alive(queue):
    assert not a_worker_is_alive()
    beat = Heartbeat("w-1")
    beat.beat()
    first = WorkerHeartbeat.objects.get(worker_id="w-1")
    beat.beat()
    assert WorkerHeartbeat.objects.get(worker_id="w-1").beat_at >= first.beat_at
    assert a_worker_is_alive()
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(days=2))
    assert not a_worker_is_alive()
    recover(worker_id="me", include_others=False)
    assert not WorkerHeartbeat.objects.exists()
    beat.beat()
    beat.forget()
    assert not WorkerHeartbeat.objects.exists()


def ask(organisation, period, plan, user, language) -> ReportJob:
    return report_job_request(
        organisation=organisation, period=period, plans=[plan], language=language, actor=user
    )


@pytest.mark.parametrize(
    ("language", "words"), [("sv", "Bakgrundsarbetaren"), ("en", "The background worker")]
)
def test_a_job_whose_worker_was_lost_fails_with_the_reason_in_its_language(
    queue, settings, plan, periods, django_user_model, django_capture_on_commit_callbacks,
    language, words,
):  # fmt: skip
    settings.TASK_MAX_ATTEMPTS = 1
    user = django_user_model.objects.create_user("asker")
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(plan.organisation, periods[0], plan, user, language)
    job.refresh_from_db()
    ReportJob.objects.filter(pk=job.pk).update(status="running", progress=40, attempts=1)
    claimed(DBTaskResult.objects.get(id=job.task_id), "dead")

    recover(worker_id="me", include_others=True)  # fails the task, then reconciles the job
    job.refresh_from_db()
    assert (job.status, job.progress) == ("failed", 40)
    with translation.override(language):
        assert job.error == worker_lost_reason(1)
    assert words in job.error
    assert report_jobs_reconcile() == []  # once


def test_a_job_whose_task_failed_unrecorded_fails_with_the_errors_name(
    queue, plan, periods, django_user_model, django_capture_on_commit_callbacks, english
):
    user = django_user_model.objects.create_user("asker")
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(plan.organisation, periods[0], plan, user, "en")
        still_queued = ask(plan.organisation, periods[0], plan, user, "en")
    job.refresh_from_db()
    DBTaskResult.objects.get(id=job.task_id).set_failed(OperationalError("the server is gone"))

    assert report_jobs_reconcile() == [job.pk]
    job.refresh_from_db()
    assert job.error == "The report could not be generated: OperationalError"
    still_queued.refresh_from_db()
    assert still_queued.status == "queued"


def test_a_retried_job_is_not_failed_again_before_its_new_task_is_queued(
    queue, plan, periods, django_user_model, django_capture_on_commit_callbacks
):
    user = django_user_model.objects.create_user("asker")
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(plan.organisation, periods[0], plan, user, "sv")
    job.refresh_from_db()
    DBTaskResult.objects.get(id=job.task_id).set_failed(OperationalError("the server is gone"))
    assert report_jobs_reconcile() == [job.pk]
    job.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=False):  # committed, not yet queued
        report_job_retry(job=job, actor=user)
    assert report_jobs_reconcile() == []
    job.refresh_from_db()
    assert job.status == "queued"


def test_the_worker_waits_and_tries_again_while_the_database_is_unreachable(monkeypatch, caplog):
    monkeypatch.setattr(Heartbeat, "start", lambda self: None)
    monkeypatch.setattr(Heartbeat, "forget", lambda self: None)
    slept = []
    monkeypatch.setattr(worker.time, "sleep", slept.append)
    errors = [OperationalError("connection refused"), InterfaceError("connection closed")] * 2
    steps = []

    def step():
        steps.append(1)
        if errors:
            raise errors.pop(0)
        return True  # done, as after --batch

    supervised = SupervisedWorker(
        queue_names=["default"], interval=1, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="w", excluded_queue_names=[],
    )  # fmt: skip
    monkeypatch.setattr(supervised, "step", step)
    supervised.run()
    assert len(steps) == 5
    assert slept == [0.5, 1.0, 2.0, 4.0]
    assert caplog.text.count("The database is unreachable") == 4
