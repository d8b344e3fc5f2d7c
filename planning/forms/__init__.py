"""Forms for planning: plans and periods, setting up an organisation, the password pages, and
the unit picker every app uses (`UnitTreeChoiceField`)."""

from planning.forms.accounts import StyledPasswordResetForm, StyledSetPasswordForm
from planning.forms.fields import UnitTreeChoiceField
from planning.forms.plans import PeriodOpenForm, PeriodYearForm, PlanForm, PlanStatusForm
from planning.forms.setup import (
    ActiveForm,
    AssessmentLevelFormSet,
    PerspectiveFormSet,
    ScaleChoiceForm,
    ClosedForm,
    InviteForm,
    OrganisationSettingsForm,
    RelationForm,
    RoleFields,
    UnitForm,
    UnitImportForm,
)

__all__ = [
    "ActiveForm",
    "AssessmentLevelFormSet",
    "PerspectiveFormSet",
    "ScaleChoiceForm",
    "ClosedForm",
    "InviteForm",
    "OrganisationSettingsForm",
    "PeriodOpenForm",
    "PeriodYearForm",
    "PlanForm",
    "PlanStatusForm",
    "RelationForm",
    "RoleFields",
    "StyledPasswordResetForm",
    "StyledSetPasswordForm",
    "UnitForm",
    "UnitImportForm",
    "UnitTreeChoiceField",
]
