"""What every form shares: Designsystemet's look, the field renderer, the version an edit
was based on, and small widgets."""

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy

# The empty choice of every select ("---------" before Django 6.1). Django 6.1's own catalogues
# have no Swedish or Norwegian for it, so the message is in Styrkort's catalogue (this line puts
# it there) and translated there; Django's lazy label finds it in every language.
BLANK_CHOICE_LABEL = gettext_lazy("- Select an option -")


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
