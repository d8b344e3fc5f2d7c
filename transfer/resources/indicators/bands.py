"""The band columns of the indicator sheet: their names, texts and what their reading finds."""

from django.utils import translation

from indicators.colour import Colour, TargetKind
from indicators.models import Indicator
from indicators.thresholds import FindingCode
from transfer.resources.widgets import parse_decimal

BAND_COLUMNS = {Colour.RED: "red", Colour.YELLOW: "yellow", Colour.GREEN: "green"}
BANDS = "bands"  # the three band columns, read together
TARGET_FINDINGS = frozenset({FindingCode.TARGET_CONTRADICTS, FindingCode.TARGET_WITHOUT_NUMBER})
# Findings that only describe how Styrkort's own band texts ("70–80" next to "≥ 80") meet.
CANONICAL_FINDINGS = frozenset({FindingCode.OVERLAP, FindingCode.HOLE})
BANDS_LANGUAGE = "sv"  # bands are written as a Swedish user writes them, whatever the language


def _is_number(text: str) -> bool:
    try:
        return parse_decimal(text) is not None
    except ValueError:
        return False


def band_texts(indicator: Indicator) -> dict[str, str]:
    """The indicator's bands as written in a file: {"red": "< 70", "yellow": "70–80", ...};
    none for a kind without bands of its own."""
    if indicator.target_kind != TargetKind.BANDS or indicator.green_bound is None:
        return {}
    with translation.override(BANDS_LANGUAGE):
        texts = indicator.band_texts()
    return {column: texts.get(colour, "") for colour, column in BAND_COLUMNS.items()}


def _compact(text: str) -> str:
    return "".join(text.split()).replace("–", "-")
