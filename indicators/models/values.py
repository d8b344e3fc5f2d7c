"""Measured values of indicators per period, open-data reference values and sync runs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.versioning import Versioned
from indicators.colour import (
    Colour,
)
from indicators.links import NAME_LENGTH, source_choices
from indicators.models.indicators import VALUE_DIGITS, VALUE_PLACES, Indicator
from indicators.targets import KindChoice
from planning.models import (
    FollowUpPeriod,
    Organisation,
    Plan,
    Unit,
    year_validators,
)


class Gender(models.TextChoices):
    TOTAL = "T", _("Total")
    WOMEN = "K", _("Women")
    MEN = "M", _("Men")


class Origin(models.TextChoices):
    """Where a value came from: a person (MANUAL, IMPORT) or an open-data source.

    `Measurement.origin` takes its choices from `origin_choices`: these two and every
    registered source (`indicators.links`), so a new source needs no migration. KOLADA and SSB
    remain as names for code that uses them; new code asks `links.link_source(origin)`.
    """

    MANUAL = "manual", _("Entered by a person")
    IMPORT = "import", _("Imported from a file")
    KOLADA = "kolada", _("Kolada")
    SSB = "ssb", _("Statistics Norway (SSB)")


PERSON_ORIGINS = (Origin.MANUAL, Origin.IMPORT)


def origin_choices() -> list[tuple[str, str]]:
    """A value's possible origins: a person's, and the registered open-data sources."""
    return [(origin.value, origin.label) for origin in PERSON_ORIGINS] + source_choices()


class Result(models.TextChoices):
    """A result written as a judgement rather than a value."""

    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY = "partly", _("Partly fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")
    NOT_ASSESSABLE = "not_assessable", _("Cannot be assessed")
    SEE_ATTACHMENT = "see_attachment", _("See attachment")


class Measurement(Versioned):
    """A value of an indicator in a follow-up period, for the whole plan or for one unit.

    The value may be empty: the figure is known to be missing (as Kolada's "Missing").
    """

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("follow-up period"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("unit"),
        help_text=_("Leave empty for the value of the whole plan."),
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, default=Gender.TOTAL)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    result = models.CharField(
        _("result"),
        max_length=20,
        choices=Result,
        blank=True,
        help_text=_("For an indicator followed up in words: how the target stands."),
    )
    origin = models.CharField(
        _("origin"), max_length=NAME_LENGTH, choices=origin_choices, default=Origin.MANUAL
    )
    fetched_at = models.DateTimeField(
        _("fetched at"),
        null=True,
        blank=True,
        help_text=_("When the value was fetched from open data."),
    )
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period__starts_on"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "gender"],
                condition=Q(unit__isnull=True),
                name="measurement_unique_plan_value",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "unit", "gender"],
                condition=Q(unit__isnull=False),
                name="measurement_unique_unit_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} – {self.period}: {self.value}"

    @property
    def colour(self) -> Colour:
        """The value's colour as far as it needs no comparison (see `Indicator.verdict`)."""
        return self.indicator.colour_of(self.value)

    def clean(self) -> None:
        if not (self.indicator_id and self.period_id):
            return
        plan = self.indicator.goal.plan
        errors = {}
        problem = plan.period_problem(self.period)
        if problem:
            errors["period"] = problem
        if self.unit_id and not plan.is_owned_by(self.unit.organisation_id):
            # A joint plan's values may be reported for the units of every owner.
            errors["unit"] = _(
                "The unit must belong to one of the organisations that own the plan."
            )
        kind = self.indicator.kind
        if self.result and not kind.takes_result:
            errors["result"] = _(
                "%(indicator)s is followed up with a number, not a result in words: write "
                "its value, and any words in the comment."
            ) % {"indicator": self.indicator}
        if self.value is not None and not kind.takes_value:
            errors["value"] = _(
                "%(indicator)s has no measure (%(kind)s): write its result in words instead "
                "of a value."
            ) % {"indicator": self.indicator, "kind": KindChoice(kind).label}
        if errors:
            raise ValidationError(errors)


class ReferenceValue(models.Model):
    """A value to compare an indicator with in a year: the whole country's or a group's mean.

    Fetched from open data by `opendata.sync`, never typed in: Kolada's national
    value (area 0000) or the mean of the organisation's comparison group's members (Kolada), or
    KOSTRA's national or group figure (SSB). The value may be empty when the source has none.
    """

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Whole country")
        GROUP_MEAN = "group_mean", _("Mean of a municipality group")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="reference_values",
        verbose_name=_("indicator"),
    )
    kind = models.CharField(_("compared with"), max_length=20, choices=Kind)
    group = models.CharField(
        _("group"),
        max_length=20,
        blank=True,
        help_text=_("The municipality group's id, e.g. G33; empty for the whole country."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, default=Gender.TOTAL)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year", "kind", "group", "gender"]
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "kind", "group", "gender"],
                name="reference_value_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="national", group="") | (Q(kind="group_mean") & ~Q(group="")),
                name="reference_value_group_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["T", "K", "M"]), name="reference_value_gender_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} – {self.year} – {self.group or self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind == self.Kind.GROUP_MEAN and not self.group:
            raise ValidationError({"group": _("Name the group whose mean this is.")})
        if self.kind == self.Kind.NATIONAL and self.group:
            raise ValidationError({"group": _("A value for the whole country has no group.")})


class SyncRun(models.Model):
    """One open-data sync of a plan: when it ran, whether it worked, and what it changed.

    Written once, when the sync ends. A failed sync changed nothing; `message` says why it
    failed. The counts are of values (measurements and reference values) created, updated and
    left unchanged, and of values entered by a person that the sync kept.
    """

    class Status(models.TextChoices):
        OK = "ok", _("Completed")
        FAILED = "failed", _("Failed")

    # The registered open-data sources (indicators.links): a new one needs no migration.
    source = models.CharField(_("source"), max_length=NAME_LENGTH, choices=source_choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sync_runs",
        verbose_name=_("organisation"),
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sync_runs",
        verbose_name=_("plan"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
        help_text=_("Empty for a scheduled sync."),
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    status = models.CharField(_("status"), max_length=10, choices=Status)
    message = models.TextField(_("message"), blank=True)
    created = models.PositiveIntegerField(pgettext_lazy("number of values", "created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_manual = models.PositiveIntegerField(_("kept (entered by a person)"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("open-data sync")
        verbose_name_plural = _("open-data syncs")
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__gte=models.F("started_at")),
                name="sync_run_finished_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="ok") | (Q(status="failed") & ~Q(message="")),
                name="sync_run_failure_explained",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_source_display()} – {self.organisation} – {self.started_at:%Y-%m-%d %H:%M}"
        )

    def clean(self) -> None:
        errors = {}
        if self.started_at and self.finished_at and self.finished_at < self.started_at:
            errors["finished_at"] = _("A sync cannot finish before it starts.")
        if self.status == self.Status.FAILED and not self.message.strip():
            errors["message"] = _("Say why the sync failed.")
        if (
            self.plan_id
            and self.organisation_id
            and self.plan.organisation_id != self.organisation_id
        ):
            errors["plan"] = _("The plan must belong to the organisation.")
        if errors:
            raise ValidationError(errors)
