"""Organisations, their unit trees, plans, follow-up periods and memberships."""

from planning.models.organisations import (
    LEVEL_FIELDS,
    MAX_YEAR,
    MIN_YEAR,
    FollowUpScheme,
    Membership,
    Organisation,
    OrganisationRelation,
    ReportLanguage,
    Role,
    Unit,
    year_validators,
)
from planning.models.people import AccountEvent, EmployeeNumber
from planning.models.periods import FollowUpPeriod
from planning.models.plans import Plan, ReportReadiness

__all__ = [
    "LEVEL_FIELDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "AccountEvent",
    "EmployeeNumber",
    "FollowUpPeriod",
    "FollowUpScheme",
    "Membership",
    "Organisation",
    "OrganisationRelation",
    "Plan",
    "ReportLanguage",
    "ReportReadiness",
    "Role",
    "Unit",
    "year_validators",
]
