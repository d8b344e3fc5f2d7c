"""Forms of the password pages: asking for a reset link, setting a password from a link."""

from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from core.forms import StyledFormMixin


class StyledPasswordResetForm(StyledFormMixin, PasswordResetForm):
    pass


class StyledSetPasswordForm(StyledFormMixin, SetPasswordForm):
    pass
