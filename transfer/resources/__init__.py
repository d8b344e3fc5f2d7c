"""Import and export of a plan's rows with django-import-export: one resource per kind of row.

The exchange format is one table per kind (a sheet of a workbook, or a CSV file): goals,
indicators, activities, activity statuses and measurements, with headers in the user's language
(see `vocabulary`). `indicators.transfer` reads and writes the files and runs the resources.
"""

from transfer.resources.base import Lookups, PlanResource
from transfer.resources.goals import (
    ActivityResource,
    ActivityStatusResource,
    GoalResource,
    SubGoalResource,
)
from transfer.resources.indicators import IndicatorResource, MeasurementResource
from transfer.resources.vocabulary import (
    ACTIVITIES,
    ACTIVITY_STATUSES,
    GOALS,
    INDICATORS,
    KINDS,
    MEASUREMENTS,
    SUB_GOALS,
)

RESOURCES: dict[str, type[PlanResource]] = {
    GOALS: GoalResource,
    SUB_GOALS: SubGoalResource,
    INDICATORS: IndicatorResource,
    ACTIVITIES: ActivityResource,
    ACTIVITY_STATUSES: ActivityStatusResource,
    MEASUREMENTS: MeasurementResource,
}

__all__ = [
    "KINDS",
    "RESOURCES",
    "ActivityResource",
    "ActivityStatusResource",
    "GoalResource",
    "IndicatorResource",
    "Lookups",
    "MeasurementResource",
    "PlanResource",
    "SubGoalResource",
]
