"""Imports too large to run while the request waits: what the background worker does with them.

The pages hand a job's current stage (its preview, or once confirmed its import) to the worker
(`transfer.services.import_job_enqueue`, `transfer.tasks.run_import`); `import_job_run` is
what the worker does:
it reads the kept files, runs them through the same import as a small file (all or nothing, in
one transaction), tells the page how far it is (`pending.progress_write`), and keeps what the
preview found for its page. The import's job is marked done inside the transaction that saves
the rows: a worker that dies after saving, run again, finds it done and imports nothing twice;
one that dies before has saved nothing.

`import_jobs_reconcile` fails the jobs whose task ended without them (a worker killed in the
middle, after its last try): the background worker calls it every sweep (`TASKS_RECONCILE`).
"""

import logging
import traceback

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.worker import WORKER_LOST, jobs_reconcile
from transfer.importing import plan_import
from transfer.models import ImportJob
from transfer.pending import pending_files, pending_keep_report, pending_report, progress_write
from transfer.report import NEW, SKIP, UPDATE, ImportReport

logger = logging.getLogger(__name__)
ERROR_MAX_CHARS = 2000
OPEN = [ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]


def import_job_confirm_stage(job: ImportJob) -> bool:
    """The owner confirmed a previewed background job: its import is next (to be queued).
    False if it is not a preview waiting for confirmation (confirmed twice, say)."""
    values = {
        "stage": ImportJob.Stage.IMPORT,
        "status": ImportJob.Status.QUEUED,
        "error": "",
        "attempts": 0,
        "finished_at": None,
        "task_id": "",
    }
    waiting = ImportJob.objects.filter(
        pk=job.pk, stage=ImportJob.Stage.PREVIEW, status=ImportJob.Status.DONE, confirmable=True
    )
    if not waiting.update(**values):
        return False
    for name, value in values.items():
        setattr(job, name, value)
    return True


def _set(job: ImportJob, **values) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**values)


def _counts(report: ImportReport) -> dict[str, int]:
    return {
        "created": report.count(NEW),
        "changed": report.count(UPDATE),
        "unchanged": report.count(SKIP),
    }


def import_job_run(job: ImportJob) -> None:
    """Run the job's stage (see the module's docstring); failures are recorded on the job."""
    files = pending_files(job)
    if files is None:
        _fail(job, _("The uploaded files are no longer kept on the server. Upload them again."))
        return
    _set(job, status=ImportJob.Status.RUNNING, attempts=job.attempts + 1, error="")
    progress_write(job, 0, job.rows)

    def progress(done: int, total: int) -> None:
        progress_write(job, done, total)

    if job.stage == ImportJob.Stage.PREVIEW:
        report = plan_import(
            plan=job.plan,
            files=files,
            actor=job.owner,
            apply=False,
            language=job.language,
            progress=progress,
        )
        pending_keep_report(job, report)
        _set(
            job,
            status=ImportJob.Status.DONE,
            confirmable=report.ok and report.has_changes,
            finished_at=timezone.now(),
            **_counts(report),
        )
        return
    previewed = _previewed_versions(job)

    def applied(report: ImportReport) -> None:
        # Inside the import's transaction: done exactly when the rows are saved.
        _set(job, status=ImportJob.Status.DONE, finished_at=timezone.now(), **_counts(report))

    report = plan_import(
        plan=job.plan,
        files=files,
        actor=job.owner,
        apply=True,
        language=job.language,
        expected_versions=previewed,
        progress=progress,
        on_applied=applied,
    )
    if not report.applied:
        pending_keep_report(job, report)
        _fail(
            job,
            _(
                "Nothing was imported: the files no longer import without problems (someone "
                "may have changed the plan since the preview). The problems are listed below."
            ),
        )


def _previewed_versions(job: ImportJob) -> dict[str, dict[int, int]]:
    report = pending_report(job)
    return report.versions if report is not None else {}


def _fail(job: ImportJob, reason: str) -> None:
    _set(
        job,
        status=ImportJob.Status.FAILED,
        error=reason[:ERROR_MAX_CHARS],
        finished_at=timezone.now(),
    )


def failure_reason(error: BaseException) -> str:
    message = str(error).strip() or type(error).__name__
    return _("The import could not be run: %(reason)s") % {
        "reason": f"{type(error).__name__}: {message}"[:ERROR_MAX_CHARS]
    }


def import_job_fail(job: ImportJob, error: BaseException) -> None:
    """Mark the job failed with the reason; the traceback goes to the log."""
    logger.error("Import job %s failed:\n%s", job.pk, "".join(traceback.format_exception(error)))
    _fail(job, failure_reason(error))


def worker_lost_reason(attempts: int) -> str:
    return _(
        "The background worker stopped while running the import (attempt %(attempts)d), for "
        "example because the server was restarted. Nothing was imported: upload the files again."
    ) % {"attempts": attempts}


def import_jobs_reconcile() -> list[int]:
    """Fail the queued or running jobs whose task has ended without them; their ids."""
    return jobs_reconcile(ImportJob.objects.filter(status__in=OPEN), _abandon)


def _abandon(job: ImportJob, exception_path: str) -> None:
    with translation.override(job.language):
        if exception_path == WORKER_LOST:
            reason = worker_lost_reason(max(job.attempts, 1))
        else:
            name = exception_path.rsplit(".", 1)[-1] or _("unknown error")
            reason = _("The import could not be run: %(reason)s") % {"reason": name}
    logger.warning("Import job %s failed: %s", job.pk, reason)
    _fail(job, reason)
