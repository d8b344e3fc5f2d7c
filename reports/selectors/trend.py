"""What a value's trend compares it with: like with like, and saying so.

- A seasonal indicator (sick leave in the summer), a year-to-date one, or any value of a
  cumulative period ("Delår 2, januari–augusti") is compared with the same period of the year
  before: the period with the same short code, else the same place in its year.
- An indicator measured once a year or less often is compared with the latest earlier year-end.
- Any other is compared with the latest earlier value (`values.latest_earlier_value`).

The comparison says what it compared: "compared with Delår 2 2025 (same period last year)".
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from indicators.frequency import Frequency, is_yearly
from indicators.models import Indicator, Measurement
from planning.models import FollowUpPeriod

SAME_PERIOD = "same_period"
YEAR_END = "year_end"
PREVIOUS = "previous"


def comparison_rule(indicator: Indicator, period: FollowUpPeriod) -> str:
    """Which earlier value the trend of `indicator`'s value of `period` compares with."""
    if indicator.seasonal or indicator.frequency == Frequency.YEAR_TO_DATE or period.cumulative:
        return SAME_PERIOD
    if is_yearly(indicator.frequency):
        return YEAR_END
    return PREVIOUS


def same_period_last_year(
    measurements: Iterable[Measurement], period: FollowUpPeriod
) -> Measurement | None:
    """The measurement of the same period a year before `period`: the same short code, else
    (a scheme that changed its codes) the same place in the year."""
    last_year = [
        m
        for m in measurements
        if m.period.year == period.year - 1 and m.period.organisation_id == period.organisation_id
    ]
    by_code = next((m for m in last_year if m.period.kind == period.kind), None)
    if by_code is not None:
        return by_code
    return next((m for m in last_year if m.period.position == period.position), None)


def previous_year_end(
    measurements: Iterable[Measurement], period: FollowUpPeriod
) -> Measurement | None:
    """The latest year-end value of a year before `period`'s."""
    earlier = [
        m
        for m in measurements
        if m.value is not None
        and m.period.is_year_end
        and m.period.year < period.year
        and m.period.organisation_id == period.organisation_id
    ]
    return max(earlier, key=lambda m: m.period.year, default=None)


def basis_text(rule: str) -> str:
    """Which earlier value a comparison took, in words: "same period last year"."""
    return {
        SAME_PERIOD: _("same period last year"),
        YEAR_END: _("previous year-end"),
        PREVIOUS: _("previous period"),
    }.get(rule, "")


def compared_text(rule: str, other: FollowUpPeriod | None) -> str:
    """What a comparison compared, in words (only the text said is translated: a report asks
    this twice for each of its indicators)."""
    if other is None:
        if rule == SAME_PERIOD:
            return _("No value of the same period last year to compare with")
        if rule == YEAR_END:
            return _("No earlier year-end value to compare with")
        return _("No earlier value to compare with")
    if rule == SAME_PERIOD:
        text = _("compared with %(period)s (same period last year)")
    elif rule == YEAR_END:
        text = _("compared with %(period)s (previous year-end)")
    else:
        text = _("compared with %(period)s (previous period)")
    return text % {"period": other.label}
