"""Imports between their upload and their end: whose, for which plan, and how far.

An `ImportJob` is made when files are uploaded for an import. Its files wait in a private
folder named by its token (`transfer.pending`) until the import is confirmed, cancelled or
swept away after `IMPORT_PENDING_SECONDS`. Small imports are previewed and imported while the
request waits; large ones (more than `IMPORT_BACKGROUND_ROWS` rows) by the background worker
(`transfer.tasks.run_import`), first the preview, then, once confirmed, the import. An import
is all or nothing: the job is marked done in the same transaction that saves the rows, so a
worker that dies after saving never imports the files twice.
"""

from django.conf import settings
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
