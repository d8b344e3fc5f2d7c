"""Reads for the unit manager's reporting page: what a user reports in the open periods.

A user reports, per open follow-up period of their organisation and per decided plan they may
read:
- the activities evaluated in the period that belong to their units (the activity's unit is in
  their scope, or they are its responsible person);
- the activities without a unit, and the plan's indicator values, when the plan is owned by one
  of their units or by a unit above one of them ("the whole operation": the seed's "Alla chefer"
  activities). A unit manager below the plan's owner reports these on behalf of their own unit
  (see `Reporting.plan_reporter`), which is what `planning.permissions.can_report` is asked:
  the activities without a unit, and the indicator values of their own unit. The plan-wide
  values are written only by the managers of the plan's owner unit (or above it) and by the
  plan's planners: a unit manager below never overwrites the administration's figure.

A joint plan is followed up in its lead organisation's periods; the people of its partner
organisations report there the activities of their own units.

Planners and administrators of a plan report everything in it.

A large operation reports thousands of rows in a period, so the page is read in two steps: the
index (`reporting_index`) knows every row by its ids and whether it is reported, from plain
queries (the progress, the goals' "left" counts, the pages); the listing (`reporting_listing`)
fetches in full the rows of one page of one period. The number of queries does not depend on
the number of plans, goals, activities or indicators, and no query lists the ids of every row.

The modules: `rows` (an activity's and an indicator's row), `index` (what a user reports, by
ids) and `pages` (a page of rows, one row).
"""

from reports.selectors.display import Band, band_of, person_name, target_label, value_text
from reports.selectors.reporting.index import (
    ACTIVITY,
    INDICATOR,
    GoalBlock,
    GoalEntry,
    PeriodIndex,
    PlanBlock,
    PlanEntry,
    Reporting,
    RowRef,
    has_reporter_role,
    is_unit_manager,
    open_periods,
    reporting_index,
)
from reports.selectors.reporting.pages import (
    PAGE_SIZE,
    PAGE_SIZES,
    Listing,
    activity_row_or_404,
    indicator_row_or_404,
    page_size,
    read_stored,
    readable_indicator_or_404,
    reporting_listing,
)
from reports.selectors.reporting.rows import ActivityRow, IndicatorRow, comparison_bases

__all__ = [
    "ACTIVITY",
    "INDICATOR",
    "PAGE_SIZE",
    "PAGE_SIZES",
    "ActivityRow",
    "Band",
    "GoalBlock",
    "GoalEntry",
    "IndicatorRow",
    "Listing",
    "PeriodIndex",
    "PlanBlock",
    "PlanEntry",
    "Reporting",
    "RowRef",
    "activity_row_or_404",
    "band_of",
    "comparison_bases",
    "has_reporter_role",
    "indicator_row_or_404",
    "is_unit_manager",
    "open_periods",
    "page_size",
    "person_name",
    "read_stored",
    "readable_indicator_or_404",
    "reporting_index",
    "reporting_listing",
    "target_label",
    "value_text",
]
