"""The planner's indicator form, and the live preview of its bands."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import FieldSetupMixin, StyledForm, VersionedModelForm, text_area
from goals.models import Goal
from indicators.colour import Bands, Colour, Direction, band_texts, problems
from indicators.models import VALUE_DIGITS, VALUE_PLACES, Indicator

DECIMAL_FIELDS = ("scale_max", "target_value", "green_bound", "red_bound")


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, indicator: Indicator) -> str:
        return f"{indicator.name} ({indicator.goal.plan.name})"


class IndicatorForm(VersionedModelForm):
    """An indicator: what is measured, its target and its bands (decimal comma in sv/nb/nn)."""

    class Meta:
        model = Indicator
        fields = [
            "goal",
            "scope",
            "subgoal",
            "name",
            "definition",
            "unit",
            "unit_label",
            "decimals",
            "source",
            "frequency",
            "scale_max",
            "kolada_kpi",
            "target_value",
            "target_text",
            "direction",
            "green_bound",
            "green_bound_inclusive",
            "red_bound",
            "red_bound_inclusive",
            "reuses",
        ]
        localized_fields = DECIMAL_FIELDS
        widgets = {
            "name": text_area(2),
            "definition": text_area(3),
            "reuses": forms.HiddenInput,
        }

    GROUPS = (
        (
            gettext_lazy("What is measured"),
            (
                "goal",
                "scope",
                "subgoal",
                "name",
                "definition",
                "unit",
                "unit_label",
                "decimals",
                "source",
                "frequency",
                "scale_max",
                "kolada_kpi",
            ),
        ),
        (gettext_lazy("Target"), ("target_value", "target_text")),
    )
    BAND_FIELDS = (
        "direction",
        "green_bound",
        "green_bound_inclusive",
        "red_bound",
        "red_bound_inclusive",
    )

    def __init__(
        self, *args, goals: QuerySet[Goal], measures: QuerySet[Indicator], **kwargs
    ) -> None:
        self.goals = goals
        self.measures = measures
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        super().setup_fields()
        self.fields["goal"].queryset = self.goals
        self.fields["reuses"].queryset = self.measures
        self.fields["direction"].choices = [
            choice for choice in self.fields["direction"].choices if choice[0]
        ]
        # The live preview of the bands listens to these fields (see the template).
        for name in (*self.BAND_FIELDS, "target_value", "decimals"):
            self.fields[name].widget.attrs["data-bands"] = ""

    def groups(self):
        for legend, names in self.GROUPS:
            yield legend, [self[name] for name in names]

    def band_fields(self):
        return [self[name] for name in self.BAND_FIELDS]

    def service_fields(self) -> dict[str, Any]:
        """What the services take, besides the goal and the reused measure."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"version", "goal", "reuses"}
        }


class ReuseForm(FieldSetupMixin, StyledForm):
    """Start a new indicator from one of the organisation's municipality-wide measures."""

    reuses = MeasureChoiceField(
        label=gettext_lazy("Municipality-wide measure"),
        queryset=Indicator.objects.none(),
        empty_label=gettext_lazy("Choose a measure"),
    )

    def __init__(self, *args, measures: QuerySet[Indicator], **kwargs):
        self.measures = measures
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        self.fields["reuses"].queryset = self.measures


def _decimal(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        required=False,
        localize=True,
    )


class BandsForm(StyledForm):
    """The part of the indicator form that decides the bands, read for the live preview."""

    direction = forms.ChoiceField(
        label=gettext_lazy("direction"),
        choices=[(d.value, d.value) for d in Direction],
    )
    green_bound = _decimal(gettext_lazy("green from"))
    green_bound_inclusive = forms.BooleanField(required=False)
    red_bound = _decimal(gettext_lazy("red from"))
    red_bound_inclusive = forms.BooleanField(required=False)
    target_value = _decimal(gettext_lazy("target value"))
    decimals = forms.IntegerField(required=False, min_value=0, max_value=VALUE_PLACES)


def bands_preview(data) -> dict[str, Any]:
    """The bands the typed bounds give, as text in the active language, and what is wrong.

    {"bands": [(colour, word, text)], "problems": [message], "waiting": message or ""}.
    """
    form = BandsForm(data)
    if not form.is_valid():
        found = [
            f"{form.fields[name].label}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in {"green_bound", "red_bound", "target_value", "direction"}
        ]
        return {"bands": [], "problems": found, "waiting": ""}
    cleaned = form.cleaned_data
    if cleaned["green_bound"] is None:
        return {
            "bands": [],
            "problems": [],
            "waiting": _("Write the green bound to see the bands."),
        }
    bands = Bands(
        direction=Direction(cleaned["direction"]),
        green_bound=cleaned["green_bound"],
        green_inclusive=cleaned["green_bound_inclusive"],
        red_bound=cleaned["red_bound"],
        red_inclusive=cleaned["red_bound_inclusive"],
    )
    found = problems(bands, cleaned["target_value"])
    if "red_bound" in found:
        # Bounds on the wrong sides give no bands worth showing: say what to change.
        return {"bands": [], "problems": list(found.values()), "waiting": ""}
    texts = band_texts(bands, cleaned["decimals"] or 0)
    return {
        "bands": [(colour.value, Colour(colour).label, text) for colour, text in texts.items()],
        "problems": list(found.values()),
        "waiting": "",
    }
