"""Follow-up periods: the parts of a year in which an organisation follows up its plans."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from planning.models.organisations import FollowUpScheme, Organisation, year_validators


class FollowUpPeriod(models.Model):
    """A period of a year in which an organisation follows up its plans: T1, T2, T3 (year-end).

    Half-years and quarters are available to organisations that follow up that way.
    """

    class Kind(models.TextChoices):
        T1 = "T1", _("Tertial 1")
        T2 = "T2", _("Tertial 2")
        T3 = "T3", _("Year-end (tertial 3)")
        H1 = "H1", _("Half-year 1")
        H2 = "H2", _("Year-end (half-year 2)")
        Q1 = "Q1", _("Quarter 1")
        Q2 = "Q2", _("Quarter 2")
        Q3 = "Q3", _("Quarter 3")
        Q4 = "Q4", _("Year-end (quarter 4)")

    # kind -> (scheme, ordinal, first month, last month)
    LAYOUT = {
        "T1": (FollowUpScheme.TERTIAL, 1, 1, 4),
        "T2": (FollowUpScheme.TERTIAL, 2, 5, 8),
        "T3": (FollowUpScheme.TERTIAL, 3, 9, 12),
        "H1": (FollowUpScheme.HALF_YEAR, 1, 1, 6),
        "H2": (FollowUpScheme.HALF_YEAR, 2, 7, 12),
        "Q1": (FollowUpScheme.QUARTER, 1, 1, 3),
        "Q2": (FollowUpScheme.QUARTER, 2, 4, 6),
        "Q3": (FollowUpScheme.QUARTER, 3, 7, 9),
        "Q4": (FollowUpScheme.QUARTER, 4, 10, 12),
    }

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    kind = models.CharField(_("period"), max_length=2, choices=Kind)
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
        ordering = ["organisation__name", "year", "starts_on"]
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
        return f"{self.kind} {self.year}"

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
        if self.kind and self.organisation_id:
            scheme = self.LAYOUT[self.kind][0]
            if scheme != self.organisation.follow_up_scheme:
                errors["kind"] = _(
                    "%(organisation)s follows up by %(scheme)s; this period does not belong to it."
                ) % {
                    "organisation": self.organisation,
                    "scheme": FollowUpScheme(self.organisation.follow_up_scheme).label,
                }
        if errors:
            raise ValidationError(errors)

    @classmethod
    def kinds_for(cls, scheme: str) -> list[str]:
        return [kind for kind, layout in cls.LAYOUT.items() if layout[0] == scheme]

    @classmethod
    def default_dates(cls, year: int, kind: str) -> tuple[datetime.date, datetime.date]:
        _scheme, _ordinal, first_month, last_month = cls.LAYOUT[kind]
        start = datetime.date(year, first_month, 1)
        if last_month == 12:
            end = datetime.date(year, 12, 31)
        else:
            end = datetime.date(year, last_month + 1, 1) - datetime.timedelta(days=1)
        return start, end

    @property
    def ordinal(self) -> int:
        return self.LAYOUT[self.kind][1]

    @property
    def is_year_end(self) -> bool:
        return self.LAYOUT[self.kind][3] == 12
