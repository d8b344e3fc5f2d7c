"""Who a single sign-on is: the person whose Styrkort account the provider's claims name.

The organisation's login service (OpenID Connect, see `core.oidc`) says who someone is; this
finds their existing account, by e-mail address (`OIDC_MATCH_ON=email`) or by the employee id
stored on the person (`OIDC_MATCH_ON=employee_id`, `planning.models.EmployeeNumber`), read from
the claim `OIDC_MATCH_CLAIM`. Roles stay in Styrkort: the provider grants none. Nothing is
created: a sign-in that matches nobody, several people or a deactivated account is refused,
saying why in the user's language. An invited person who has not chosen a password yet may
sign in this way instead.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.oidc import OIDCBackend

EMAIL = "email"
EMPLOYEE_ID = "employee_id"


def people_matching(claims: dict[str, Any]) -> tuple[list, str]:
    """The accounts the claims name (by e-mail or employee id), and the value they were
    found by; the value is empty when the claim is missing."""
    value = claims.get(settings.OIDC_MATCH_CLAIM)
    value = str(value).strip() if value is not None else ""
    if not value:
        return [], ""
    users = get_user_model().objects.all()
    if settings.OIDC_MATCH_ON == EMPLOYEE_ID:
        users = users.filter(employee_number__number=value)
    else:
        users = users.filter(email__iexact=value)
    return list(users[:2]), value


def match(claims: dict[str, Any]) -> tuple[Any, str]:
    """The account the claims name, or None and why not (in the active language)."""
    by_employee_id = settings.OIDC_MATCH_ON == EMPLOYEE_ID
    if not by_employee_id and claims.get("email_verified") is False:
        return None, _(
            "Your organisation's login service has not verified your e-mail address, so "
            "Styrkort cannot tell who you are. Ask your organisation's administrator."
        )
    users, value = people_matching(claims)
    if not value:
        return None, _(
            "Your organisation's login service did not say your %(what)s, which Styrkort needs "
            "to find your account. Ask your organisation's administrator."
        ) % {"what": _("employee id") if by_employee_id else _("e-mail address")}
    if not users:
        if by_employee_id:
            return None, _(
                "Nobody in Styrkort has the employee id %(value)s, so you cannot log in. Ask "
                "your organisation's administrator to invite you; no account was created."
            ) % {"value": value}
        return None, _(
            "Nobody in Styrkort has the e-mail address %(value)s, so you cannot log in. Ask "
            "your organisation's administrator to invite you; no account was created."
        ) % {"value": value}
    if len(users) > 1:
        return None, _(
            "Several people in Styrkort have the e-mail address %(value)s, so Styrkort cannot "
            "tell which one you are. Ask your organisation's administrator."
        ) % {"value": value}
    user = users[0]
    if not user.is_active:
        return None, _("Your account is deactivated. Ask your organisation's administrator.")
    return user, ""


class SSOBackend(OIDCBackend):
    """The OpenID Connect backend of `AUTHENTICATION_BACKENDS`, matching people as above."""

    def match(self, claims: dict[str, Any]):
        return match(claims)
