"""Follow-up periods: the parts of a year in which an organisation follows up its plans."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from planning.models.organisations import Organisation, year_validators
from planning.models.schemes import month_validators, months_mask, name_in, scheme_rows


class FollowUpPeriod(models.Model):
    """A period of a year in which an organisation follows up its plans, made from a period of
    its scheme (`SchemePeriod`) and keeping a copy of it: the code, the names, whether it is
    cumulative and which months it adds, so a later change of scheme leaves it as reported."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    kind = models.CharField(_("period"), max_length=10, help_text=_("The scheme's short code."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_nb = models.CharField(_("name in Norwegian Bokmål"), max_length=100)
    name_nn = models.CharField(_("name in Norwegian Nynorsk"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    cumulative = models.BooleanField(_("cumulative from the start of the year"), default=False)
    first_new_month = models.PositiveSmallIntegerField(
        _("first month added"),
        default=1,
        validators=month_validators,
        help_text=_(
            "The first month the period adds to the year: for a cumulative period, the month "
            "after the period before it ends."
        ),
    )
    is_year_end = models.BooleanField(_("year-end"), default=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    reporting_deadline = models.DateField(
        _("reporting deadline"),
        null=True,
        blank=True,
        help_text=_("The last day for unit managers to report the period."),
    )
    is_open = models.BooleanField(
        _("open for reporting"),
        default=False,
        help_text=_("Unit managers can report activities and values while the period is open."),
    )

    class Meta:
        ordering = ["organisation__name", "year", "position", "ends_on"]
        verbose_name = _("follow-up period")
        verbose_name_plural = _("follow-up periods")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind"], name="period_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="period_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(reporting_deadline__isnull=True)
                | Q(reporting_deadline__gte=models.F("starts_on")),
                name="period_deadline_after_start",
            ),
        ]

    def __str__(self) -> str:
        # Short, for lists and history ("T1 2024"); headings use `label`.
        return f"{self.kind} {self.year}"

    def name(self, language: str | None = None) -> str:
        """The period's name in `language` (the active one by default): "Tertial 1"."""
        return name_in(self, language)

    @property
    def label(self) -> str:
        """The name and the year: "Delår 2 2026"."""
        return f"{self.name()} {self.year}"

    @property
    def months_mask(self) -> int:
        """The months the period adds to the year, as bits (see `schemes.months_mask`)."""
        return months_mask(self.first_new_month, self.ends_on.month)

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("The period must end after it starts.")
        if self.reporting_deadline and self.starts_on and self.reporting_deadline < self.starts_on:
            errors["reporting_deadline"] = _(
                "The reporting deadline cannot be before the period starts (%(start)s)."
            ) % {"start": date_format(self.starts_on, "SHORT_DATE_FORMAT")}
        if self.year and self.starts_on and self.starts_on.year != self.year:
            errors["starts_on"] = _("The period must start in its own year.")
        if self.pk is None and self.kind and self.organisation_id:
            codes = [row.code for row in scheme_rows(self.organisation)]
            if self.kind not in codes:
                errors["kind"] = _(
                    "%(organisation)s follows up in %(periods)s; %(kind)s is not a period of "
                    "its scheme."
                ) % {
                    "organisation": self.organisation,
                    "periods": ", ".join(codes),
                    "kind": self.kind,
                }
        if errors:
            raise ValidationError(errors)

    @property
    def ordinal(self) -> int:
        """The period's place in its year, from 1."""
        return self.position + 1
