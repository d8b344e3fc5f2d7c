"""In which follow-up periods an indicator is asked for, by how often it is measured.

A measure taken every period (or monthly, or otherwise) is asked in every period; one taken once
a year, at the year-end; one taken every second or third year, at the year-end of every second
or third year counted from the plan's first year; a measure of the year so far ("year to
date"), in every cumulative period of the scheme and at the year-end. Plain values, so the
reporting page can ask it of rows read with `values_list`.
"""

from planning.models import FollowUpPeriod

EVERY_PERIOD = "every_period"
YEARLY = "yearly"
EVERY_SECOND_YEAR = "every_second_year"
EVERY_THIRD_YEAR = "every_third_year"
YEAR_TO_DATE = "year_to_date"
MONTHLY = "monthly"
OTHER = "other"

# Measured once every n years, at the year-end.
YEARS_BETWEEN = {YEARLY: 1, EVERY_SECOND_YEAR: 2, EVERY_THIRD_YEAR: 3}


def is_asked(frequency: str, period: FollowUpPeriod, start_year: int) -> bool:
    """Whether an indicator measured `frequency` is asked for in `period`, in a plan whose
    first year is `start_year`."""
    if frequency in YEARS_BETWEEN:
        return period.is_year_end and (period.year - start_year) % YEARS_BETWEEN[frequency] == 0
    if frequency == YEAR_TO_DATE:
        return period.cumulative or period.is_year_end
    return True


def is_yearly(frequency: str) -> bool:
    """Whether the indicator is measured once a year or less often (at the year-end)."""
    return frequency in YEARS_BETWEEN
