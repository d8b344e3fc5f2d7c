"""The background worker: django-tasks-db's worker, made to outlive crashes and outages.

`manage.py db_worker` (`core.management.commands.db_worker`, which takes the place of
django-tasks-db's command of the same name and takes the same options) runs `SupervisedWorker`.
django-tasks-db 0.13 has no lease on a claimed task: a task whose worker died stays "running"
for ever, and its worker exits on the first database error. This one adds:

- a heartbeat: a thread writes the worker's `core.models.WorkerHeartbeat` row every
  `WORKER_HEARTBEAT_INTERVAL` seconds, also while a long task runs;
- recovery of lost tasks: every interval, a worker looks for running tasks whose worker has not
  beaten for `WORKER_HEARTBEAT_TIMEOUT` seconds (kill -9, a lost machine), or that it holds
  itself between two tasks (a database error while recording a result). Such a task is queued
  again until it has been tried `TASK_MAX_ATTEMPTS` times, then marked failed with `WorkerLost`;
- reconciliation: the functions named in `TASKS_RECONCILE` bring the records that follow a task
  (a report job's status) up to date with the queue, whatever way the task ended;
- housekeeping: the functions named in `WORKER_SWEEPS` run every sweep too (removing uploaded
  import files past their time);
- survival of database outages: a database error waits (0.5 s, doubling up to 30 s) and tries
  again, instead of ending the process.

A task may therefore run more than once (at least once, never lost): tasks must be safe to run
again. The process itself is kept running by a supervisor (systemd: `deploy/systemd/`).
"""

import contextlib
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import Error, close_old_connections, connections, transaction
from django.db.models import Model, QuerySet
from django.db.utils import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0
HEARTBEAT_KEPT = timedelta(days=1)  # rows of workers gone longer than this are removed


class WorkerLost(Exception):
    """The error recorded on a task whose worker stopped while running it."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=settings.WORKER_HEARTBEAT_TIMEOUT)


def live_worker_ids() -> set[str]:
    """The workers whose heartbeat is fresh."""
    since = timezone.now() - heartbeat_timeout()
    return set(
        WorkerHeartbeat.objects.filter(beat_at__gte=since).values_list("worker_id", flat=True)
    )


def a_worker_is_alive() -> bool:
    """Whether any worker has beaten within the timeout (for the health check)."""
    since = timezone.now() - heartbeat_timeout()
    return WorkerHeartbeat.objects.filter(beat_at__gte=since).exists()


def _close_connections() -> None:
    """Drop this thread's database connections (broken ones raise on close: ignore that)."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Error):
            connection.close()


# --- the heartbeat ------------------------------------------------------------------------------


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat row every interval, in its own thread and connection."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id[:8]}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self.failing = False

    def beat(self) -> None:
        now = timezone.now()
        values = {"beat_at": now, "hostname": socket.gethostname()[:255], "pid": os.getpid()}
        updated = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
            started_at=self.started_at, **values
        )
        if not updated:
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id, started_at=self.started_at, **values
            )

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.beat()
            except Error as error:
                if not self.failing:
                    logger.warning("Cannot write the worker's heartbeat: %s", error)
                self.failing = True
                _close_connections()
            else:
                if self.failing:
                    logger.info("The worker's heartbeat is written again.")
                self.failing = False
            self.stopping.wait(settings.WORKER_HEARTBEAT_INTERVAL)
        _close_connections()

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=5)

    def forget(self) -> None:
        """Remove the row on a clean stop: a stopped worker is not a live one."""
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Error as error:
            logger.warning("Cannot remove the worker's heartbeat: %s", error)


# --- lost tasks ---------------------------------------------------------------------------------


def lost_task_ids(*, worker_id: str, include_others: bool) -> list[tuple[str, str]]:
    """(task id, worker id) of the running tasks whose worker is gone.

    Those `worker_id` holds itself (asked between two tasks, it runs none), and with
    `include_others` those of workers without a fresh heartbeat, claimed longer than the
    timeout ago.
    """
    alive = live_worker_ids() if include_others else set()
    claimed_before = timezone.now() - heartbeat_timeout()
    lost = []
    for task_id, worker_ids, started_at in DBTaskResult.objects.running().values_list(
        "id", "worker_ids", "started_at"
    ):
        holder = worker_ids[-1] if worker_ids else ""
        if holder == worker_id or (
            include_others
            and holder not in alive
            and (started_at is None or started_at < claimed_before)
        ):
            lost.append((str(task_id), holder))
    return lost


