"""What the background worker writes to a report job while it renders it: started, progress,
finished or failed. The person who asks for a job does so through `reports.services`."""

import logging
import traceback

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.versioning import save_validated
from reports.models import ReportJob

logger = logging.getLogger(__name__)
ERROR_MAX_CHARS = 2000


@transaction.atomic
def report_job_start(*, job: ReportJob) -> ReportJob:
    """The worker took the job."""
    job.status, job.progress, job.error = ReportJob.Status.RUNNING, 0, ""
    job.started_at, job.finished_at = timezone.now(), None
    job.attempts += 1
    return save_validated(job, actor=None)


def report_job_progress(*, job: ReportJob, progress: int) -> None:
    """Record how far the worker is (0-100); never goes backwards, one cheap UPDATE."""
    progress = max(0, min(100, int(progress)))
    if progress <= job.progress:
        return
    job.progress = progress
    ReportJob.objects.filter(pk=job.pk, progress__lt=progress).update(progress=progress)


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
