"""Reading one text: a band cell ("<70", "71-79", "232 tkr") or a target ("HME-index >80").

Dashes and minus signs have one spelling, as have the operators (≥, >=, =>); spaces may stand
anywhere; decimals are written with a comma or a point; %, tkr, kr and days may follow a number.
A band may also be written with both of its sides, as Styrkort writes yellow
(`indicators.colour.band_texts`): "≥ 70 och < 80", "> 6,0 og ≤ 7,0", "≥ 70 and < 80", "≥70–<80".
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.colour import Colour
from indicators.models import VALUE_DIGITS, VALUE_PLACES
from indicators.thresholds.findings import (
    UNIT_WORDS,
    Decide,
    Finding,
    FindingCode,
    UnitHint,
    finding,
)

MAX_INTEGER_DIGITS = VALUE_DIGITS - VALUE_PLACES
HIGHER_OPERATORS = frozenset({">", ">="})

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−﹣－", "-"))
_OPERATORS = (("≤", "<="), ("⩽", "<="), ("=<", "<="), ("≥", ">="), ("⩾", ">="), ("=>", ">="))
_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_WORDS = "|".join(sorted((word for word in UNIT_WORDS if word.isalpha()), key=len, reverse=True))
_CELL = re.compile(
    rf"(?P<op><=|>=|<|>)?(?P<a>{_NUMBER})(?P<unit_a>%|{_WORDS})?"
    rf"(?:-(?P<b>{_NUMBER})(?P<unit_b>%|{_WORDS})?)?",
    re.IGNORECASE,
)
# Both sides of a band, each with its operator, joined by "and" in one of the languages or a dash.
_OPERATOR = r"<=|>=|<|>"
_TWO_SIDED = re.compile(
    rf"(?P<op>{_OPERATOR})(?P<a>{_NUMBER})(?P<unit_a>%|{_WORDS})?"
    rf"(?:och|og|and|&|-)"
    rf"(?P<op_b>{_OPERATOR})(?P<b>{_NUMBER})(?P<unit_b>%|{_WORDS})?",
    re.IGNORECASE,
)
_TARGET = re.compile(rf"(?:(?P<op><=|>=|<|>)\s*)?(?P<number>{_NUMBER})")
_SCALE = re.compile(rf"\b(?:av|of)\s*(?P<number>{_NUMBER})", re.IGNORECASE)
_UNIT_WORD = re.compile(rf"%|\b(?:{_WORDS})\b", re.IGNORECASE)
_THOUSANDS = re.compile(r"(?<=\d)\s+(?=\d{3}(?!\d))")


@dataclass(frozen=True)
class End:
    """One end of an interval: a value, and whether the value itself belongs to it."""

    value: Decimal
    inclusive: bool


def negated(end: End | None) -> End | None:
    return None if end is None else End(-end.value, end.inclusive)


@dataclass(frozen=True)
class Cell:
    """A band cell as an interval of values; an open side is None."""

    colour: Colour
    text: str
    low: End | None
    high: End | None
    operator: str = ""
    bare: bool = False
    reversed: bool = False
    unit: UnitHint | None = None

    @property
    def anchor(self) -> Decimal:
        """Where the cell lies, to compare cells written without operators."""
        ends = [end.value for end in (self.low, self.high) if end is not None]
        return sum(ends) / len(ends)


@dataclass(frozen=True)
class Target:
    """The target as written: its number, operator ("< 9"), scale ("av 10,0") and unit."""

    text: str
    value: Decimal | None = None
    operator: str = ""
    scale_max: Decimal | None = None
    unit: UnitHint | None = None


def normalised(text: str) -> str:
    """One spelling for dashes (minus signs, range dashes) and for the operators."""
    text = text.translate(_DASHES)
    for written, canonical in _OPERATORS:
        text = text.replace(written, canonical)
    return text


def decimal(text: str) -> Decimal | None:
    """A number written with a decimal comma or point, or None if a value cannot hold it."""
    integer, _separator, fraction = text.lstrip("+-").replace(",", ".").partition(".")
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > VALUE_PLACES:
        return None
    return Decimal(text.replace(",", "."))


def cell_read(colour: Colour, text: str) -> Cell:
    """Read one band cell. Raises Decide when it cannot be read."""
    compact = "".join(normalised(text).split())
    two_sided = _TWO_SIDED.fullmatch(compact)
    if two_sided is not None:
        return _two_sided(colour, text.strip(), two_sided)
    match = _CELL.fullmatch(compact)
    units = (
        {UNIT_WORDS[word.lower()] for word in (match["unit_a"], match["unit_b"]) if word}
        if match
        else set()
    )
    if match is None or (match["op"] and match["b"]) or len(units) > 1:
        raise Decide(
            FindingCode.UNREADABLE,
            _('%(colour)s: "%(text)s" is not a threshold.'),
            _("Write a number, a range or a bound, e.g. 80, 71-79, <70 or ≥80."),
            colour=colour.label,
            text=text.strip(),
        )
    numbers = [decimal(match[name]) for name in ("a", "b") if match[name]]
    if None in numbers:
        raise Decide(
            FindingCode.UNREADABLE,
            _('%(colour)s: "%(text)s" has more digits than a value can hold.'),
            _("Write at most %(before)d digits before the decimal comma and %(after)d after."),
            colour=colour.label,
            text=text.strip(),
            before=MAX_INTEGER_DIGITS,
            after=VALUE_PLACES,
        )
    unit = units.pop() if units else None
    if match["op"]:
        return _bound(colour, text.strip(), match["op"], numbers[0], unit)
    if len(numbers) == 1:
        point = End(numbers[0], True)
        return Cell(colour, text.strip(), point, point, bare=True, unit=unit)
    return _range(colour, text.strip(), numbers[0], numbers[1], unit)


def _bound(colour: Colour, text: str, operator: str, value: Decimal, unit: UnitHint | None) -> Cell:
    if colour == Colour.YELLOW:
        raise Decide(
            FindingCode.YELLOW_NOT_A_RANGE,
            _('Yellow: "%(text)s" is a bound, but yellow lies between red and green.'),
            _("Write yellow as a range, e.g. 71-79, or leave it empty for only red and green."),
            text=text,
        )
    end = End(value, inclusive="=" in operator)
    if operator in HIGHER_OPERATORS:
        return Cell(colour, text, end, None, operator=operator, unit=unit)
    return Cell(colour, text, None, end, operator=operator, unit=unit)


def _two_sided(colour: Colour, text: str, match: re.Match) -> Cell:
    """A band written with both sides, e.g. "≥70och<80": each side's operator says whether its
    number belongs to the band."""
    units = {UNIT_WORDS[word.lower()] for word in (match["unit_a"], match["unit_b"]) if word}
    numbers = [decimal(match[name]) for name in ("a", "b")]
    if None in numbers or len(units) > 1:
        raise Decide(
            FindingCode.UNREADABLE,
            _('%(colour)s: "%(text)s" is not a threshold.'),
            _("Write a number, a range or a bound, e.g. 80, 71-79, <70 or ≥80."),
            colour=colour.label,
            text=text,
        )
    ends = [
        (operator in HIGHER_OPERATORS, End(number, inclusive="=" in operator))
        for operator, number in zip((match["op"], match["op_b"]), numbers, strict=True)
    ]
    lows = [end for is_low, end in ends if is_low]
    highs = [end for is_low, end in ends if not is_low]
    low, high = (lows[0], highs[0]) if len(lows) == len(highs) == 1 else (None, None)
    if (
        low is None
        or high is None
        or low.value > high.value
        or (low.value == high.value and not (low.inclusive and high.inclusive))
    ):
        raise Decide(
            FindingCode.UNREADABLE,
            _('%(colour)s: no value lies in "%(text)s".'),
            _("Write the lower side with > or ≥ and the upper side with < or ≤, e.g. ≥70 and <80."),
            colour=colour.label,
            text=text,
        )
    return Cell(colour, text, low, high, unit=units.pop() if units else None)


def _range(
    colour: Colour, text: str, first: Decimal, second: Decimal, unit: UnitHint | None
) -> Cell:
    if first == second:
        raise Decide(
            FindingCode.EMPTY_RANGE,
            _('%(colour)s: the range "%(text)s" starts and ends at the same number.'),
            _("Write the single number, or the range it was meant to be."),
            colour=colour.label,
            text=text,
        )
    low, high = sorted((first, second))
    return Cell(colour, text, End(low, True), End(high, True), reversed=first > second, unit=unit)


def target_read(text: str) -> tuple[Target, list[Finding]]:
    """The target's first number with its operator, a scale "(av 10,0)" and a unit."""
    written = _THOUSANDS.sub("", normalised(text))
    unit_match = _UNIT_WORD.search(written)
    unit = UNIT_WORDS[unit_match[0].lower()] if unit_match else None
    match = _TARGET.search(written)
    value = decimal(match["number"]) if match else None
    if match is None or value is None:
        if not text.strip():
            return Target("", unit=unit), []
        return Target(text.strip(), unit=unit), [
            finding(
                FindingCode.TARGET_WITHOUT_NUMBER,
                _('The target "%(target)s" has no number.'),
                _("No target value is stored."),
                target=text.strip(),
            )
        ]
    scale = _SCALE.search(written, match.end())
    scale_max = decimal(scale["number"]) if scale else None
    return Target(text.strip(), value, match["op"] or "", scale_max, unit), []
