"""The planner's indicator form, and the live preview of its bands."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import fields_for_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import FieldSetupMixin, StyledForm, VersionedModelForm, text_area
from goals.models import Goal
from indicators.colour import Colour, band_texts, problems
from indicators.models import MEASURE_FIELDS, Indicator
from indicators.targets import Target

DECIMAL_FIELDS = ("scale_max", *Target.DECIMAL_FIELDS)


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
            *MEASURE_FIELDS,
            "kolada_kpi",
            "target_value",
            "target_text",
            *Target.BAND_FIELDS,
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
            ("goal", "scope", *MEASURE_FIELDS, "kolada_kpi"),
        ),
        (gettext_lazy("Target"), ("target_value", "target_text")),
    )
    BAND_FIELDS = Target.BAND_FIELDS

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
        for name in (*Target.fields(), "decimals"):
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


class BandsForm(StyledForm):
    """The part of the indicator form that decides the bands, read for the live preview: the
    target's fields as the indicator form has them, none of them required yet."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Indicator, fields=[*Target.fields(), "decimals"], localized_fields=DECIMAL_FIELDS
            )
        )
        for name, field in self.fields.items():
            field.required = name == "direction"


def bands_preview(data) -> dict[str, Any]:
    """The bands the typed bounds give, as text in the active language, and what is wrong.

    {"bands": [(colour, word, text)], "problems": [message], "waiting": message or ""}.
    """
    form = BandsForm(data)
    if not form.is_valid():
        found = [
            f"{form.fields[name].label}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in Target.fields()
        ]
        return {"bands": [], "problems": found, "waiting": ""}
    cleaned = form.cleaned_data
    if cleaned["green_bound"] is None:
        return {
            "bands": [],
            "problems": [],
            "waiting": _("Write the green bound to see the bands."),
        }
    target = Target.from_fields(cleaned)
    bands = target.bands
    found = problems(bands, target.value)
    if "red_bound" in found:
        # Bounds on the wrong sides give no bands worth showing: say what to change.
        return {"bands": [], "problems": list(found.values()), "waiting": ""}
    texts = band_texts(bands, cleaned["decimals"] or 0)
    return {
        "bands": [(colour.value, Colour(colour).label, text) for colour, text in texts.items()],
        "problems": list(found.values()),
        "waiting": "",
    }
