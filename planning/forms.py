"""Forms for planning, and what every form of the project shares (the look, the renderer)."""

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from planning.models import MAX_YEAR, MIN_YEAR, Organisation, Plan, Unit


class FormRenderer(TemplatesSetting):
    """Renders every field with `templates/includes/field.html` (label, help, errors)."""

    field_template_name = "includes/field.html"


class StyledFormMixin:
    """Designsystemet's look on every widget, and the error linked to its field for screen
    readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            classes = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{classes} ds-input".strip()
            if self.is_bound and name in self.errors:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass


# --- Shared by the planner's forms ----------------------------------------------------------------


def plain_decimal(value: Decimal) -> Decimal:
    """80.0000 -> 80 and 6.5000 -> 6.5, never 8E+1: how a stored number is shown for editing."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return normalized.quantize(Decimal(1))
    return normalized


class FieldSetupMixin:
    """Narrows choices and adjusts fields in `setup_fields()`, before anything validates.

    `StyledFormMixin` reads a bound form's errors while it initialises, so a form that narrowed
    its choices after `super().__init__()` would already have been validated against the
    unnarrowed ones. `setup_fields()` runs once, just before the first validation (or at the
    end of `__init__` for an unbound form); it may change fields but not add or remove any.
    Keyword arguments it needs are stored by the subclass before calling `super().__init__()`.
    """

    def setup_fields(self) -> None:
        pass

    def _set_up(self) -> None:
        if not getattr(self, "_fields_set_up", False):
            self._fields_set_up = True
            self.setup_fields()

    def full_clean(self) -> None:
        self._set_up()
        super().full_clean()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_up()


class VersionedModelForm(FieldSetupMixin, StyledModelForm):
    """An edit form of a versioned object: it carries the version the user loaded.

    The view passes `cleaned_data["version"]` to the service as `expected_version`, so that a
    save based on an older version is refused instead of overwriting someone else's change.
    Localized decimal fields (`Meta.localized_fields`) take a decimal comma in sv/nb/nn.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def setup_fields(self) -> None:
        super().setup_fields()
        if self.instance.pk is not None:
            self.fields["version"].required = True
            self.initial.setdefault("version", self.instance.version)
        for name, field in self.fields.items():
            if isinstance(field, forms.DecimalField):
                field.widget.attrs.setdefault("inputmode", "decimal")
                value = self.initial.get(name)
                if isinstance(value, Decimal):
                    self.initial[name] = plain_decimal(value)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- Plans ----------------------------------------------------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return f"{unit.name} ({unit.organisation.name})"


class PlanForm(VersionedModelForm):
    """A plan's facts: the document, its decision, its direction and the three perspectives.

    The owner unit is one the user may plan for; a plan without an owner unit (a joint plan)
    only by someone who plans for the whole organisation.
    """

    class Meta:
        model = Plan
        fields = [
            "kind",
            "name",
            "start_year",
            "end_year",
            "organisation",
            "owner_unit",
            "parent",
            "partner_organisations",
            "decided_by",
            "decision_date",
            "decision_paragraph",
            "registration_number",
            "valid_from",
            "responsible",
            "vision",
            "core_values",
            "steering_documents",
            "gender_equality",
            "child_rights",
            "sustainability",
        ]
        field_classes = {"owner_unit": UnitChoiceField}
        widgets = {
            "decision_date": DATE_INPUT,
            "valid_from": DATE_INPUT,
            "partner_organisations": forms.CheckboxSelectMultiple,
            "vision": text_area(),
            "core_values": text_area(),
            "steering_documents": text_area(),
            "gender_equality": text_area(4),
            "child_rights": text_area(4),
            "sustainability": text_area(4),
        }

    FIELDSETS = (
        (_("The document"), ("kind", "name", "start_year", "end_year")),
        (
            _("Who owns it"),
            ("organisation", "owner_unit", "parent", "partner_organisations"),
        ),
        (
            _("Decision"),
            (
                "decided_by",
                "decision_date",
                "decision_paragraph",
                "registration_number",
                "valid_from",
                "responsible",
            ),
        ),
        (_("Direction"), ("vision", "core_values", "steering_documents")),
        (
            _("Perspectives the council requires"),
            ("gender_equality", "child_rights", "sustainability"),
        ),
    )

    def __init__(
        self,
        *args,
        organisations: QuerySet[Organisation],
        units: QuerySet[Unit],
        parents: QuerySet[Plan],
        organisation_wide: set[int],
        **kwargs,
    ):
        self.organisations = organisations
        self.units = units
        self.parents = parents
        self.organisation_wide = organisation_wide
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        super().setup_fields()
        self.fields["organisation"].queryset = self.organisations
        self.fields["owner_unit"].queryset = self.units
        parents = self.parents.order_by("-start_year", "name")
        partners = Organisation.objects.order_by("name")
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
            partners = partners.exclude(pk=self.instance.organisation_id)
            # The lead organisation stays; a plan does not move between organisations. It is
            # shown as text (a disabled field would be too faint to read).
            self.fields["organisation"].disabled = True
            self.fields["organisation"].widget = forms.HiddenInput()
        elif len(self.organisations) == 1:
            self.fields["organisation"].initial = self.organisations[0].pk
        self.fields["parent"].queryset = parents
        self.fields["partner_organisations"].queryset = partners

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names if not self[name].is_hidden]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if (
            organisation is not None
            and cleaned.get("owner_unit") is None
            and organisation.pk not in self.organisation_wide
        ):
            self.add_error(
                "owner_unit",
                _(
                    "Choose the unit that owns the plan. Only someone who plans for the whole "
                    "organisation can leave it empty (for a joint plan)."
                ),
            )
        partners = cleaned.get("partner_organisations")
        if organisation is not None and partners and organisation in partners:
            self.add_error(
                "partner_organisations",
                _("The lead organisation cannot also be a partner organisation."),
            )
        return cleaned


class PlanStatusForm(StyledForm):
    """A step in the plan's life cycle, based on the version the user saw."""

    status = forms.ChoiceField(choices=Plan.Status.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    decision_date = forms.DateField(label=_("decision date"), required=False, widget=DATE_INPUT)


# --- Follow-up periods ----------------------------------------------------------------------------


class PeriodYearForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class PeriodOpenForm(StyledForm):
    is_open = forms.TypedChoiceField(
        choices=[("1", _("Open")), ("0", _("Closed"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
