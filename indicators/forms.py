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
from goals.forms import sub_goal_choice
from goals.models import Goal, SubGoal
from goals.selectors import plan_people
from indicators.colour import Colour, Direction, TargetKind, format_value, rule_texts
from indicators.links import CODES, LinkField, link_fields, link_sources
from indicators.models import MEASURE_FIELDS, RESPONSIBILITY_FIELDS, Indicator
from indicators.targets import (
    BAND_ONLY,
    KIND_HELP,
    WITHOUT_TARGET_VALUE,
    KindChoice,
    ReferenceKind,
    Target,
    field_label,
)
from planning.forms import UnitTreeChoiceField
from planning.models import FollowUpPeriod, Perspective, Plan
from planning.selectors import plan_owner_units

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


class PeriodChoiceField(forms.ModelChoiceField):
    """A baseline: "2024 (year-end)" for a year, "T1 2024" for a period of it."""

    def label_from_instance(self, period: FollowUpPeriod) -> str:
        if period.is_year_end:
            return _("%(year)s (the year, %(kind)s)") % {"year": period.year, "kind": period.kind}
        return f"{period.kind} {period.year}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


# The target's fieldsets after the kind: the fields every kind shares, then a fieldset per set of
# kinds (named in `data-kinds`, shown or hidden by indicator-form.js; without JavaScript every
# fieldset shows and says which kinds it belongs to).
COMMON_TARGET_FIELDS = ("direction", "target_value", "target_text")
KIND_FIELDSETS = (
    (
        "bands",
        (TargetKind.BANDS,),
        gettext_lazy("Bands: red, yellow, green"),
        gettext_lazy("Only for a target with bands."),
        BAND_ONLY,
    ),
    (
        "relative",
        (TargetKind.RELATIVE,),
        gettext_lazy("Share of the target"),
        gettext_lazy("Only for a target relative to the target value."),
        ("relative_share",),
    ),
    (
        "reference",
        (TargetKind.GAP,),
        gettext_lazy("Reference"),
        gettext_lazy("Only for a gap to a reference."),
        ("reference_kind", "reference_value", "reference_label"),
    ),
    (
        "baseline",
        (TargetKind.CHANGE, TargetKind.GAP),
        gettext_lazy("Baseline"),
        gettext_lazy("Only for a change against a baseline, or a gap to a reference."),
        ("baseline_period", "baseline_value", "change_tolerance"),
    ),
)
# Which of the target's common fields each kind uses (the others are hidden with JavaScript).
COMMON_FOR = {
    "direction": [
        kind for kind in TargetKind if kind not in (TargetKind.DEVELOPING, TargetKind.TEXT)
    ],
    "target_value": [kind for kind in TargetKind if kind not in WITHOUT_TARGET_VALUE],
    "target_text": list(TargetKind),
}
RESPONSIBILITY_GROUPS = (
    (gettext_lazy("Responsible for the work"), RESPONSIBILITY_FIELDS[:3]),
    (gettext_lazy("Responsible for reporting"), RESPONSIBILITY_FIELDS[3:]),
)


