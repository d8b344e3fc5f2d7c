"""Resources for a plan's indicators (with their kind of target) and measured values."""

from transfer.resources.indicators.bands import (
    BAND_COLUMNS,
    BANDS,
    BANDS_LANGUAGE,
    CANONICAL_FINDINGS,
    TARGET_FINDINGS,
    band_texts,
)
from transfer.resources.indicators.links import LinkColumn
from transfer.resources.indicators.measurements import (
    VALUE_WITH_UNIT,
    YEARLY,
    MeasurementResource,
)
from transfer.resources.indicators.resource import IndicatorResource
from transfer.resources.indicators.targets import TEXT_FIELDS, IndicatorTargets
from transfer.resources.indicators.wording import (
    DIRECTION_WORDS,
    FREQUENCY_WORDS,
    REFERENCE_WORDS,
    RESULT_WORDS,
)

__all__ = [
    "BANDS",
    "BANDS_LANGUAGE",
    "BAND_COLUMNS",
    "CANONICAL_FINDINGS",
    "DIRECTION_WORDS",
    "FREQUENCY_WORDS",
    "REFERENCE_WORDS",
    "RESULT_WORDS",
    "TARGET_FINDINGS",
    "TEXT_FIELDS",
    "VALUE_WITH_UNIT",
    "YEARLY",
    "IndicatorResource",
    "IndicatorTargets",
    "LinkColumn",
    "MeasurementResource",
    "band_texts",
]
