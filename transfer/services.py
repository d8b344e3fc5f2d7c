"""Import and export of a plan as spreadsheet files: the services behind the transfer pages.

Export: one Excel workbook with a sheet per kind of row (goals, indicators, activities, activity
statuses, measurements), or one CSV file per kind, headers in the user's language. Import reads
the same format (headers in any of our languages) through the resources of
`transfer.resources`, in one transaction: a preview runs every row and rolls everything back;
applying keeps the changes only if no row has a problem. Exporting and importing a plan changes
nothing.

Files are measured before they are read and read as streams (`resources.limits`,
`resources.xlsx`): a file over a limit is refused at once. Between the preview and the
confirmation the uploaded files wait on the server (`pending`), their uploader's only: the
confirmation reads them again and never trusts what the browser sends back. An import of more
than IMPORT_BACKGROUND_ROWS rows is previewed and imported by the background worker (`jobs`,
`tasks`); statuses and values are written only in periods open for reporting whose report is
not published (`resources.records`). An export of more than EXPORT_BACKGROUND_ROWS rows is made
by the worker too (`export_job_request`, `export_jobs`), the file kept for its asker.
"""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.versioning import Actor, save_validated
from planning.models import Plan
from transfer.exporting import (
    ZIP,
    csv_filename,
    export_filename,
    export_row_counts,
    export_table,
    plan_export,
    plan_export_csv,
    plan_export_csv_zip,
    plan_export_xlsx,
)
from transfer.importing import plan_import
from transfer.jobs import import_job_confirm_stage
from transfer.models import ExportJob, ImportJob
from transfer.pending import (
    pending_discard,
    pending_files,
    pending_job,
    pending_report,
    pending_save,
    pending_sweep,
    progress_read,
)
from transfer.report import ImportReport, RowReport, SheetReport
from transfer.resources import KINDS
from transfer.resources.files import CSV, XLSX, UploadedFile, read_files
from transfer.resources.limits import FileRefused, Limits
from transfer.tasks import make_export, run_import

__all__ = [
    "CSV",
    "XLSX",
    "ZIP",
    "ExportJob",
    "ImportJob",
    "ImportReport",
    "Limits",
    "RowReport",
    "SheetReport",
    "Upload",
    "UploadedFile",
    "csv_filename",
    "export_filename",
    "export_in_background",
    "export_job_filename",
    "export_job_request",
    "export_job_retry",
    "export_rows",
    "export_table",
    "import_confirm",
    "import_job_enqueue",
    "import_upload",
    "pending_discard",
    "pending_files",
    "pending_job",
    "pending_report",
    "pending_sweep",
    "plan_export",
    "plan_export_csv",
    "plan_export_csv_zip",
    "plan_export_xlsx",
    "plan_import",
    "progress_read",
]


@dataclass
class Upload:
    """What an upload became: a preview made at once (`report`), and the job that keeps the
    files for the confirmation, or runs the preview in the background (`job.background`)."""

    report: ImportReport | None
    job: ImportJob | None


def import_job_enqueue(job: ImportJob) -> ImportJob:
    """Hand the job's stage to the background worker once the transaction has committed."""

    def enqueue() -> None:
        result = run_import.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)
    return job


def import_upload(*, plan: Plan, files: list[UploadedFile], actor: Actor, language: str) -> Upload:
    """Read uploaded files and preview their import: at once for a small file; in the
    background for one of more than IMPORT_BACKGROUND_ROWS rows. A file over a limit is
    refused before anything is imported (the report's errors say which limit)."""
    try:
        tables = read_files(files)
    except FileRefused as refused:
        return Upload(ImportReport(errors=refused.messages), None)
    rows = sum(len(table.rows) for table in tables)
    if rows > settings.IMPORT_BACKGROUND_ROWS:
        with transaction.atomic():
            job = pending_save(
                plan=plan, owner=actor, files=files, rows=rows, language=language, background=True
            )
            import_job_enqueue(job)
        return Upload(None, job)
    report = plan_import(plan=plan, tables=tables, actor=actor, apply=False, language=language)
    job = None
    if report.ok and report.has_changes:
        job = pending_save(
            plan=plan,
            owner=actor,
            files=files,
            rows=rows,
            language=language,
            background=False,
            report=report,
        )
    return Upload(report, job)


