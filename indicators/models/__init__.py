"""Indicators (measures) of goals and their targets (`indicators`), and the values measured per
period, open data's reference values and sync runs (`values`)."""

from indicators.models.indicators import (
    MEASURE_FIELDS,
    RESPONSIBILITY_FIELDS,
    VALUE_DIGITS,
    VALUE_PLACES,
    Indicator,
)
from indicators.models.values import (
    PERSON_ORIGINS,
    Gender,
    Measurement,
    Origin,
    ReferenceValue,
    Result,
    SyncRun,
    origin_choices,
)

__all__ = [
    "MEASURE_FIELDS",
    "PERSON_ORIGINS",
    "RESPONSIBILITY_FIELDS",
    "VALUE_DIGITS",
    "VALUE_PLACES",
    "Gender",
    "Indicator",
    "Measurement",
    "Origin",
    "ReferenceValue",
    "Result",
    "SyncRun",
    "origin_choices",
]
