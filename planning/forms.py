"""Forms for planning, and what every form of the project shares (the look, the renderer)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting


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
