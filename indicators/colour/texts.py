"""Numbers and bands as text in the active language."""

from decimal import Decimal
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.colour.bands import Bands, Colour, Direction


def format_value(value: Decimal, decimals: int = 0) -> str:
    """A number in the active language: decimal comma in sv/nb/nn, grouped thousands.

    Shows at least `decimals` places and never hides a digit the value has.
    """
    return _format_value(Decimal(value), decimals, get_language())


# A report writes its bands' few bounds over and over: each is written once per language.
# (Equal decimals, 80 and 80.0, are written alike: trailing zeros never show.)
@lru_cache(maxsize=4096)
def _format_value(value: Decimal, decimals: int, language: str | None) -> str:
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
    return dict(_band_texts(bands, decimals, get_language()))


# A report's row writes its bands three times (its band, its reason, its rules), and many
# indicators share bands: each is written once per language.
@lru_cache(maxsize=4096)
def _band_texts(
    bands: Bands, decimals: int, language: str | None
) -> tuple[tuple[Colour, str], ...]:
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
        return tuple(texts.items())
    red = format_value(bands.red_bound, decimals)
    if higher:
        texts[Colour.RED] = _bound_text("≤" if bands.red_inclusive else "<", red)
        low = _bound_text(">" if bands.red_inclusive else "≥", red)
        high = _bound_text("<" if bands.green_inclusive else "≤", green)
    else:
        texts[Colour.RED] = _bound_text("≥" if bands.red_inclusive else ">", red)
        low = _bound_text(">" if bands.green_inclusive else "≥", green)
        high = _bound_text("<" if bands.red_inclusive else "≤", red)
    if bands.red_bound == bands.green_bound:
        # Only a worked-out rule has this (a change of exactly nothing is yellow): "= 78".
        texts[Colour.YELLOW] = _bound_text("=", green)
        return tuple(
            (colour, texts[colour]) for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED)
        )
    # Translators: a yellow band written with both of its sides, e.g. "≥ 70 and < 80".
    texts[Colour.YELLOW] = _("%(low)s and %(high)s") % {"low": low, "high": high}
    return tuple((colour, texts[colour]) for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED))


# --- The rule of every kind of target -------------------------------------------------------------


def bands_summary(bands: Bands, decimals: int = 0) -> str:
    """The bands in one line: "green ≥ 80, yellow ≥ 70 and < 80, red < 70"."""
    return _bands_summary(bands, decimals, get_language())


@lru_cache(maxsize=4096)
def _bands_summary(bands: Bands, decimals: int, language: str | None) -> str:
    return ", ".join(
        f"{colour.label.lower()} {text}" for colour, text in _band_texts(bands, decimals, language)
    )
