"""Forms for setting up an organisation: its settings, its unit tree, its people and roles."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import FieldSetupMixin, StyledForm, StyledModelForm
from planning.forms.fields import UnitTreeChoiceField
from planning.models import (
    LEVEL_FIELDS,
    AssessmentLevel,
    Meaning,
    Organisation,
    Perspective,
    Role,
    Unit,
)

# --- The organisation -----------------------------------------------------------------------


class OrganisationSettingsForm(FieldSetupMixin, StyledModelForm):
    """An organisation's names, country and language, open-data codes, follow-up scheme,
    report logo and its words for the levels of its tree."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "official_name",
            "kind",
            "country",
            "report_language",
            "municipality_code",
            "comparison_group",
            "relative_share",
            "reminder_days",
            "logo",
            *LEVEL_FIELDS.values(),
        ]
        localized_fields = ["relative_share"]
        widgets = {"logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})}

    FIELDSETS = (
        (_("Names"), ("name", "official_name", "kind")),
        (_("Country and language"), ("country", "report_language")),
        (_("Open data"), ("municipality_code", "comparison_group")),
        (_("Follow-up"), ("relative_share", "reminder_days")),
        (_("Report cover"), ("logo",)),
        (_("Words for the levels of the unit tree"), tuple(LEVEL_FIELDS.values())),
    )

    def setup_fields(self) -> None:
        super().setup_fields()
        for kind, name in LEVEL_FIELDS.items():
            self.fields[name].widget.attrs["placeholder"] = str(Unit.Kind(kind).label)

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names]

    def changes(self) -> dict:
        """The settings to give `organisation_update`: a cleared logo is ""."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if fields["logo"] is False:
            fields["logo"] = ""
        elif fields["logo"] == self.initial.get("logo"):
            del fields["logo"]  # unchanged: nothing to store again
        return fields


class RelationForm(FieldSetupMixin, StyledForm):
    """Another organisation this one works with."""

    related = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args, candidates: QuerySet[Organisation], **kwargs):
        self.candidates = candidates
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        self.fields["related"].queryset = self.candidates


# --- The unit tree --------------------------------------------------------------------------


class UnitForm(FieldSetupMixin, StyledForm):
    """A unit's name, level, Kolada unit and place in the tree.

    `parents` are the units the user may place units below; `top` whether they may place
    one at the top of the tree. `movable` is False for a unit the user may rename but not move
    (the unit their role is on): its place is then shown, not asked.
    """

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Level"))
    parent = UnitTreeChoiceField(
        label=_("Below"),
        required=False,
        help_text=_("Moving a unit moves the units below it with it; what they reported stays."),
    )
    kolada_ou = forms.CharField(
        label=_("Kolada unit id"),
        max_length=20,
        required=False,
        help_text=_("The unit's id in Kolada, e.g. V15E242200101, for values of the unit itself."),
    )

    def __init__(
        self,
        *args,
        organisation: Organisation,
        parents: QuerySet[Unit],
        top: bool,
        unit: Unit | None = None,
        movable: bool = True,
        **kwargs,
    ):
        self.organisation, self.parents, self.top = organisation, parents, top
        self.unit, self.movable = unit, movable
        if unit is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": unit.name,
                    "kind": unit.kind,
                    "parent": unit.parent_id,
                    "kolada_ou": unit.kolada_ou,
                },
            )
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        self.fields["kind"].choices = self.organisation.level_choices()
        parent = self.fields["parent"]
        current = self.unit.parent_id if self.unit is not None else None
        # The whole tree, the unit itself included, so that it reads as the tree; a place below
        # the unit itself is refused with the reason (`Unit.clean`).
        parent.offer(self.parents, keep=current)
        parent.empty_label = _("At the top of the organisation") if self.top else None
        parent.required = not self.top
        if not self.movable:
            parent.disabled = True
            parent.widget = forms.HiddenInput()

    def clean_kolada_ou(self) -> str:
        return self.cleaned_data["kolada_ou"].strip()


class UnitImportForm(StyledForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One row per unit: name; parent; kind; Kolada unit id. Headers in Swedish, "
            "Norwegian or English. At most 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )


# --- People and roles -----------------------------------------------------------------------


class RoleFields(FieldSetupMixin, StyledForm):
    """A role and where it applies: a unit (and the units below it), or the whole
    organisation. Only what the user may give is offered; `may_grant(unit, role)` decides."""

    role = forms.ChoiceField(label=_("Role"))
    unit = UnitTreeChoiceField(
        label=_("Where"),
        required=False,
        help_text=_("A role on a unit applies to every unit below it too."),
    )

    def __init__(
        self,
        *args,
        organisation: Organisation,
        units: QuerySet[Unit],
        roles: list[str],
        whole: bool,
        may_grant: Callable[[Unit | None, str], bool],
        **kwargs,
    ):
        self.organisation, self.units, self.roles, self.whole = organisation, units, roles, whole
        self.may_grant = may_grant
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        self.fields["role"].choices = [(role, Role(role).label) for role in self.roles]
        unit = self.fields["unit"]
        unit.offer(self.units)
        unit.required = not self.whole
        unit.empty_label = _("The whole organisation") if self.whole else None
        unit.error_messages["invalid_choice"] = _(
            "Choose an open unit of %(organisation)s that you may give roles on."
        ) % {"organisation": self.organisation}

    def clean(self):
        cleaned = super().clean()
        role, unit = cleaned.get("role"), cleaned.get("unit")
        if role and "unit" not in self.errors and not self.may_grant(unit, role):
            where = unit.name if unit else str(_("the whole organisation"))
            self.add_error(
                "role",
                _("You may not give the role %(role)s on %(where)s.")
                % {"role": str(Role(role).label).lower(), "where": where},
            )
        return cleaned


class InviteForm(RoleFields):
    """A new person: their address and name, and their first role."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    employee_number = forms.CharField(
        label=_("Employee id"),
        max_length=100,
        required=False,
        help_text=_(
            "Optional: the person's employee id, if your organisation's login service tells "
            "who someone is by employee id."
        ),
    )

    field_order = ["email", "first_name", "last_name", "employee_number", "role", "unit"]

    def clean_employee_number(self) -> str:
        return self.cleaned_data["employee_number"].strip()