class IndicatorForm(OpenDataFormMixin, VersionedModelForm):
    """An indicator: what is measured, who is responsible, its open-data links, and its target
    (decimal comma in sv/nb/nn): the kind of target first, then that kind's fields
    (`indicators.targets.KIND_FIELDS`), each kind's fields in a fieldset of their own. The
    links are a fieldset per source (`link_groups`)."""

    class Meta:
        model = Indicator
        fields = [
            "goal",
            "scope",
            *MEASURE_FIELDS,
            "perspective",
            *RESPONSIBILITY_FIELDS,
            *Target.fields(),
            "reuses",
        ]
        localized_fields = DECIMAL_FIELDS
        widgets = {
            "name": text_area(2),
            "definition": text_area(3),
            "reuses": forms.HiddenInput,
            "target_kind": forms.RadioSelect,
        }
        field_classes = {
            "baseline_period": PeriodChoiceField,
            "responsible_user": PersonChoiceField,
            "reporting_user": PersonChoiceField,
            "responsible_unit": UnitTreeChoiceField,
            "reporting_unit": UnitTreeChoiceField,
        }

    GROUPS = (
        (
            gettext_lazy("What is measured"),
            ("goal", "scope", *MEASURE_FIELDS, "perspective"),
        ),
    )
    BAND_FIELDS = Target.BAND_FIELDS

    def __init__(
        self,
        *args,
        goals: QuerySet[Goal],
        measures: QuerySet[Indicator],
        plan: Plan | None = None,
        **kwargs,
    ) -> None:
        self.goals = goals
        self.measures = measures
        self.plan = plan
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        super().setup_fields()
        self.fields["goal"].queryset = self.goals
        self.fields["reuses"].queryset = self.measures
        plan = self.plan or self.instance.goal.plan
        self.fields["sub_goal"].queryset = SubGoal.objects.filter(goal__plan=plan).select_related(
            "goal"
        )
        self.fields["sub_goal"].label_from_instance = sub_goal_choice
        self.fields["sub_goal"].empty_label = _("No sub-goal")
        self.fields["perspective"].queryset = Perspective.objects.filter(
            organisation_id=plan.organisation_id
        )
        self.fields["perspective"].empty_label = _("The goal's perspective")
        self.fields["baseline_period"].queryset = FollowUpPeriod.objects.filter(
            organisation_id=plan.organisation_id, year__lte=plan.end_year
        ).order_by("-year", "starts_on")
        self.fields["baseline_period"].empty_label = _("Choose the baseline")
        units, people = plan_owner_units(plan), plan_people(plan)
        for name in ("responsible_unit", "reporting_unit"):
            self.fields[name].offer(units, keep=getattr(self.instance, f"{name}_id"))
            self.fields[name].empty_label = _("No particular unit")
        for name in ("responsible_user", "reporting_user"):
            self.fields[name].queryset = people
            self.fields[name].empty_label = _("No particular person")
        self.fields["reference_kind"].choices = [
            ("", _("Choose the reference")),
            *ReferenceKind.choices,
        ]
        self.fields["target_kind"].choices = list(KindChoice.choices)
        self.fields["target_kind"].help_text = ""
        # A form posted without a kind (written before there were kinds) means bands.
        self.fields["target_kind"].required = False
        self.fields["direction"].choices = [
            choice for choice in self.fields["direction"].choices if choice[0]
        ]
        # The live preview listens to these fields (see the template).
        for name in (*Target.colour_fields(), "decimals"):
            self.fields[name].widget.attrs["data-bands"] = ""
        for name, kinds in COMMON_FOR.items():
            self.fields[name].widget.attrs["data-kinds"] = " ".join(kinds)

    def clean_target_kind(self) -> str:
        return self.cleaned_data.get("target_kind") or KindChoice.BANDS

    def groups(self):
        for legend, names in self.GROUPS:
            yield legend, [self[name] for name in names]

    def responsibility_groups(self):
        for legend, names in RESPONSIBILITY_GROUPS:
            yield legend, [self[name] for name in names]

    def common_target_fields(self):
        return [self[name] for name in COMMON_TARGET_FIELDS]

    def kind_fieldsets(self):
        """(name, the kinds it serves as "bands relative...", legend, note, bound fields)."""
        for name, kinds, legend, note, names in KIND_FIELDSETS:
            yield name, " ".join(kinds), legend, note, [self[field] for field in names]

    def kind_help(self):
        """Each kind with what it means, for the choice of the kind."""
        return [(value, label, KIND_HELP[TargetKind(value)]) for value, label in KindChoice.choices]

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
    """The part of the indicator form that decides the colours, read for the live preview: the
    target's fields as the indicator form has them, none of them required yet."""

    def __init__(self, *args, plan: Plan | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Indicator,
                fields=[*Target.fields(), "decimals"],
                localized_fields=DECIMAL_FIELDS,
                field_classes={"baseline_period": PeriodChoiceField},
            )
        )
        self.fields["baseline_period"].queryset = (
            FollowUpPeriod.objects.filter(organisation_id=plan.organisation_id)
            if plan is not None
            else FollowUpPeriod.objects.none()
        )
        for name, field in self.fields.items():
            field.required = name == "direction"


