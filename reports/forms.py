"""Forms of the report pages: a goal's analysis, a unit's ready mark, publishing a report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from goals.models import GoalFollowUp


class GoalFollowUpForm(StyledForm):
    """The planner's analysis of a goal for a period and the assessment on the five-step scale."""

    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[("", _("Not assessed yet")), *GoalFollowUp.Assessment.choices],
        required=False,
        help_text=_(
            "How the goal stands: achieved, expected, uncertain, not expected, not achieved."
        ),
    )
    analysis = forms.CharField(
        label=_("Analysis"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=_("What went well, what did not, and what we do now."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ReadinessForm(StyledForm):
    """A unit marks its part of the follow-up ready, or withdraws the mark."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    ready = forms.BooleanField(widget=forms.HiddenInput, required=False)


class PublishForm(StyledForm):
    """The committee's decision on the report, printed on the published report's cover."""

    decided_by = forms.CharField(
        label=_("Decided by"), max_length=200, help_text=_("The committee, e.g. Kommunstyrelsen.")
    )
    decision_date = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    decision_paragraph = forms.CharField(
        label=_("Paragraph"), max_length=50, required=False, help_text=_("e.g. § 45")
    )
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=100,
        required=False,
        help_text=_("The registration number of the decision, e.g. 2023/112-012."),
    )
