"""Login throttling with django-axes, on every login form (the site's and the admin's).

After `AXES_FAILURE_LIMIT` failed logins with one user name from one address, that user name is
refused from that address, the right password too, for `AXES_COOLOFF_TIME` (counted from the
last try) or, without a cool-off, until an administrator unlocks it: in the admin (Access
attempts: delete the row) or with `manage.py axes_reset_username NAME`.
"""

import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LOCKED_OUT = 429  # Too Many Requests


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out login before the password is checked (put it first).

    Only logins through a form, which come with a request, are counted and throttled:
    `authenticate()` without one (the shell, the test client's `login()`) is not, where
    django-axes' own backend would raise an error.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind the TLS proxy (`SECURE_PROXY_SSL_HEADER` set), the last
    address of X-Forwarded-For, the one the proxy itself added; otherwise the peer's."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    """Why the login is refused, in the user's language."""
    cool_off = settings.AXES_COOLOFF_TIME
    if not cool_off:
        return _("Too many failed logins with this user name. Ask an administrator to unlock it.")
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    return ngettext(
        "Too many failed logins with this user name. Try again in %(minutes)d minute, or ask an "
        "administrator to unlock it.",
        "Too many failed logins with this user name. Try again in %(minutes)d minutes, or ask "
        "an administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The login page again (the site's or the admin's), saying why the login is refused.

    django-axes calls this (`AXES_LOCKOUT_CALLABLE`) for a locked-out login; the login view has
    rendered its form with "wrong password", which is replaced with the lockout message.
    """
    message = lockout_message()
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if form is None or not form.is_bound:
        return HttpResponse(message, status=LOCKED_OUT, content_type="text/plain; charset=utf-8")
    form.errors.clear()
    form.add_error(None, ValidationError(message, code="locked_out"))
    original_response.content = original_response.rendered_content
    original_response.status_code = LOCKED_OUT
    return original_response
