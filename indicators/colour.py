"""The colour rule: which band (red, yellow, green) a value falls in.

Bands are two bounds, each with an explicit side. The green bound says where green starts and
whether the bound value itself is green; the red bound says where red starts and whether the
bound value itself is red. Whatever lies between the two is yellow. With no red bound, the
indicator has two bands: everything that is not green is red. So every value falls in exactly
one band by construction: there is no hole as in a document's "<70 / 71-79 / >=80".

No value is its own state, never green.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NO_VALUE = "none"

    @property
    def label(self) -> str:
        """The colour in words, so that colour is never the only signal."""
        return str(COLOUR_LABELS[self])


COLOUR_LABELS = {
    Colour.GREEN: gettext_lazy("Green"),
    Colour.YELLOW: gettext_lazy("Yellow"),
    Colour.RED: gettext_lazy("Red"),
    Colour.NO_VALUE: gettext_lazy("No value"),
}


@dataclass(frozen=True)
class Bands:
    """An indicator's thresholds."""

    direction: Direction
    green_bound: Decimal
    green_inclusive: bool
    red_bound: Decimal | None = None
    red_inclusive: bool = True

    @property
    def has_yellow(self) -> bool:
        return self.red_bound is not None

    def _sign(self) -> int:
        return 1 if self.direction == Direction.HIGHER_IS_BETTER else -1

    def is_green(self, value: Decimal) -> bool:
        difference = self._sign() * (Decimal(value) - self.green_bound)
        return difference > 0 or (difference == 0 and self.green_inclusive)

    def is_red(self, value: Decimal) -> bool:
        if self.red_bound is None:
            return not self.is_green(value)
        difference = self._sign() * (Decimal(value) - self.red_bound)
        return difference < 0 or (difference == 0 and self.red_inclusive)


def evaluate(value: Decimal | int | str | None, bands: Bands) -> Colour:
    """The colour of a value: green, yellow, red, or no value."""
    if value is None:
        return Colour.NO_VALUE
    value = Decimal(value)
    if bands.is_green(value):
        return Colour.GREEN
    if bands.is_red(value):
        return Colour.RED
    return Colour.YELLOW


def problems(bands: Bands, target: Decimal | None = None) -> dict[str, str]:
    """What is inconsistent about bands and target, by field name; empty when all is well."""
    found: dict[str, str] = {}
    if bands.red_bound is not None:
        higher = bands.direction == Direction.HIGHER_IS_BETTER
        if bands.red_bound == bands.green_bound:
            found["red_bound"] = _(
                "The red and green bounds are equal, which leaves no yellow band. "
                "Leave the red bound empty for an indicator with only red and green."
            )
        elif higher and bands.red_bound > bands.green_bound:
            found["red_bound"] = _(
                "When higher is better, the red bound must be below the green bound "
                "(red %(red)s is above green %(green)s)."
            ) % {"red": format_value(bands.red_bound), "green": format_value(bands.green_bound)}
        elif not higher and bands.red_bound < bands.green_bound:
            found["red_bound"] = _(
                "When lower is better, the red bound must be above the green bound "
                "(red %(red)s is below green %(green)s)."
            ) % {"red": format_value(bands.red_bound), "green": format_value(bands.green_bound)}
    if target is not None and not bands.is_green(target):
        found["target_value"] = _(
            "The target %(target)s lies outside the green band (%(green)s). "
            "Reaching the target should mean green."
        ) % {"target": format_value(target), "green": band_texts(bands)[Colour.GREEN]}
    return found


def format_value(value: Decimal, decimals: int = 0) -> str:
    """A number in the active language: decimal comma in sv/nb/nn, grouped thousands.

    Shows at least `decimals` places and never hides a digit the value has.
    """
    value = Decimal(value)
    exponent = value.normalize().as_tuple().exponent
    places = max(decimals, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _bound_text(operator: str, value: str) -> str:
    """An operator and its number: "≥ 80"."""
    return f"{operator} {value}"


def band_texts(bands: Bands, decimals: int = 0) -> dict[Colour, str]:
    """Each band as unambiguous text, every bound with its side written:
    {"green": "≥ 80", "yellow": "≥ 70 and < 80", "red": "< 70"} (70 is yellow, 80 green).

    No bound is ever shown in two bands. Yellow is written with both of its sides, lower end
    first, joined by the language's "and" ("≥ 70 och < 80"); `indicators.thresholds` reads
    this notation back, as it reads the older "70–80". An indicator with two bands has no
    yellow entry.
    """
    higher = bands.direction == Direction.HIGHER_IS_BETTER
    green = format_value(bands.green_bound, decimals)
    if higher:
        texts = {Colour.GREEN: _bound_text("≥" if bands.green_inclusive else ">", green)}
    else:
        texts = {Colour.GREEN: _bound_text("≤" if bands.green_inclusive else "<", green)}
    if bands.red_bound is None:
        if higher:
            texts[Colour.RED] = _bound_text("<" if bands.green_inclusive else "≤", green)
        else:
            texts[Colour.RED] = _bound_text(">" if bands.green_inclusive else "≥", green)
        return texts
    red = format_value(bands.red_bound, decimals)
    if higher:
        texts[Colour.RED] = _bound_text("≤" if bands.red_inclusive else "<", red)
        low = _bound_text(">" if bands.red_inclusive else "≥", red)
        high = _bound_text("<" if bands.green_inclusive else "≤", green)
    else:
        texts[Colour.RED] = _bound_text("≥" if bands.red_inclusive else ">", red)
        low = _bound_text(">" if bands.green_inclusive else "≥", green)
        high = _bound_text("<" if bands.red_inclusive else "≤", red)
    # Translators: a yellow band written with both of its sides, e.g. "≥ 70 and < 80".
    texts[Colour.YELLOW] = _("%(low)s and %(high)s") % {"low": low, "high": high}
    return {colour: texts[colour] for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED)}
