"""Exports too large to make while the request waits: what the background worker does with them.

The export links hand a plan of more than `EXPORT_BACKGROUND_ROWS` rows to the worker
(`transfer.services.export_job_request`, `transfer.tasks.make_export`); `export_job_run` is what
the worker does: it makes the file with the same functions as an immediate download
(`transfer.exporting`), tells the page how far it is (`export_job_progress`, one cheap UPDATE
when the percent moves) and keeps the file in the job's row, in the database, so that any
application server can serve it. A failure is recorded on the job with its reason.

`export_jobs_reconcile` fails the jobs whose task ended without them (a worker killed in the
middle, after its last try): the worker calls it every sweep (`TASKS_RECONCILE`).
`export_jobs_sweep` removes finished jobs and their files `EXPORT_KEPT_SECONDS` after they
finished (`WORKER_SWEEPS`).
"""

import logging
import traceback
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.worker import WORKER_LOST, jobs_reconcile
from transfer.exporting import plan_export
from transfer.models import ExportJob

logger = logging.getLogger(__name__)
ERROR_MAX_CHARS = 2000
OPEN = [ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]


def _set(job: ExportJob, **values) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    ExportJob.objects.filter(pk=job.pk).update(**values)


def export_job_start(job: ExportJob) -> None:
    """The worker took the job."""
    _set(
        job,
        status=ExportJob.Status.RUNNING,
        progress=0,
        error="",
        started_at=timezone.now(),
        finished_at=None,
        attempts=job.attempts + 1,
    )


def export_job_progress(job: ExportJob, done: int, total: int) -> None:
    """Record how far the worker is; one UPDATE when the percent moved, never backwards."""
    percent = min(99, 100 * done // max(total, 1))
    if percent > job.progress:
        job.progress = percent
        ExportJob.objects.filter(pk=job.pk, progress__lt=percent).update(progress=percent)


def export_job_run(job: ExportJob) -> None:
    """Make the job's file and keep it (see the module's docstring)."""
    export_job_start(job)
    content = plan_export(
        plan=job.plan,
        file_format=job.format,
        kind=job.kind,
        language=job.language,
        progress=lambda done, total: export_job_progress(job, done, total),
    )
    _set(
        job,
        status=ExportJob.Status.DONE,
        progress=100,
        content=content,
        size=len(content),
        finished_at=timezone.now(),
    )


def _fail(job: ExportJob, reason: str) -> None:
    _set(
        job,
        status=ExportJob.Status.FAILED,
        error=reason[:ERROR_MAX_CHARS],
        finished_at=timezone.now(),
    )


def failure_reason(error: BaseException) -> str:
    """Why an export failed, for the person who asked: the error's type and message."""
    message = str(error).strip() or type(error).__name__
    return _("The file could not be made: %(reason)s") % {
        "reason": f"{type(error).__name__}: {message}"[:ERROR_MAX_CHARS]
    }


def export_job_fail(job: ExportJob, error: BaseException) -> None:
    """Mark the job failed with the reason; the traceback goes to the log."""
    logger.error("Export job %s failed:\n%s", job.pk, "".join(traceback.format_exception(error)))
    _fail(job, failure_reason(error))


def worker_lost_reason(attempts: int) -> str:
    return _(
        "The background worker stopped while making the file (attempt %(attempts)d), for "
        "example because the server was restarted. Try again."
    ) % {"attempts": attempts}


def export_jobs_reconcile() -> list[int]:
    """Fail the queued or running jobs whose task has ended without them; their ids."""
    return jobs_reconcile(ExportJob.objects.filter(status__in=OPEN).defer("content"), _abandon)


def _abandon(job: ExportJob, exception_path: str) -> None:
    with translation.override(job.language):
        if exception_path == WORKER_LOST:
            reason = worker_lost_reason(max(job.attempts, 1))
        else:
            name = exception_path.rsplit(".", 1)[-1] or _("unknown error")
            reason = _("The file could not be made: %(reason)s") % {"reason": name}
    logger.warning("Export job %s failed: %s", job.pk, reason)
    _fail(job, reason)


def export_jobs_sweep(now: datetime | None = None) -> int:
    """Remove the jobs (and their files) finished more than EXPORT_KEPT_SECONDS ago; how many.

    Asked every sweep: it writes only when there is something to remove."""
    before = (now or timezone.now()) - timedelta(seconds=settings.EXPORT_KEPT_SECONDS)
    old = ExportJob.objects.filter(
        status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED], finished_at__lt=before
    )
    ids = list(old.values_list("pk", flat=True))
    if not ids:
        return 0
    removed, _by_model = ExportJob.objects.filter(pk__in=ids).delete()
    logger.info("Removed %d exports finished before %s.", removed, before.isoformat())
    return removed
