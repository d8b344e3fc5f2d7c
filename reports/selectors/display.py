"""How values, bands, targets, periods and people are written for readers: one way for every page
and output (the overview, the report in HTML, PDF and Excel, and the reporting page)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.colour import Colour, format_value
from indicators.models import Indicator
from planning.models import FollowUpPeriod

# Units whose name is not written after a value: "82" rather than "82 index".
UNWRITTEN_UNITS = {Indicator.MeasureUnit.INDEX, Indicator.MeasureUnit.NUMBER}
NO_VALUE_TEXT = "–"


@dataclass(frozen=True)
class Band:
    """A value's band as shown to people: the colour's word (with its icon by CSS) and range."""

    colour: Colour
    text: str = ""

    @property
    def label(self) -> str:
        return self.colour.label


def band_of(indicator: Indicator, value: Decimal | None) -> Band:
    """The colour of a value with the range of its band, e.g. Yellow "6,0–7,0"."""
    colour = indicator.colour_of(value)
    if colour == Colour.NO_VALUE:
        return Band(colour)
    return Band(colour, indicator.band_texts().get(colour, ""))


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


def target_label(indicator: Indicator) -> str:
    """The target as the plan writes it, or else the target value with its unit."""
    if indicator.target_text:
        return indicator.target_text
    if indicator.target_value is not None:
        return value_text(indicator, indicator.target_value, empty="")
    return ""
