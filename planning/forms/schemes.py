"""Forms for an organisation's follow-up calendar: its scheme of named periods, edited as rows,
and the presets it can start from."""

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from core.forms import BLANK_CHOICE_LABEL, StyledForm
from planning.forms.setup import RowsFormSet
from planning.models.schemes import NAME_LANGUAGES, PRESETS, SchemeRow

MONTH_CHOICES = [("", BLANK_CHOICE_LABEL), *MONTHS.items()]
NAMES = tuple(f"name_{code}" for code in NAME_LANGUAGES)


def month_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False
    )


class SchemePeriodForm(StyledForm):
    """A period of the scheme: its short code, its months, whether it counts from the start of
    the year, its name in every language; its place in the list, and whether to delete it."""

    place = forms.IntegerField(label=_("Place in the list"), min_value=1, required=False)
    code = forms.CharField(label=_("Short code"), max_length=10, required=False)
    first_month = month_field(_("First month"))
    last_month = month_field(_("Last month"))
    cumulative = forms.BooleanField(label=_("Cumulative"), required=False)
    name_sv = forms.CharField(label=_("Swedish"), max_length=100, required=False)
    name_nb = forms.CharField(label=_("Norwegian Bokmål"), max_length=100, required=False)
    name_nn = forms.CharField(label=_("Norwegian Nynorsk"), max_length=100, required=False)
    name_en = forms.CharField(label=_("English"), max_length=100, required=False)
    delete = forms.BooleanField(label=_("Delete"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(size="5", autocapitalize="characters")

    def is_blank(self) -> bool:
        """An empty row (for adding a period) left empty, or a row to delete."""
        data = self.cleaned_data
        if data.get("delete"):
            return True
        return not (
            (data.get("code") or "").strip()
            or data.get("first_month")
            or data.get("last_month")
            or data.get("cumulative")
            or any((data.get(name) or "").strip() for name in NAMES)
        )

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.is_blank():
            return cleaned
        for name in NAMES:
            cleaned[name] = " ".join((cleaned.get(name) or "").split())
        if not cleaned["code"]:
            self.add_error("code", _("Give the period a short code, e.g. T1."))
        for name in ("first_month", "last_month"):
            if not cleaned.get(name):
                self.add_error(name, _("Choose a month."))
        for name in NAMES:
            if not cleaned[name]:
                self.add_error(name, _("Write the name in every language."))
        first, last = cleaned.get("first_month"), cleaned.get("last_month")
        if first and last and last < first:
            self.add_error("last_month", _("The period must end in or after the month it starts."))
        if cleaned.get("cumulative") and first and first != 1:
            self.add_error("first_month", _("A cumulative period starts in January."))
        return cleaned

    def row(self) -> SchemeRow:
        data = self.cleaned_data
        return SchemeRow(
            code=data["code"],
            first_month=data["first_month"],
            last_month=data["last_month"],
            cumulative=data["cumulative"],
            **{name: data[name] for name in NAMES},
        )


class BaseSchemeFormSet(RowsFormSet):
    """The scheme's periods, a row each in their order, and empty rows to add more; each row's
    place in the list can be changed. `rows()` gives what `scheme_save` takes."""

    def __init__(self, *args, rows: list[SchemeRow], **kwargs):
        self.scheme = rows
        kwargs.setdefault(
            "initial",
            [
                {
                    "place": place,
                    "code": row.code,
                    "first_month": row.first_month,
                    "last_month": row.last_month,
                    "cumulative": row.cumulative,
                    **{name: getattr(row, name) for name in NAMES},
                }
                for place, row in enumerate(rows, start=1)
            ],
        )
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if index is not None and index < len(self.scheme):
            form.legend = self.scheme[index].name()
        else:
            form.legend = _("New period")

    def rows(self) -> list[SchemeRow]:
        """The periods to keep, in the order asked (at the same place, the one moved there
        first; without a place, last)."""

        def order(item):
            index, form = item
            place = form.cleaned_data.get("place")
            moved = place != form.initial.get("place")
            return (place is None, place or 0, not moved, index)

        kept = [(i, form) for i, form in enumerate(self.forms) if not form.is_blank()]
        return [form.row() for _index, form in sorted(kept, key=order)]


SchemeFormSet = forms.formset_factory(SchemePeriodForm, formset=BaseSchemeFormSet, extra=2)


class SchemePresetForm(StyledForm):
    """Start the scheme again from one of the presets."""

    preset = forms.ChoiceField(
        label=_("Preset"), choices=[(key, label) for key, (label, _rows) in PRESETS.items()]
    )
