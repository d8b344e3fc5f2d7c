"""Reads for reports. `follow_up_report` assembles what a committee reads of a plan for a period
(see `reports.selectors.report`): the overview, the report and its PDF, Excel and published
snapshot all render it. `shown_value` (`reports.selectors.values`) is the one rule of which
value a period shows. The other functions serve the report pages' lists."""

from reports.selectors.data import (
    ActivityRow,
    Change,
    ColourCount,
    Comparison,
    Contribution,
    GoalSection,
    HistoryPoint,
    IndicatorRow,
    Report,
    ReportDecision,
    UnitReadiness,
)
from reports.selectors.display import period_label
from reports.selectors.frame import committee_of, expected_units
from reports.selectors.lists import (
    jobs_of,
    organisation_plans_for,
    periods_for_plan,
    plan_readiness,
    published_for,
    published_reports_visible_to,
    units_awaited,
)
from reports.selectors.paging import GoalPage, goal_page, goal_page_key
from reports.selectors.report import (
    follow_up_report,
    kept_follow_up_report,
    report_language,
    report_title,
)
from reports.selectors.sources import report_sources
from reports.selectors.values import ShownValue, shown_value

__all__ = [
    "ActivityRow",
    "Change",
    "ColourCount",
    "Comparison",
    "Contribution",
    "GoalPage",
    "GoalSection",
    "HistoryPoint",
    "IndicatorRow",
    "Report",
    "ReportDecision",
    "ShownValue",
    "UnitReadiness",
    "committee_of",
    "expected_units",
    "follow_up_report",
    "goal_page",
    "goal_page_key",
    "jobs_of",
    "kept_follow_up_report",
    "organisation_plans_for",
    "period_label",
    "periods_for_plan",
    "plan_readiness",
    "published_for",
    "published_reports_visible_to",
    "report_language",
    "report_sources",
    "report_title",
    "shown_value",
    "units_awaited",
]
