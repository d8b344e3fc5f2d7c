"""The planner's forms for goals and activities."""

import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm, text_area
from goals.deadlines import Precision, deadline_code, last_day, parse_deadline
from goals.evaluation import chosen_rows, rows_mask
from goals.models import Activity, Goal, SubGoal
from planning.forms import UnitTreeChoiceField
from planning.models import Perspective, SchemeRow, Unit

SUB_GOAL_LINE = re.compile(r"^(?P<label>[^:\s][^:]{0,19}):\s*(?P<title>.+)$")


def sub_goal_lines(text: str) -> list[tuple[str, str]]:
    """(label, title) of each non-empty line: "A: Fler i egen försörjning" or a title alone."""
    found = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        match = SUB_GOAL_LINE.match(line)
        found.append((match["label"].strip(), match["title"].strip()) if match else ("", line))
    return found


def sub_goals_text(goal: Goal) -> str:
    """The goal's sub-goals as the form writes them, a line each."""
    if goal.pk is None:
        return ""
    return "\n".join(
        f"{sub_goal.label}: {sub_goal.title}" if sub_goal.label else sub_goal.title
        for sub_goal in goal.sub_goals.order_by("position", "pk")
    )


class GoalForm(VersionedModelForm):
    """A goal's words, its numbering as the document writes it and its sub-goals. Its number
    (the order) follows its place (move it up or down on the plan)."""

    sub_goals = forms.CharField(
        label=_("Sub-goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line, its numbering first if it has one: “A: Fler i egen försörjning”. "
            "Indicators and activities can then belong to a sub-goal."
        ),
    )

    class Meta:
        model = Goal
        fields = ["label", "title", "description", "scope", "perspective", "contributes_to"]
        widgets = {"title": text_area(2), "description": text_area(4)}

    def __init__(self, *args, parent_goals: QuerySet[Goal], **kwargs):
        self.parent_goals = parent_goals
        instance = kwargs.get("instance")
        if instance is not None and instance.pk is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {**kwargs["initial"], "sub_goals": sub_goals_text(instance)}
        super().__init__(*args, **kwargs)

    def clean_sub_goals(self) -> list[tuple[str, str]]:
        lines = sub_goal_lines(self.cleaned_data.get("sub_goals") or "")
        for _label, title in lines:
            if len(title) > 500:
                raise ValidationError(
                    _("A sub-goal may be at most 500 characters: “%(start)s…” is longer.")
                    % {"start": title[:40]}
                )
        return lines

    def setup_fields(self) -> None:
        super().setup_fields()
        self.fields["perspective"].queryset = Perspective.objects.filter(
            organisation_id=self.instance.plan.organisation_id
        )
        self.fields["perspective"].empty_label = _("No perspective")
        self.fields["contributes_to"].queryset = self.parent_goals
        if not (self.parent_goals.exists() or self.instance.contributes_to_id):
            # Without a parent plan there is nothing to contribute to.
            self.fields["contributes_to"].widget = forms.HiddenInput()
            self.fields["contributes_to"].disabled = True


