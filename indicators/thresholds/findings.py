"""What reading thresholds can find: codes, findings, and the stop that asks a person to decide."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class UnitHint(StrEnum):
    """A unit named in the texts, to suggest the indicator's unit."""

    PERCENT = "%"
    THOUSAND_KRONOR = "tkr"
    KRONOR = "kr"
    DAYS = "days"


UNIT_WORDS = {
    "%": UnitHint.PERCENT,
    "tkr": UnitHint.THOUSAND_KRONOR,
    "kr": UnitHint.KRONOR,
    "kronor": UnitHint.KRONOR,
    "kroner": UnitHint.KRONOR,
    "dagar": UnitHint.DAYS,
    "dager": UnitHint.DAYS,
    "days": UnitHint.DAYS,
}


class FindingCode(StrEnum):
    # Errors: a person must decide; the bands are None.
    UNREADABLE = "unreadable"
    EMPTY_RANGE = "empty_range"
    YELLOW_NOT_A_RANGE = "yellow_not_a_range"
    NO_BANDS = "no_bands"
    NO_GREEN = "no_green"
    NO_DIRECTION = "no_direction"
    CONTRADICTION = "contradiction"
    TARGET_CONTRADICTS = "target_contradicts"
    # Resolved by the conventions (see `indicators.thresholds`).
    HOLE = "hole"
    OVERLAP = "overlap"
    REVERSED_RANGE = "reversed_range"
    BARE_NUMBER = "bare_number"
    DIRECTION_GUESSED = "direction_guessed"
    NO_RED = "no_red"
    TARGET_WIDENS_GREEN = "target_widens_green"
    TARGET_BEYOND_GREEN_BOUND = "target_beyond_green_bound"
    TARGET_IS_GREEN_BAND = "target_is_green_band"
    TARGET_WITHOUT_NUMBER = "target_without_number"
    UNIT_CONFLICT = "unit_conflict"


ERROR_CODES = frozenset(
    {
        FindingCode.UNREADABLE,
        FindingCode.EMPTY_RANGE,
        FindingCode.YELLOW_NOT_A_RANGE,
        FindingCode.NO_BANDS,
        FindingCode.NO_GREEN,
        FindingCode.NO_DIRECTION,
        FindingCode.CONTRADICTION,
        FindingCode.TARGET_CONTRADICTS,
    }
)


@dataclass(frozen=True)
class Finding:
    """Something odd in the texts: what it is, and how it was resolved or what to decide."""

    code: FindingCode
    message: str
    resolution: str

    @property
    def is_error(self) -> bool:
        return self.code in ERROR_CODES


def finding(code: FindingCode, message: str, resolution: str, **values: Any) -> Finding:
    """A finding with `values` filled into its (already translated) texts."""
    return Finding(code, message % values, resolution % values)


class Decide(Exception):
    """The texts cannot be read as they are: stop, and ask a person to decide."""

    def __init__(self, code: FindingCode, message: str, resolution: str, **values: Any):
        self.finding = finding(code, message, resolution, **values)
        super().__init__(self.finding.message)