def release_lost_task(task_id: str, holder: str) -> str | None:
    """Queue a lost task again, or mark it failed after `TASK_MAX_ATTEMPTS` tries.

    Returns "queued", "failed", or None when another worker got to it first.
    """
    with exclusive_transaction(DBTaskResult.objects.db):
        result = (
            DBTaskResult.objects.running()
            .filter(id=task_id)
            .select_for_update(skip_locked=True)
            .first()
        )
        if result is None or (result.worker_ids or [""])[-1] != holder:
            return None
        attempts = len(result.worker_ids)
        if attempts < settings.TASK_MAX_ATTEMPTS:
            result.status, result.started_at = TaskResultStatus.READY, None
            result.save(update_fields=["status", "started_at"])
            logger.warning(
                "Task %s (%s) lost its worker %s: queued again (attempt %d of %d done).",
                task_id,
                result.task_path,
                holder,
                attempts,
                settings.TASK_MAX_ATTEMPTS,
            )
            return "queued"
        result.set_failed(
            WorkerLost(f"The worker {holder} stopped while running this task ({attempts} tries).")
        )
        logger.error("Task %s (%s) lost its worker %s: failed.", task_id, result.task_path, holder)
        return "failed"


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def ended_tasks(open_jobs: Iterable[tuple[str, int]]) -> list[tuple[int, str]]:
    """Of (task id, job id) pairs, the jobs whose task has ended, with the path of the error
    it ended with ("" if none): what a `TASKS_RECONCILE` function fails its jobs for."""
    job_of = {task_id: pk for task_id, pk in open_jobs if _is_uuid(task_id)}
    if not job_of:
        return []
    ended = DBTaskResult.objects.filter(
        id__in=list(job_of), status__in=[TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    ).values_list("id", "exception_class_path")
    return [(job_of[str(task_id)], path or "") for task_id, path in ended]


def jobs_reconcile(open_jobs: QuerySet, fail: Callable[[Model, str], None]) -> list[int]:
    """Fail the jobs of `open_jobs` (queued or running, each with its `task_id`) whose task has
    ended: each locked and still open, `fail(job, error path)` in a transaction of its own (the
    error path is `WORKER_LOST` for a worker that died). The ids of the jobs failed."""
    failed = []
    for pk, exception_path in ended_tasks(
        open_jobs.exclude(task_id="").values_list("task_id", "pk")
    ):
        with transaction.atomic():
            job = open_jobs.select_for_update().filter(pk=pk).first()
            if job is None:
                continue
            fail(job, exception_path)
            failed.append(pk)
    return failed


def reconcile() -> None:
    """Run the functions of `TASKS_RECONCILE`; a database error is raised, others logged."""
    for path in settings.TASKS_RECONCILE:
        try:
            import_string(path)()
        except Error:
            raise
        except Exception:
            logger.exception("Reconciling with %s failed.", path)


def sweep() -> None:
    """Run the housekeeping functions of `WORKER_SWEEPS` (old uploaded files...); a database
    error is raised, others logged."""
    for path in settings.WORKER_SWEEPS:
        try:
            import_string(path)()
        except Error:
            raise
        except Exception:
            logger.exception("Sweeping with %s failed.", path)


def recover(*, worker_id: str, include_others: bool) -> list[str]:
    """One sweep: release the lost tasks, reconcile, prune old heartbeats, run the
    housekeeping of `WORKER_SWEEPS`; what was done."""
    done = []
    for task_id, holder in lost_task_ids(worker_id=worker_id, include_others=include_others):
        outcome = release_lost_task(task_id, holder)
        if outcome:
            done.append(f"{task_id} {outcome}")
    reconcile()
    sweep()
    WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - HEARTBEAT_KEPT).delete()
    return done


# --- the worker ---------------------------------------------------------------------------------


class SupervisedWorker(Worker):
    """django-tasks-db's worker with a heartbeat, lost-task recovery and database back-off."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.heartbeat = Heartbeat(self.worker_id)
        self.connected_since: float | None = None
        self.last_sweep: float | None = None

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # no thundering herd of workers started together
        self.heartbeat.start()
        backoff = BACKOFF_FIRST
        try:
            while self.running:
                try:
                    if self.step():
                        return
                except Error as error:
                    if isinstance(error, OperationalError) and is_locked_database_exception(error):
                        time.sleep(self.interval or 0.1)  # SQLite is busy: it unlocks soon
                        continue
                    self.connected_since = None
                    _close_connections()
                    logger.warning(
                        "The database is unreachable (%s): trying again in %.1f s.",
                        str(error).strip() or type(error).__name__,
                        backoff,
                    )
                    time.sleep(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX)
                else:
                    backoff = BACKOFF_FIRST
        finally:
            self.heartbeat.stop()
            self.heartbeat.forget()
            _close_connections()

    def step(self) -> bool:
        """Sweep when due, then claim and run one task; True when the worker should stop."""
        close_old_connections()
        if self.connected_since is None:
            self.connected_since = time.monotonic()
        self.sweep_if_due()
        task_result, retrieved = self.claim()
        if task_result is not None:
            self.run_task(task_result)
        if self.batch and retrieved and task_result is None:
            logger.info("No more tasks to run for worker_id=%s: stopping.", self.worker_id)
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Ran %d tasks on worker_id=%s: stopping.", self._run_tasks, self.worker_id)
            return True
        close_old_connections()
        if self.running and task_result is None:
            time.sleep(self.interval)
        return False

    def sweep_if_due(self) -> None:
        now = time.monotonic()
        if self.last_sweep is not None and now - self.last_sweep < self.sweep_interval:
            return
        # Others' heartbeats are judged only after this worker has been connected for a whole
        # timeout: after an outage, the others need that long to write theirs again.
        include_others = now - self.connected_since >= settings.WORKER_HEARTBEAT_TIMEOUT
        for line in recover(worker_id=self.worker_id, include_others=include_others):
            logger.info("Recovered task %s", line)
        self.last_sweep = now

    @property
    def sweep_interval(self) -> float:
        return settings.WORKER_HEARTBEAT_INTERVAL

    def claim(self) -> tuple[DBTaskResult | None, bool]:
        """Claim the next ready task, as django-tasks-db's worker does."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None, False
                raise
        return task_result, True
