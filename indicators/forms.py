"""The planner's indicator form with its open-data links, and the live preview of its bands."""

import dataclasses
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import QuerySet
from django.forms.models import fields_for_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import FieldSetupMixin, StyledForm, VersionedModelForm, text_area
from goals.models import Goal
from indicators.colour import Colour, band_texts, problems
from indicators.links import CODES, LinkField, link_fields, link_sources
from indicators.models import MEASURE_FIELDS, Indicator
from indicators.targets import Target

DECIMAL_FIELDS = ("scale_max", *Target.DECIMAL_FIELDS)


# --- Open-data links: a field per registered link field -------------------------------------------


def link_form_field(link_field: LinkField) -> forms.CharField:
    """The form field of a link field: its text as typed (`LinkField.as_text`)."""
    return forms.CharField(
        label=link_field.label,
        help_text=link_field.help_text,
        required=False,
        max_length=link_field.max_length,
        widget=text_area(2) if link_field.kind == CODES else forms.TextInput,
    )


@dataclasses.dataclass
class LinkGroup:
    """A source's fields in the form: shown as one fieldset, with the finders of its fields."""

    name: str
    label: Any
    help_text: Any
    fields: list = dataclasses.field(default_factory=list)
    finders: list = dataclasses.field(default_factory=list)  # (template, bound field)


class OpenDataFormMixin:
    """Adds a field per registered link field (`indicators.links`), named by its key
    (`kolada_kpi`, `ssb_selection`...), filled from the instance's `open_data` (or from
    `initial["open_data"]`) and cleaned into `cleaned_data["open_data"]` and the instance.

    The sources are read when the form is made, so a source registered later shows up too.
    """

    def __init__(self, *args, **kwargs) -> None:
        instance = kwargs.get("instance")
        initial = dict(kwargs.get("initial") or {})
        open_data = initial.pop("open_data", None) or getattr(instance, "open_data", None) or {}
        added = {}
        for key, source, link_field in link_fields():
            added[key] = link_form_field(link_field)
            initial.setdefault(
                key, link_field.as_text(source.links(open_data).get(link_field.name))
            )
        clash = set(added) & set(self.base_fields)
        if clash:
            raise ImproperlyConfigured(f"Link fields named like the form's own: {sorted(clash)}")
        self.link_keys = frozenset(added)
        self.base_fields = {**self.base_fields, **added}  # this form's own copy
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def link_groups(self) -> list[LinkGroup]:
        groups = []
        for source in link_sources():
            group = LinkGroup(source.name, source.label, source.help_text)
            for key, link_field in source.keyed_fields():
                group.fields.append(self[key])
                if link_field.finder:
                    group.finders.append((link_field.finder, self[key]))
            groups.append(group)
        return groups

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        open_data, failed = {}, False
        for source in link_sources():
            links, wrong = {}, False
            for key, link_field in source.keyed_fields():
                if key in self.errors:
                    wrong = True
                    continue
                try:
                    value = link_field.from_text(cleaned.get(key) or "")
                except ValidationError as error:
                    self.add_error(key, error)
                    wrong = True
                    continue
                if value is not None:
                    links[link_field.name] = value
            if wrong:
                failed = True
                continue
            try:
                links = source.clean(links)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    self.add_error(key if key in self.fields else None, messages)
                failed = True
                continue
            if links:
                open_data[source.name] = links
        cleaned["open_data"] = open_data
        # The model checks the links again; after an error here the form is not saved, and the
        # model's check would name no field of the form.
        self.instance.open_data = {} if failed else open_data
        return cleaned


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, indicator: Indicator) -> str:
        return f"{indicator.name} ({indicator.goal.plan.name})"


class IndicatorForm(OpenDataFormMixin, VersionedModelForm):
    """An indicator: what is measured, its open-data links, its target and its bands (decimal
    comma in sv/nb/nn). The links are a fieldset per source (`link_groups`)."""

    class Meta:
        model = Indicator
        fields = [
            "goal",
            "scope",
            *MEASURE_FIELDS,
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
            ("goal", "scope", *MEASURE_FIELDS),
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
        """What the services take, besides the goal and the reused measure: the links as
        `open_data`."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"version", "goal", "reuses", *self.link_keys}
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
