"""Forms of a person's own pages: asking for a reset link, setting a password from a link, their
settings."""

from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from core.forms import StyledFormMixin, StyledModelForm
from planning.models import PersonSettings


class StyledPasswordResetForm(StyledFormMixin, PasswordResetForm):
    pass


class StyledSetPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


class PersonSettingsForm(StyledModelForm):
    """A person's own choices (`planning.PersonSettings`)."""

    class Meta:
        model = PersonSettings
        fields = ["language", "reminders"]
