"""What the background worker writes to a report job while it renders it: started, progress,
finished or failed, and failed when its task ended without it (`report_jobs_reconcile`). The
person who asks for a job does so through `reports.services`."""

import logging
import traceback
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.versioning import save_validated
from core.worker import WORKER_LOST, jobs_reconcile
from reports.models import ReportJob

logger = logging.getLogger(__name__)
ERROR_MAX_CHARS = 2000
TENTH = Decimal("0.1")


@transaction.atomic
def report_job_start(*, job: ReportJob) -> ReportJob:
    """The worker took the job."""
    job.status, job.progress, job.error, job.pages = ReportJob.Status.RUNNING, 0, "", None
    job.started_at, job.finished_at = timezone.now(), None
    job.attempts += 1
    return save_validated(job, actor=None)


def report_job_progress(*, job: ReportJob, progress: float, pages: int | None = None) -> None:
    """Record how far the worker is (0-100, to a tenth of a percent) and, while it lays pages
    out, how many it has (`pages`, until the job is done); never goes backwards, one cheap
    UPDATE when either moved."""
    progress = min(max(Decimal(str(progress)), Decimal(0)), Decimal(100)).quantize(
        TENTH, rounding=ROUND_DOWN
    )
    changes = {}
    if progress > job.progress:
        changes["progress"] = job.progress = progress
    if pages is not None and pages > (job.pages or 0):
        changes["pages"] = job.pages = pages
    if changes:
        ReportJob.objects.filter(pk=job.pk, progress__lte=job.progress).update(**changes)


@transaction.atomic
def report_job_finish(*, job: ReportJob, content: bytes, pages: int) -> ReportJob:
    """Store the rendered PDF and mark the job done."""
    job.status, job.progress, job.pdf, job.pages = ReportJob.Status.DONE, 100, content, pages
    job.finished_at = timezone.now()
    return save_validated(job, actor=None)


def failure_reason(error: BaseException) -> str:
    """Why a generation failed, for the person who asked: the error's type and message."""
    message = str(error).strip() or type(error).__name__
    return _("The report could not be generated: %(reason)s") % {
        "reason": f"{type(error).__name__}: {message}"[:ERROR_MAX_CHARS]
    }


@transaction.atomic
def report_job_fail(*, job: ReportJob, error: BaseException) -> ReportJob:
    """Mark the job failed with the reason; the traceback goes to the log."""
    logger.error("Report job %s failed:\n%s", job.pk, "".join(traceback.format_exception(error)))
    job.status, job.error = ReportJob.Status.FAILED, failure_reason(error)
    job.finished_at = timezone.now()
    return save_validated(job, actor=None)


def worker_lost_reason(attempts: int) -> str:
    """Why a job failed whose worker stopped while rendering it (in the active language)."""
    return _(
        "The background worker stopped while generating the report (attempt %(attempts)d), "
        "for example because the server was restarted. Try again."
    ) % {"attempts": attempts}


def report_jobs_reconcile() -> list[int]:
    """Fail the queued or running jobs whose task has ended; the ids of the jobs failed.

    A task records its job's own failure, but cannot when its worker died (kill -9, a lost
    machine: `core.worker` marks the task failed after its last try) or the database was gone
    as it tried. The background worker calls this every sweep (settings.TASKS_RECONCILE), so
    such a job fails within the heartbeat timeout, saying why, and can be retried.
    """
    open_jobs = ReportJob.objects.filter(
        status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]
    )
    return jobs_reconcile(open_jobs, _abandon)


def _abandon(job: ReportJob, exception_path: str) -> None:
    """Mark a job failed whose task ended without finishing it (`jobs_reconcile` holds it
    locked and open)."""
    with translation.override(job.language):
        if exception_path == WORKER_LOST:
            reason = worker_lost_reason(max(job.attempts, 1))
        else:
            name = exception_path.rsplit(".", 1)[-1] or _("unknown error")
            reason = _("The report could not be generated: %(reason)s") % {"reason": name}
    logger.warning("Report job %s failed: %s", job.pk, reason)
    job.status, job.error = ReportJob.Status.FAILED, reason[:ERROR_MAX_CHARS]
    job.finished_at = timezone.now()
    save_validated(job, actor=None)
