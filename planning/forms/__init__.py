"""Forms for planning: plans and periods, setting up an organisation, the password pages, and
the unit picker every app uses (`UnitTreeChoiceField`)."""

from planning.forms.accounts import (
    PersonSettingsForm,
    StyledPasswordResetForm,
    StyledSetPasswordForm,
)
from planning.forms.fields import UnitTreeChoiceField
from planning.forms.plans import (
    DecisionStepForm,
    PeriodDeadlineForm,
    PeriodOpenForm,
    PeriodYearForm,
    PlanForm,
    PlanStatusForm,
)
from planning.forms.schemes import SchemeFormSet, SchemePresetForm
from planning.forms.setup import (
    ActiveForm,
    AssessmentLevelFormSet,
    ClosedForm,
    InviteForm,
    OrganisationSettingsForm,
    PerspectiveFormSet,
    RelationForm,
    RoleFields,
    ScaleChoiceForm,
    UnitForm,
    UnitImportForm,
)

__all__ = [
    "ActiveForm",
    "AssessmentLevelFormSet",
    "ClosedForm",
    "DecisionStepForm",
    "InviteForm",
    "OrganisationSettingsForm",
    "PeriodDeadlineForm",
    "PeriodOpenForm",
    "PeriodYearForm",
    "PersonSettingsForm",
    "PerspectiveFormSet",
    "PlanForm",
    "PlanStatusForm",
    "RelationForm",
    "RoleFields",
    "ScaleChoiceForm",
    "SchemeFormSet",
    "SchemePresetForm",
    "StyledPasswordResetForm",
    "StyledSetPasswordForm",
    "UnitForm",
    "UnitImportForm",
    "UnitTreeChoiceField",
]
