"""In which follow-up periods an indicator is asked for, by how often it is measured.

A measure taken every period (or monthly, or otherwise) is asked in every period; one taken once
a year, at the year-end; one taken every second or third year, at the year-end of every second
or third year counted from the plan's first year; a measure of the year so far ("year to
date"), in every cumulative period of the scheme and at the year-end. Plain values, so the
reporting page can ask it of rows read with `values_list`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from planning.models import FollowUpPeriod


class Frequency(models.TextChoices):
    """How often an indicator is measured (`Indicator.frequency`)."""

    EVERY_PERIOD = "every_period", _("Every follow-up period")
    YEARLY = "yearly", _("Once a year")
    EVERY_SECOND_YEAR = "every_second_year", _("Every second year")
    EVERY_THIRD_YEAR = "every_third_year", _("Every third year")
    MONTHLY = "monthly", _("Monthly")
    YEAR_TO_DATE = "year_to_date", _("Year to date")
    OTHER = "other", _("Other")


# Measured once every n years, at the year-end.
YEARS_BETWEEN = {
    Frequency.YEARLY: 1,
    Frequency.EVERY_SECOND_YEAR: 2,
    Frequency.EVERY_THIRD_YEAR: 3,
}


def is_asked(frequency: str, period: FollowUpPeriod, start_year: int) -> bool:
    """Whether an indicator measured `frequency` is asked for in `period`, in a plan whose
    first year is `start_year`."""
    if frequency in YEARS_BETWEEN:
        return period.is_year_end and (period.year - start_year) % YEARS_BETWEEN[frequency] == 0
    if frequency == Frequency.YEAR_TO_DATE:
        return period.cumulative or period.is_year_end
    return True


def is_yearly(frequency: str) -> bool:
    """Whether the indicator is measured once a year or less often (at the year-end)."""
    return frequency in YEARS_BETWEEN