class ActiveForm(StyledForm):
    active = forms.TypedChoiceField(
        choices=[("1", _("Active")), ("0", _("Deactivated"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )


class ClosedForm(StyledForm):
    closed = forms.TypedChoiceField(
        choices=[("1", _("Closed")), ("0", _("Open"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )


# --- What the organisation defines for all its plans ----------------------------------------


class PerspectiveForm(StyledForm):
    """A perspective in the list: its name, a line about it, and whether to delete it."""

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Perspective"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    place = forms.IntegerField(label=_("Place in the list"), min_value=1, required=False)
    delete = forms.BooleanField(label=_("Delete"), required=False)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("pk")
            and not (cleaned.get("name") or "").strip()
            and not cleaned.get("delete")
        ):
            self.add_error("name", _("Name the perspective, or tick “Delete”."))
        return cleaned


def row_pk(form) -> int | None:
    """The id of what a row of a list edits (as posted, or as loaded), None for a new row."""
    try:
        return int(form["pk"].value())
    except (TypeError, ValueError):
        return None


class RowsFormSet(forms.BaseFormSet):
    """A list edited as rows, each row's fieldset named by `legend`; a change the service
    refuses is shown above the rows (`add_service_error`)."""

    def add_service_error(self, error: ValidationError) -> None:
        self.non_form_errors().extend(error.messages)


class BasePerspectiveFormSet(RowsFormSet):
    """The organisation's perspectives, a row each in their order, and empty rows to add
    more; each row's place in the list can be changed. `rows()` gives what
    `perspectives_save` takes."""

    def __init__(self, *args, perspectives: list[Perspective], **kwargs):
        self.perspectives = {perspective.pk: perspective for perspective in perspectives}
        kwargs.setdefault(
            "initial",
            [
                {
                    "pk": perspective.pk,
                    "name": perspective.name,
                    "description": perspective.description,
                    "place": place,
                }
                for place, perspective in enumerate(perspectives, start=1)
            ],
        )
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        perspective = self.perspectives.get(row_pk(form))
        form.legend = perspective.name if perspective else _("New perspective")

    def _is_blank(self, form) -> bool:
        data = form.cleaned_data
        if data.get("pk"):
            return False
        return data.get("delete") or not any(
            (data.get(name) or "").strip() for name in ("name", "description")
        )

    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        # A name already there stays; the row that was given it again is refused.
        for form in sorted(self.forms, key=lambda form: form.has_changed()):
            data = form.cleaned_data
            if data.get("pk") and data["pk"] not in self.perspectives:
                form.add_error(None, _("This perspective was deleted meanwhile; reload the page."))
                continue
            if self._is_blank(form) or data.get("delete"):
                continue
            name = " ".join((data.get("name") or "").split())
            if not name:
                form.add_error("name", _("Name the perspective."))
            elif name.casefold() in seen:
                form.add_error(
                    "name",
                    _("There is already a perspective called %(name)s.") % {"name": name},
                )
            seen.add(name.casefold())

    def rows(self) -> list[dict[str, Any]]:
        """The rows for `perspectives_save`: the deleted ones first, then the others in the
        order asked (at the same place, the one moved there first; without one, last)."""

        def place(item):
            index, form = item
            order = form.cleaned_data.get("place")
            moved = order != form.initial.get("place")
            return (order is None, order or 0, not moved, index)

        filled = [(i, form) for i, form in enumerate(self.forms) if not self._is_blank(form)]
        filled.sort(key=lambda item: (not item[1].cleaned_data.get("delete"), *place(item)))
        return [
            {
                "perspective": self.perspectives.get(form.cleaned_data.get("pk")),
                "name": " ".join(form.cleaned_data["name"].split()),
                "description": form.cleaned_data["description"].strip(),
                "delete": form.cleaned_data["delete"],
            }
            for _index, form in filled
        ]


PerspectiveFormSet = forms.formset_factory(PerspectiveForm, formset=BasePerspectiveFormSet, extra=2)


class AssessmentLevelForm(StyledForm):
    """A level of the assessment scale: its labels in every language, what it means for the
    roll-ups, and whether it is offered."""

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label_sv = forms.CharField(label=_("Swedish"), max_length=100, required=False)
    label_nb = forms.CharField(label=_("Norwegian Bokmål"), max_length=100, required=False)
    label_nn = forms.CharField(label=_("Norwegian Nynorsk"), max_length=100, required=False)
    label_en = forms.CharField(label=_("English"), max_length=100, required=False)
    meaning = forms.ChoiceField(label=_("Means"), choices=Meaning.choices, required=False)
    is_active = forms.BooleanField(label=_("Offered"), required=False)

    LABELS = ("label_sv", "label_nb", "label_nn", "label_en")

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("pk") and not any(
            (data.get(name) or "").strip() for name in self.LABELS
        )

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        for name in self.LABELS:
            if not (cleaned.get(name) or "").strip():
                self.add_error(name, _("Write the label in every language."))
        if not cleaned.get("meaning"):
            self.add_error("meaning", _("Choose what the level means for the roll-ups."))
        return cleaned


class BaseAssessmentLevelFormSet(RowsFormSet):
    """The organisation's stored levels, a row each in their order, and an empty row to add
    one. `rows()` gives what `assessment_levels_save` takes."""

    def __init__(self, *args, levels: list[AssessmentLevel], **kwargs):
        self.levels = {level.pk: level for level in levels}
        kwargs.setdefault(
            "initial",
            [
                {
                    "pk": level.pk,
                    "meaning": level.meaning,
                    "is_active": level.is_active,
                    **{name: getattr(level, name) for name in AssessmentLevelForm.LABELS},
                }
                for level in levels
            ],
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            kwargs["initial"] = {"is_active": True, "meaning": Meaning.FULFILLED}
        return kwargs

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        level = self.levels.get(row_pk(form))
        if level is None:
            form.legend = _("New level")
        elif level.is_active:
            form.legend = _("Level %(number)s: %(label)s") % {
                "number": index + 1,
                "label": level.label(),
            }
        else:
            form.legend = _("Level %(number)s: %(label)s (not offered)") % {
                "number": index + 1,
                "label": level.label(),
            }

    def clean(self) -> None:
        if any(self.errors):
            return
        for form in self.forms:
            if form.cleaned_data.get("pk") and form.cleaned_data["pk"] not in self.levels:
                form.add_error(None, _("This level is not on the scale any more; reload the page."))
        if not any(self.errors) and not any(row["is_active"] for row in self.rows()):
            raise ValidationError(_("Offer at least one level."))

    def rows(self) -> list[dict[str, Any]]:
        """The rows for `assessment_levels_save`, in their order; the empty row left out."""
        return [
            {
                "level": self.levels.get(form.cleaned_data.get("pk")),
                "meaning": form.cleaned_data["meaning"],
                "is_active": form.cleaned_data["is_active"],
                **{name: form.cleaned_data[name].strip() for name in AssessmentLevelForm.LABELS},
            }
            for form in self.forms
            if not form.is_blank()
        ]


AssessmentLevelFormSet = forms.formset_factory(
    AssessmentLevelForm, formset=BaseAssessmentLevelFormSet, extra=1
)


class ScaleChoiceForm(StyledForm):
    """Start from one of the common scales."""

    scale = forms.ChoiceField(
        label=_("Scale"),
        choices=[
            ("three", _("Three levels: fulfilled, partly fulfilled, not fulfilled")),
            ("five", _("Five levels: from achieved to not achieved")),
        ],
    )