# What the preview waits for, by kind, before it can say what is coloured how.
WAITING = {
    TargetKind.BANDS: ("green_bound", gettext_lazy("Write the green bound to see the bands.")),
    TargetKind.RELATIVE: (
        "target_value",
        gettext_lazy("Write the target value to see what is green, yellow and red."),
    ),
    TargetKind.CHANGE: (
        "baseline_period",
        gettext_lazy("Choose the baseline to see what is green, yellow and red."),
    ),
    TargetKind.GAP: (
        "baseline_period",
        gettext_lazy("Choose the baseline to see what is green, yellow and red."),
    ),
    TargetKind.TEXT: ("target_text", gettext_lazy("Write the target in words.")),
}


def _note(target: Target, decimals: int) -> str:
    """A sentence that says how the kind works for these fields, beside the colours."""
    if target.kind == TargetKind.RELATIVE and target.value is not None:
        share = format_value(target.effective_share)
        if target.share is None:
            share_text = _("%(share)s %% (the organisation's share)") % {"share": share}
        else:
            share_text = f"{share} %"
        if target.direction == Direction.HIGHER_IS_BETTER:
            return _(
                "Higher is better: green at the target %(target)s or above, yellow from "
                "%(share)s of it, red below."
            ) % {"target": format_value(target.value, decimals), "share": share_text}
        return _(
            "Lower is better: green at the target %(target)s or below, yellow up to the target × "
            "(2 − %(share)s), red above."
        ) % {"target": format_value(target.value, decimals), "share": share_text}
    if target.kind == TargetKind.CHANGE:
        if target.baseline_value is not None:
            return _("Compared with %(value)s, the value entered for the baseline %(label)s.") % {
                "value": format_value(target.baseline_value, decimals),
                "label": target.baseline_label,
            }
        return _(
            "Compared with the indicator's value in the baseline %(label)s, when it is measured; "
            "a value is never coloured without one."
        ) % {"label": target.baseline_label}
    if target.kind == TargetKind.GAP:
        return _(
            "The gap is how far the value lies on the worse side of %(reference)s. It is "
            "compared with the gap at the baseline %(label)s; a value is never coloured without "
            "both."
        ) % {"reference": target.reference_text, "label": target.baseline_label}
    return ""


def bands_preview(data, plan: Plan) -> dict[str, Any]:
    """What the typed target colours how, as text in the active language, and what is wrong.

    {"bands": [(colour, word, text)], "problems": [message], "waiting": message or "",
    "note": a sentence on how the kind works}.
    """
    form = BandsForm(data, plan=plan)
    if not form.is_valid():
        found = [
            f"{form.fields[name].label}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in Target.fields()
        ]
        return {"bands": [], "problems": found, "waiting": "", "note": ""}
    cleaned = form.cleaned_data
    decimals = cleaned["decimals"] or 0
    target = Target.from_fields(cleaned, default_share=plan.organisation.relative_share)
    found = target.problems()
    waiting = ""
    if target.kind in WAITING:
        name, message = WAITING[target.kind]
        if cleaned.get(name) in (None, ""):
            found.pop(name, None)
            waiting = str(message)
    problems_found = [f"{field_label(name)}: {message}" for name, message in found.items()]
    if waiting or "red_bound" in found:
        # Bounds on the wrong sides give no bands worth showing: say what to change.
        return {"bands": [], "problems": problems_found, "waiting": waiting, "note": ""}
    texts = rule_texts(target, decimals)
    return {
        "bands": [(colour.value, Colour(colour).label, text) for colour, text in texts.items()],
        "problems": problems_found,
        "waiting": "",
        "note": _note(target, decimals),
    }
