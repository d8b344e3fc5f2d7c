"""How values, bands, targets, periods and people are written for readers: one way for every page
and output (the overview, the report in HTML, PDF and Excel, and the reporting page)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from indicators.colour import NO_BASIS, Basis, Colour, format_value
from indicators.models import Indicator
from indicators.targets import Target
from planning.models import FollowUpPeriod

# Units whose name is not written after a value: "82" rather than "82 index".
UNWRITTEN_UNITS = {Indicator.MeasureUnit.INDEX, Indicator.MeasureUnit.NUMBER}
NO_VALUE_TEXT = "–"


@dataclass(frozen=True)
class Band:
    """A value's band as shown to people: the colour's word (with its icon by CSS) and range."""

    colour: Colour
    text: str = ""
    reason: str = ""

    @property
    def label(self) -> str:
        return self.colour.label


def band_of(indicator: Indicator, value: Decimal | None, basis: Basis = NO_BASIS) -> Band:
    """The colour of a value with the range of its band, e.g. Yellow "6,0–7,0", and why."""
    verdict = indicator.verdict(value, basis)
    return Band(verdict.colour, verdict.band, verdict.reason)


# A month's name inside a sentence ("klar i juni", "innen desember"): lower-case in Swedish
# and Norwegian, unlike the month standing alone as a label ("Juni").
MONTHS_IN_SENTENCE = {
    1: pgettext_lazy("month name in a sentence", "January"),
    2: pgettext_lazy("month name in a sentence", "February"),
    3: pgettext_lazy("month name in a sentence", "March"),
    4: pgettext_lazy("month name in a sentence", "April"),
    5: pgettext_lazy("month name in a sentence", "May"),
    6: pgettext_lazy("month name in a sentence", "June"),
    7: pgettext_lazy("month name in a sentence", "July"),
    8: pgettext_lazy("month name in a sentence", "August"),
    9: pgettext_lazy("month name in a sentence", "September"),
    10: pgettext_lazy("month name in a sentence", "October"),
    11: pgettext_lazy("month name in a sentence", "November"),
    12: pgettext_lazy("month name in a sentence", "December"),
}


def month_in_sentence(month: int) -> str:
    """A month's name as written inside a sentence in the active language: "juni", "June"."""
    return str(MONTHS_IN_SENTENCE[month])


def date_text(day: datetime.date | None) -> str:
    """A date in the active language's short format: "2022-11-29", "29.11.2022"."""
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


def decision_text(day: datetime.date | None, paragraph: str = "") -> str:
    """A decision as a document writes it, its date in the language's format:
    "2022-11-29 § 190" in Swedish, "29.11.2022 § 190" in Norwegian."""
    return " ".join(part for part in (date_text(day), paragraph) if part)


def person_name(user) -> str:
    """A user as others see them: full name, else user name; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def period_label(period: FollowUpPeriod) -> str:
    """A period as people write it: "T1 2023"."""
    return f"{period.kind} {period.year}"


def value_text(indicator: Indicator, value: Decimal | None, empty: str = NO_VALUE_TEXT) -> str:
    """A value in the user's locale with its unit: "6,4 %", "8,0 of 10,0", "12 days", "82"
    (an index or a count is written bare); `empty` when there is no value."""
    if value is None:
        return empty
    number = format_value(value, indicator.decimals)
    if indicator.scale_max is not None:
        return _("%(value)s of %(max)s") % {
            "value": number,
            "max": format_value(indicator.scale_max, indicator.decimals),
        }
    if indicator.unit in UNWRITTEN_UNITS:
        return number
    return f"{number}\u00a0{indicator.unit_text}"


def target_label(indicator: Indicator, target: Target | None = None) -> str:
    """The target as the plan writes it, or else the target value with its unit, or else the
    kind's target in words ("Shall increase compared with 2024", "Monitored"); `target` the
    indicator's, when already worked out."""
    if indicator.target_text:
        return indicator.target_text
    if indicator.target_value is not None:
        return value_text(indicator, indicator.target_value, empty="")
    return (target or indicator.target).describe(indicator.decimals)
