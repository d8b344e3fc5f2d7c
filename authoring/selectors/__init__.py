"""Reads for the planner's pages of a plan: its structure (`structure`), its decided version
(`decided`), its history and what was deleted from it (`history`). The plan is already narrowed
to the user."""

from authoring.selectors.decided import DecidedVersion, decided_version, plan_decisions
from authoring.selectors.history import (
    DELETED_KINDS,
    DELETED_PAGE_SIZE,
    HISTORY_KINDS,
    HISTORY_PAGE_SIZE,
    DeletedItem,
    PlanHistory,
    deleted_items,
    history_page,
    kept_plan_history,
    plan_changes_page,
)
from authoring.selectors.structure import (
    ROW_BUDGET,
    ROW_LINKS,
    ActivityRow,
    plan_page_goals,
    plan_structure,
    with_links,
)

__all__ = [
    "DELETED_KINDS",
    "DELETED_PAGE_SIZE",
    "HISTORY_KINDS",
    "HISTORY_PAGE_SIZE",
    "ROW_BUDGET",
    "ROW_LINKS",
    "ActivityRow",
    "DecidedVersion",
    "DeletedItem",
    "PlanHistory",
    "decided_version",
    "deleted_items",
    "history_page",
    "kept_plan_history",
    "plan_changes_page",
    "plan_decisions",
    "plan_page_goals",
    "plan_structure",
    "with_links",
]
