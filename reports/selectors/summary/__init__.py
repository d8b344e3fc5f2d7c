"""What a committee member reads first, and what connects the plan to the plans below it.

`report_summary` turns the assembled goals into the report's first page: the roll-up counts in
words (indicators by colour, activities done, goals by assessment), the indicators that are red
or fell against the previous value, the overdue activities and the written analyses.
`contributions` finds the lower plans' goals that contribute to each goal of a plan
(`goals.Goal.contributes_to`) with their activities' progress in the period.
`perspectives` gives the plan's cross-cutting perspectives that it has written.

The modules: `connections` (perspectives, contributions), `first_page` (the summary),
`rollups` (the roll-ups of the whole plan, its perspectives and the cascade).
"""

from reports.selectors.summary.connections import (
    CONTRIBUTING_STATUSES,
    PERSPECTIVE_FIELDS,
    contributions,
    perspectives,
    share_text,
)
from reports.selectors.summary.first_page import (
    ANALYSIS_EXCERPT,
    assessment_counts,
    report_summary,
)
from reports.selectors.summary.rollups import (
    CASCADE_DEPTH,
    COLOURED,
    Serving,
    lower_goals,
    report_rollups,
)

__all__ = [
    "ANALYSIS_EXCERPT",
    "CASCADE_DEPTH",
    "COLOURED",
    "CONTRIBUTING_STATUSES",
    "PERSPECTIVE_FIELDS",
    "Serving",
    "assessment_counts",
    "contributions",
    "lower_goals",
    "perspectives",
    "report_rollups",
    "report_summary",
    "share_text",
]
