"""Organisations, their unit trees, plans, follow-up periods and memberships."""

from planning.models.decisions import DecisionStep
from planning.models.organisations import (
    LEVEL_FIELDS,
    MAX_YEAR,
    MIN_YEAR,
    Membership,
    Organisation,
    OrganisationRelation,
    ReportLanguage,
    Role,
    Unit,
    year_validators,
)
from planning.models.people import AccountEvent, EmployeeNumber, PersonSettings
from planning.models.periods import FollowUpPeriod
from planning.models.plans import Plan, ReportReadiness
from planning.models.scales import (
    DEFAULT_SCALE,
    SCALES,
    AssessmentLevel,
    Meaning,
    Perspective,
    assessment_levels,
    default_levels,
)
from planning.models.schemes import (
    DEFAULT_PRESET,
    PRESETS,
    SchemePeriod,
    SchemeRow,
    preset_rows,
    scheme_problems,
    scheme_rows,
)

__all__ = [
    "DEFAULT_PRESET",
    "DEFAULT_SCALE",
    "LEVEL_FIELDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "PRESETS",
    "SCALES",
    "AccountEvent",
    "AssessmentLevel",
    "DecisionStep",
    "EmployeeNumber",
    "FollowUpPeriod",
    "Meaning",
    "Membership",
    "Organisation",
    "OrganisationRelation",
    "PersonSettings",
    "Perspective",
    "Plan",
    "ReportLanguage",
    "ReportReadiness",
    "Role",
    "SchemePeriod",
    "SchemeRow",
    "Unit",
    "assessment_levels",
    "default_levels",
    "preset_rows",
    "scheme_problems",
    "scheme_rows",
    "year_validators",
]