def import_confirm(*, job: ImportJob, actor: Actor) -> ImportReport | None:
    """Import a previewed job's files, all or nothing: a small one at once (its report; the
    job is used up), a large one by the worker (None: the job page follows it). None too when
    the job is not waiting for confirmation any more (confirmed twice at once, expired)."""
    if job.background:
        with transaction.atomic():
            if import_job_confirm_stage(job):
                import_job_enqueue(job)
        return None
    files = pending_files(job)
    previewed = pending_report(job)
    used, _deleted = ImportJob.objects.filter(pk=job.pk).delete()
    pending_discard(job)
    if not used or files is None or previewed is None:
        return None
    return plan_import(
        plan=job.plan,
        files=files,
        actor=actor,
        apply=True,
        language=job.language,
        expected_versions=previewed.versions,
    )


# --- Exports made in the background ---------------------------------------------------------------


def export_rows(plan: Plan, kind: str = "") -> int:
    """The rows of the plan's export: of one kind (a CSV file), or of all (one query)."""
    return sum(export_row_counts(plan, [kind] if kind else KINDS).values())


def export_in_background(rows: int) -> bool:
    """Whether an export of `rows` rows is made by the worker rather than in the request."""
    return rows > settings.EXPORT_BACKGROUND_ROWS


def export_job_filename(plan: Plan, file_format: str, kind: str, language: str) -> str:
    """The file's name, as an immediate download names it."""
    if file_format == ExportJob.Format.CSV:
        return csv_filename(plan, kind, language)
    return export_filename(plan, XLSX if file_format == ExportJob.Format.XLSX else ZIP)


def _enqueue(job_pk: int) -> None:
    result = make_export.enqueue(job_pk)
    ExportJob.objects.filter(pk=job_pk).update(task_id=str(result.id)[:64])


@transaction.atomic
def export_job_request(
    *, plan: Plan, file_format: str, kind: str = "", language: str, actor: Actor
) -> ExportJob:
    """Ask the background worker for the plan's export as a file (`ExportJob.Format`; a CSV
    file of one kind of rows). Queued when the transaction commits; `manage.py db_worker` makes
    it. ValidationError for a format or kind that is not exported."""
    if file_format not in ExportJob.Format.values:
        raise ValidationError(_("There is no such export."))
    kind = kind if file_format == ExportJob.Format.CSV else ""
    if file_format == ExportJob.Format.CSV and kind not in KINDS:
        raise ValidationError(_("There is no such export."))
    job = save_validated(
        ExportJob(
            plan=plan,
            format=file_format,
            kind=kind,
            language=language,
            filename=export_job_filename(plan, file_format, kind, language),
            rows=export_rows(plan, kind),
            requested_by=actor,
            requested_at=timezone.now(),
        ),
        actor=actor,
    )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


@transaction.atomic
def export_job_retry(*, job: ExportJob, actor: Actor) -> ExportJob:
    """Queue a failed export again; ValidationError for a job that has not failed."""
    job = ExportJob.objects.select_for_update().defer("content").get(pk=job.pk)
    if job.status != ExportJob.Status.FAILED:
        raise ValidationError(_("Only a failed export can be tried again."))
    job.status, job.progress, job.error = ExportJob.Status.QUEUED, 0, ""
    job.started_at = job.finished_at = None
    job.task_id = ""  # the failed task's until the new one is queued (export_jobs reconciles)
    job.rows = export_rows(job.plan, job.kind)
    save_validated(job, actor=actor)
    transaction.on_commit(partial(_enqueue, job.pk))
    return job
