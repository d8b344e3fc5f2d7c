"""The planner's forms for goals and activities."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm, text_area
from goals.models import Activity, Goal
from planning.forms import UnitTreeChoiceField
from planning.models import Unit


class GoalForm(VersionedModelForm):
    """A goal's words. Its number follows its place (move it up or down on the plan)."""

    class Meta:
        model = Goal
        fields = ["title", "description", "scope", "contributes_to"]
        widgets = {"title": text_area(2), "description": text_area(4)}

    def __init__(self, *args, parent_goals: QuerySet[Goal], **kwargs):
        self.parent_goals = parent_goals
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        super().setup_fields()
        self.fields["contributes_to"].queryset = self.parent_goals
        if not (self.parent_goals.exists() or self.instance.contributes_to_id):
            # Without a parent plan there is nothing to contribute to.
            self.fields["contributes_to"].widget = forms.HiddenInput()
            self.fields["contributes_to"].disabled = True


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class ActivityForm(VersionedModelForm):
    """An activity: what is done, who is responsible, when, and where it is evaluated."""

    class Meta:
        model = Activity
        fields = [
            "goal",
            "title",
            "responsible_role",
            "unit",
            "responsible_user",
            "ongoing",
            "due_month",
            "evaluated_t1",
            "evaluated_t2",
            "evaluated_year_end",
        ]
        field_classes = {"responsible_user": PersonChoiceField, "unit": UnitTreeChoiceField}
        widgets = {"title": text_area(2)}
        help_texts = {
            "ongoing": _("An ongoing activity has no month."),
            "evaluated_year_end": _("Choose at least one follow-up."),
        }

    def __init__(
        self,
        *args,
        goals: QuerySet[Goal],
        units: QuerySet[Unit],
        people: QuerySet,
        **kwargs,
    ):
        self.choices_of = {"goal": goals, "unit": units, "responsible_user": people}
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        super().setup_fields()
        for name, queryset in self.choices_of.items():
            if name == "unit":
                # The tree, without closed units (but the one the activity already has).
                self.fields[name].offer(queryset, keep=self.instance.unit_id)
            else:
                self.fields[name].queryset = queryset
        self.fields["unit"].empty_label = _("No particular unit")
        self.fields["responsible_user"].empty_label = _("No particular person")
        self.fields["due_month"].widget.attrs["data-disabled-by"] = self["ongoing"].auto_id

    def evaluation_fields(self):
        return [self[name] for name in ("evaluated_t1", "evaluated_t2", "evaluated_year_end")]

    def main_fields(self):
        return [
            self[name] for name in ("goal", "title", "responsible_role", "unit", "responsible_user")
        ]

    def timing_fields(self):
        return [self[name] for name in ("ongoing", "due_month")]
