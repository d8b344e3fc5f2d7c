"""Imports between their upload and their end: whose, for which plan, and how far.

An `ImportJob` is made when files are uploaded for an import. Its files wait in a private
folder named by its token (`transfer.pending`) until the import is confirmed, cancelled or
swept away after `IMPORT_PENDING_SECONDS`. Small imports are previewed and imported while the
request waits; large ones (more than `IMPORT_BACKGROUND_ROWS` rows) by the background worker
(`transfer.tasks.run_import`), first the preview, then, once confirmed, the import. An import
is all or nothing: the job is marked done in the same transaction that saves the rows, so a
worker that dies after saving never imports the files twice.

An `ExportJob` is a plan's export made by the background worker, for plans of more than
`EXPORT_BACKGROUND_ROWS` rows (smaller ones are downloaded while the request waits).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from planning.models import Plan


class ImportJob(models.Model):
    """Uploaded files on their way into a plan (see the module's docstring)."""

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        IMPORT = "import", _("Import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("plan")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    language = models.CharField(_("language"), max_length=10)
    file_names = models.JSONField(_("files"), default=list)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    background = models.BooleanField(_("in the background"), default=False)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, default=Stage.PREVIEW)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    confirmable = models.BooleanField(
        _("can be confirmed"),
        default=False,
        help_text=_("The preview found no problem and something to change."),
    )
    created = models.PositiveIntegerField(_("rows created"), default=0)
    changed = models.PositiveIntegerField(_("rows changed"), default=0)
    unchanged = models.PositiveIntegerField(_("rows left as they were"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="import_job_failed_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.get_stage_display()}: {self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_imported(self) -> bool:
        return self.stage == self.Stage.IMPORT and self.status == self.Status.DONE


class ExportJob(models.Model):
    """A plan's export made by the background worker: a plan too large to export while the
    request waits (more than `EXPORT_BACKGROUND_ROWS` rows).

    The file is kept in the database (`content`), as a background report's PDF is, so that
    every application server can serve it whichever machine's worker made it; the worker
    removes it `EXPORT_KEPT_SECONDS` after it was finished (`transfer.export_jobs`). Only the
    person who asked for it sees it, while they may read the plan.
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook")
        ZIP = "zip", _("CSV files in a zip archive")
        CSV = "csv", _("CSV file")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("plan")
    )
    format = models.CharField(_("format"), max_length=10, choices=Format)
    kind = models.CharField(
        _("kind of rows"), max_length=30, blank=True, help_text=_("The CSV file's kind of rows.")
    )
    language = models.CharField(_("language"), max_length=10)
    filename = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    error = models.TextField(_("error"), blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("bytes"), null=True, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_job_progress_max"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(content__isnull=False),
                name="export_job_done_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="export_job_failed_says_why"
            ),
            models.CheckConstraint(
                condition=Q(format="csv", kind__gt="") | (~Q(format="csv") & Q(kind="")),
                name="export_job_csv_has_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
