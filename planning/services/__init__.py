"""Writes for organisations, units, people, plans and follow-up periods.

Every service validates through the model's rules (`full_clean`), runs in one transaction
and records who made the change in the object's history. The modules:

- `organisations`: an organisation's settings and the organisations it works with;
- `units`: the unit tree (add, rename, move, close); `unit_import`: a tree from a CSV file;
- `people`: invitations, roles, deactivation;
- `plans`: plans, their life cycle and locking, the units' ready marks;
- `decisions`: a plan's decision process, step by step, and the life cycle that follows;
- `periods`: follow-up periods; `schemes`: the organisation's follow-up calendar;
- `steering`: the organisation's perspectives and its scale for assessing goals.
"""

from planning.services.decisions import (
    decision_step_add,
    decision_step_delete,
)
from planning.services.organisations import (
    SETTINGS_FIELDS,
    organisation_create,
    organisation_update,
    relation_add,
    relation_remove,
)
from planning.services.people import (
    employee_number_set,
    invitation_link,
    invitation_resend,
    membership_grant,
    membership_remove,
    person_invite,
    person_set_active,
    person_settings_save,
)
from planning.services.periods import (
    period_set_deadline,
    period_set_open,
    periods_create_year,
    periods_ensure_year,
    year_periods,
)
from planning.services.plans import (
    LOCKED_STATUSES,
    PLAN_TRANSITIONS,
    ensure_plan_unlocked,
    plan_create,
    plan_locked_error,
    plan_set_status,
    plan_update,
    readiness_mark,
)
from planning.services.schemes import SchemeChange, period_has_content, scheme_save
from planning.services.steering import (
    assessment_levels_save,
    assessment_scale_use,
    perspectives_save,
)
from planning.services.unit_import import Problem, UnitImportError, units_import
from planning.services.units import (
    unit_close,
    unit_create,
    unit_move,
    unit_reopen,
    unit_update,
)

__all__ = [
    "LOCKED_STATUSES",
    "PLAN_TRANSITIONS",
    "SETTINGS_FIELDS",
    "Problem",
    "SchemeChange",
    "UnitImportError",
    "assessment_levels_save",
    "assessment_scale_use",
    "decision_step_add",
    "decision_step_delete",
    "employee_number_set",
    "ensure_plan_unlocked",
    "invitation_link",
    "invitation_resend",
    "membership_grant",
    "membership_remove",
    "organisation_create",
    "organisation_update",
    "period_has_content",
    "period_set_deadline",
    "period_set_open",
    "periods_create_year",
    "periods_ensure_year",
    "person_invite",
    "person_set_active",
    "person_settings_save",
    "perspectives_save",
    "plan_create",
    "plan_locked_error",
    "plan_set_status",
    "plan_update",
    "readiness_mark",
    "relation_add",
    "relation_remove",
    "scheme_save",
    "unit_close",
    "unit_create",
    "unit_move",
    "unit_reopen",
    "unit_update",
    "units_import",
    "year_periods",
]
