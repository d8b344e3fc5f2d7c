"""A person's own pages: setting a password from an invitation's one-time link (Django's
password reset machinery, our pages) and their settings. The password reset pages themselves
are Django's views with our templates and forms (see `config.urls`)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from core.oidc import sso_enabled
from planning.forms import PersonSettingsForm, StyledSetPasswordForm
from planning.models import PersonSettings
from planning.services import person_settings_save


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invited person chooses their password; the link works once, for an active account,
    within PASSWORD_RESET_TIMEOUT. Then they log in. Where single sign-on is configured, they
    may log in with their organisation's account instead."""

    template_name = "registration/invitation_accept.html"
    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("login")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso_enabled()  # or sign in with the organisation's account
        return context

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is set. Log in with %(username)s and your new password.")
            % {"username": form.user.get_username()},
        )
        return response


invitation_accept = InvitationAcceptView.as_view()


@login_required
def my_settings(request: HttpRequest) -> HttpResponse:
    """The person's own settings: the language of their e-mails and their reminders."""
    current = PersonSettings.objects.filter(user=request.user).first()
    form = PersonSettingsForm(request.POST or None, instance=current or PersonSettings())
    if request.method == "POST" and form.is_valid():
        person_settings_save(
            user=request.user,
            language=form.cleaned_data["language"],
            reminders=form.cleaned_data["reminders"],
            actor=request.user,
        )
        messages.success(request, _("Your settings were saved."))
        return redirect("planning:my_settings")
    return render(request, "planning/my_settings.html", {"form": form})