def sub_goal_choice(sub_goal: SubGoal) -> str:
    """A sub-goal in a choice: its goal's numbering, then the sub-goal."""
    return f"{sub_goal.goal.numbering} – {sub_goal}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class EvaluatedInField(forms.TypedMultipleChoiceField):
    """ "Evaluated in": a checkbox for each period of a scheme, at least one. Cleans to the
    bits of the chosen periods' last months (`Activity.evaluated_months`); shows a stored set
    by the periods it covers (`goals.evaluation.chosen_rows`)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, rows: Sequence[SchemeRow] = (), **kwargs):
        kwargs.setdefault("label", _("Evaluated in"))
        kwargs.setdefault("help_text", _("Choose at least one period."))
        kwargs.setdefault("coerce", int)
        super().__init__(**kwargs)
        self.error_messages["required"] = _(
            "Choose at least one period in which the activity is evaluated."
        )
        self.rows = rows

    @property
    def rows(self) -> list[SchemeRow]:
        return self._rows

    @rows.setter
    def rows(self, rows: Sequence[SchemeRow]) -> None:
        self._rows = list(rows)
        self.choices = [(str(row.last_month), row.name()) for row in self._rows]

    def prepare_value(self, value):
        if isinstance(value, int):
            return [str(row.last_month) for row in chosen_rows(self._rows, value)]
        return value

    def clean(self, value) -> int:
        chosen = {str(month) for month in super().clean(value)}
        return rows_mask(row for row in self._rows if str(row.last_month) in chosen)

    def has_changed(self, initial, data) -> bool:
        if isinstance(initial, int):
            initial = self.prepare_value(initial)
        return super().has_changed(initial, data)


class DeadlineFieldsMixin:
    """The deadline as a month (`<input type="month">`, which a browser without it shows as
    text: "2026-05", "maj 2026" or "15 maj 2026" are read too) and an optional day; empty day:
    the whole month. Sets `due_on` and `due_precision` in `cleaned_data` and on the instance."""

    def deadline_initial(self) -> None:
        activity = self.instance
        if activity.due_on is not None and not activity.ongoing:
            self.initial["due_on"] = deadline_code(activity.due_on, Precision.MONTH)
            if activity.due_precision == Precision.DAY:
                self.initial["due_day"] = activity.due_on.day

    def clean_deadline(self, first_year: int | None) -> None:
        data = self.cleaned_data
        text, day = data.get("due_on"), data.pop("due_day", None)
        data["due_on"], data["due_precision"] = None, Precision.MONTH
        if data.get("ongoing") or not text:
            if day and not data.get("ongoing"):
                self.add_error("due_on", _("Choose the month of the day, or mark it ongoing."))
            self.instance.due_precision = Precision.MONTH
            return
        try:
            due_on, precision = parse_deadline(text, first_year)
        except ValueError as error:
            self.add_error("due_on", str(error))
            return
        if day:
            if day > last_day(due_on.year, due_on.month).day:
                self.add_error("due_day", _("The month has no such day."))
                return
            due_on, precision = due_on.replace(day=day), Precision.DAY
        data["due_on"], data["due_precision"] = due_on, precision
        self.instance.due_precision = precision


def deadline_fields() -> tuple[forms.Field, forms.Field]:
    month = forms.CharField(
        label=_("Done by (month)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"}),
        help_text=_("A month, e.g. 2026-05 or maj 2026."),
    )
    day = forms.IntegerField(
        label=_("Day (optional)"),
        required=False,
        min_value=1,
        max_value=31,
        help_text=_("Empty: by the end of the month."),
    )
    return month, day


class ActivityForm(DeadlineFieldsMixin, VersionedModelForm):
    """An activity: what is done, who is responsible, when, and where it is evaluated."""

    due_on, due_day = deadline_fields()

    class Meta:
        model = Activity
        fields = [
            "goal",
            "sub_goal",
            "title",
            "responsible_role",
            "unit",
            "responsible_user",
            "reporting_role",
            "reporting_unit",
            "reporting_user",
            "ongoing",
            "due_on",
            "evaluated_months",
        ]
        field_classes = {
            "responsible_user": PersonChoiceField,
            "unit": UnitTreeChoiceField,
            "reporting_user": PersonChoiceField,
            "reporting_unit": UnitTreeChoiceField,
        }
        widgets = {"title": text_area(2)}
        help_texts = {
            "ongoing": _("An ongoing activity has no deadline."),
        }

    evaluated_months = EvaluatedInField()

    def __init__(
        self,
        *args,
        goals: QuerySet[Goal],
        units: QuerySet[Unit],
        people: QuerySet,
        scheme: Sequence[SchemeRow],
        **kwargs,
    ):
        self.scheme = scheme
        self.choices_of = {
            "goal": goals,
            "sub_goal": SubGoal.objects.filter(goal__in=goals).select_related("goal"),
            "unit": units,
            "responsible_user": people,
            "reporting_unit": units,
            "reporting_user": people,
        }
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        super().setup_fields()
        for name, queryset in self.choices_of.items():
            if name in ("unit", "reporting_unit"):
                # The tree, without closed units (but the one the activity already has).
                self.fields[name].offer(queryset, keep=getattr(self.instance, f"{name}_id"))
            else:
                self.fields[name].queryset = queryset
        self.fields["sub_goal"].label_from_instance = sub_goal_choice
        self.fields["sub_goal"].empty_label = _("No sub-goal")
        self.fields["unit"].empty_label = _("No particular unit")
        self.fields["responsible_user"].empty_label = _("No particular person")
        self.fields["reporting_unit"].empty_label = _("No particular unit")
        self.fields["reporting_user"].empty_label = _("No particular person")
        for name in ("due_on", "due_day"):
            self.fields[name].widget.attrs["data-disabled-by"] = self["ongoing"].auto_id
        self.deadline_initial()
        self.fields["evaluated_months"].rows = self.scheme

    def clean(self):
        cleaned = super().clean()
        goal = cleaned.get("goal") or (self.instance.goal if self.instance.goal_id else None)
        self.clean_deadline(goal.plan.start_year if goal is not None else None)
        return cleaned

    def clean_evaluated_months(self) -> int:
        # The same periods as stored: keep the stored months (they may say more than this
        # scheme shows, e.g. April under quarters, which is Tertial 1 again under tertials).
        chosen = self.cleaned_data["evaluated_months"]
        stored = self.instance.evaluated_months
        same = chosen_rows(self.scheme, stored) == chosen_rows(self.scheme, chosen)
        return stored if self.instance.pk and same else chosen

    def evaluation_fields(self):
        return [self["evaluated_months"]]

    def main_fields(self):
        return [
            self[name]
            for name in (
                "goal",
                "sub_goal",
                "title",
                "responsible_role",
                "unit",
                "responsible_user",
            )
        ]

    def reporting_fields(self):
        return [self[name] for name in ("reporting_role", "reporting_unit", "reporting_user")]

    def timing_fields(self):
        return [self[name] for name in ("ongoing", "due_on", "due_day")]
