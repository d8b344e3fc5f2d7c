"""Reads for reports. `follow_up_report` assembles a plan's report for a period (see
`reports.selectors.report`); the other functions serve the report pages' lists."""

from reports.selectors.data import (
    ActivityRow,
    Change,
    ColourCount,
    Comparison,
    GoalSection,
    HistoryPoint,
    IndicatorRow,
    Report,
    ReportDecision,
    UnitReadiness,
)
from reports.selectors.lists import (
    jobs_of,
    organisation_plans_for,
    periods_for_plan,
    plan_readiness,
    published_for,
    published_reports_visible_to,
)
from reports.selectors.report import (
    committee_of,
    expected_units,
    follow_up_report,
    period_label,
    report_title,
)

__all__ = [
    "ActivityRow",
    "Change",
    "ColourCount",
    "Comparison",
    "GoalSection",
    "HistoryPoint",
    "IndicatorRow",
    "Report",
    "ReportDecision",
    "UnitReadiness",
    "committee_of",
    "expected_units",
    "follow_up_report",
    "jobs_of",
    "organisation_plans_for",
    "period_label",
    "periods_for_plan",
    "plan_readiness",
    "published_for",
    "published_reports_visible_to",
    "report_title",
]
