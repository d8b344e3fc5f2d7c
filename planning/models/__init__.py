"""Organisations, their unit trees, plans, follow-up periods and memberships."""

from planning.models.organisations import (
    MAX_YEAR,
    MIN_YEAR,
    FollowUpScheme,
    Membership,
    Organisation,
    Role,
    Unit,
    year_validators,
)
from planning.models.periods import FollowUpPeriod
from planning.models.plans import Plan, ReportReadiness

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "FollowUpPeriod",
    "FollowUpScheme",
    "Membership",
    "Organisation",
    "Plan",
    "ReportReadiness",
    "Role",
    "Unit",
    "year_validators",
]
