"""Published follow-up reports (frozen as decided) and background generation of large reports.

The follow-up itself (values, statuses, analyses, ready marks) lives in the lower apps; a report
is assembled from them on demand (see `reports.selectors`). Only two things are stored here:
a report as the committee decided it, which never changes afterwards, and the jobs that render
large reports in the background worker.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planning.models import FollowUpPeriod, Organisation, Plan


def sha256_of(content: bytes) -> str:
    """The hex SHA-256 of `content`: the fingerprint of a frozen PDF."""
    return hashlib.sha256(content).hexdigest()


class PublishedReport(models.Model):
    """A follow-up report as the committee decided it: the PDF and its data, frozen.

    Written once by `reports.services.report_publish` and never changed afterwards: there is
    no update service, `clean` refuses a change to a stored report, and the admin is read-only.
    The decision facts are those of the committee's decision on the report (not the plan's).
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="published_reports", verbose_name=_("plan")
    )
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.PROTECT,
        related_name="published_reports",
        verbose_name=_("follow-up period"),
    )
    title = models.CharField(_("title"), max_length=400)
    language = models.CharField(_("language"), max_length=10)
    decided_by = models.CharField(
        _("decided by"), max_length=200, help_text=_("e.g. Kommunstyrelsen")
    )
    decision_date = models.DateField(_("decision date"))
    decision_paragraph = models.CharField(
        _("paragraph"), max_length=50, blank=True, help_text=_("e.g. § 45")
    )
    registration_number = models.CharField(
        _("registration number"), max_length=100, blank=True, help_text=_("e.g. 2023/112-012")
    )
    pdf = models.BinaryField(_("PDF"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    snapshot = models.JSONField(
        _("data"), editable=False, help_text=_("The data the report was made of, as published.")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_by_name = models.CharField(
        _("published by (name)"),
        max_length=300,
        help_text=_("The publisher's name as it was, kept if the account is removed."),
    )
    published_at = models.DateTimeField(_("published at"))

    history = HistoricalRecords(excluded_fields=["pdf", "snapshot"])

    class Meta:
        ordering = ["-period__year", "-period__starts_on", "plan__name"]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period"], name="published_report_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="published_report_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self._state.adding:
            raise ValidationError(_("A published report is frozen and cannot be changed."))
        errors = {}
        if self.plan_id and self.period_id:
            problem = self.plan.period_problem(self.period)
            if problem:
                errors["period"] = problem
        if self.pdf and self.sha256 != sha256_of(bytes(self.pdf)):
            errors["sha256"] = _("The fingerprint does not match the PDF.")
        if errors:
            raise ValidationError(errors)

    @property
    def decision_label(self) -> str:
        """The committee's decision as written in minutes, its date in the active language's
        format: "2023-05-30 § 45", "30.05.2023 § 45"."""
        day = formats.date_format(self.decision_date, "SHORT_DATE_FORMAT")
        return " ".join(part for part in (day, self.decision_paragraph) if part)

    @property
    def filename(self) -> str:
        return report_filename(self.plan.name, str(self.period))


def report_filename(*parts: str) -> str:
    """A safe file name for a report: its parts, with anything but letters and digits as "-"."""
    text = "-".join(parts)
    cleaned = "".join(char if char.isalnum() else "-" for char in text)
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned.strip("-")[:120] or "report"


class ReportJob(models.Model):
    """A large report rendered by the background worker (`manage.py db_worker`).

    Covers the plans of an organisation that the requester could read when asking (or one
    plan whose report is too large to render in a request); the worker keeps `progress`
    (0-100, to a tenth) up to date, and stores the PDF or why it failed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("organisation"),
    )
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("follow-up period"),
    )
    plans = models.ManyToManyField(Plan, related_name="report_jobs", verbose_name=_("plans"))
    title = models.CharField(_("title"), max_length=400)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    # In tenths of a percent: an organisation's report of thousands of pages moves by a
    # tenth every few seconds, by a whole percent only every ten or so.
    progress = models.DecimalField(
        _("progress"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    error = models.TextField(_("error"), blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("report generation")
        verbose_name_plural = _("report generations")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="report_job_progress_max"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(pdf__isnull=False), name="report_job_done_has_pdf"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="report_job_failed_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def clean(self) -> None:
        if (
            self.period_id
            and self.organisation_id
            and self.period.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"period": _("The period must belong to the report's organisation.")}
            )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def filename(self) -> str:
        return report_filename(self.organisation.name, str(self.period))


class Reminder(models.Model):
    """An e-mail about a period's reporting, sent once: to a unit manager whose unit has not
    reported before the deadline (`due_soon`) or after it (`overdue`), or to a planner when
    every unit has marked its part ready (`all_ready`). The row is what keeps the reminder job
    from sending anything twice (`reports.reminders`)."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Deadline soon")
        OVERDUE = "overdue", _("Deadline passed")
        ALL_READY = "all_ready", _("Every part ready")

    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("follow-up period"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("plan")
    )
    unit = models.ForeignKey(
        "planning.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("reminder"), max_length=20, choices=Kind)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "plan", "unit", "user", "kind"],
                condition=Q(unit__isnull=False),
                name="reminder_sent_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["period", "plan", "user", "kind"],
                condition=Q(unit__isnull=True),
                name="reminder_sent_once_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} – {self.plan} – {self.period}"
