"""The kinds of target, the colours and the bands with their evaluation."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class TargetKind(StrEnum):
    """What kind of target an indicator has: how (and whether) its values are coloured."""

    BANDS = "bands"  # red, yellow and green bounds written by the planner
    RELATIVE = "relative"  # green at the target value, yellow from a share of it, red below
    CHANGE = "change"  # shall increase (or decrease) compared with a baseline
    GAP = "gap"  # the gap to a reference (the whole country, a group) shall shrink
    MONITOR = "monitor"  # followed ("följs", observation): shown and charted, never coloured
    DEVELOPING = "developing"  # under development: no measure yet
    TEXT = "text"  # a target in words, its result in words: a person assesses it

    @property
    def colours(self) -> bool:
        """Whether values of this kind get a colour from a rule."""
        return self in COLOURING_KINDS

    @property
    def takes_value(self) -> bool:
        """Whether the indicator is followed up with a number."""
        return self not in (TargetKind.DEVELOPING, TargetKind.TEXT)

    @property
    def takes_result(self) -> bool:
        """Whether the indicator is followed up with a result in words (fulfilled, partly...)."""
        return self in (TargetKind.DEVELOPING, TargetKind.TEXT)


COLOURING_KINDS = frozenset(
    {TargetKind.BANDS, TargetKind.RELATIVE, TargetKind.CHANGE, TargetKind.GAP}
)
# The share of the target value from which a relative target is yellow, when neither the
# indicator nor its organisation says otherwise (per cent).
DEFAULT_SHARE = Decimal("90")


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NO_VALUE = "none"
    UNCOLOURED = "uncoloured"  # a value no rule colours (or could not: no baseline, no reference)

    @property
    def label(self) -> str:
        """The colour in words, so that colour is never the only signal."""
        return str(COLOUR_LABELS[self])


COLOUR_LABELS = {
    Colour.GREEN: gettext_lazy("Green"),
    Colour.YELLOW: gettext_lazy("Yellow"),
    Colour.RED: gettext_lazy("Red"),
    Colour.NO_VALUE: gettext_lazy("No value"),
    Colour.UNCOLOURED: gettext_lazy("No colour"),
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
