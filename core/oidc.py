"""Single sign-on with OpenID Connect, through mozilla-django-oidc, configured from the
environment (`OIDC_*` in `config/settings.py`).

mozilla-django-oidc wants each endpoint of the provider as a setting; Styrkort is given the
issuer instead and reads the endpoints from its discovery document
(`/.well-known/openid-configuration`), fetched when someone signs in and kept for an hour. The
ID token is checked as the library does (signature by the provider's keys, nonce) and also for
its issuer and audience, which the library leaves out.

Who a set of claims is, is the app's to say: `OIDCBackend.match` is implemented by the backend
named in `AUTHENTICATION_BACKENDS` (`planning.sso`), since core imports no app. Nobody is ever
created here: a sign-in that matches no account is refused, with the reason shown on the login
page in the user's language. Without `OIDC_ISSUER` and `OIDC_CLIENT_ID` everything here answers
404 and the login page offers no sign-in with the organisation's account.
"""

import logging
import threading
import time
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_SECONDS = 60 * 60
# mozilla-django-oidc's endpoint settings and the discovery document's names for them.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}

_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


def sso_enabled() -> bool:
    """Whether single sign-on is configured: an issuer and a client id."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def discovery_url(issuer: str) -> str:
    """The discovery document's address: the issuer's, or the address itself if given."""
    issuer = issuer.strip()
    if issuer.endswith(DISCOVERY_PATH):
        return issuer
    return issuer.rstrip("/") + DISCOVERY_PATH


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document (cached for an hour); ProviderUnavailable if it cannot
    be read or lacks an endpoint."""
    url = discovery_url(settings.OIDC_ISSUER)
    with _lock:
        cached = _discovered.get(url)
        if cached is not None and time.monotonic() - cached[0] < DISCOVERY_SECONDS:
            return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("OpenID Connect discovery at %s failed: %s", url, error)
        raise ProviderUnavailable(url) from error
    missing = [name for name in ("issuer", *ENDPOINTS.values()) if not document.get(name)]
    if missing:
        logger.warning("OpenID Connect discovery at %s lacks %s", url, ", ".join(missing))
        raise ProviderUnavailable(url)
    with _lock:
        _discovered[url] = (time.monotonic(), document)
    return document


def forget_provider_metadata() -> None:
    """Forget the cached discovery documents (after the provider changed, and in tests)."""
    with _lock:
        _discovered.clear()


def oidc_setting(name: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting: an endpoint from the discovery document, anything else
    from the settings."""
    if name in ENDPOINTS:
        return provider_metadata()[ENDPOINTS[name]]
    return import_from_settings(name, *default)


def unavailable_message() -> str:
    return _(
        "Your organisation's login service does not answer. Try again in a while, or log in "
        "with your user name and password."
    )


def is_sso_attempt(request: HttpRequest, credentials: dict | None = None) -> bool:
    """Whether a login attempt is a single sign-on's (its credentials carry the nonce): the
    login throttle (django-axes, `AXES_WHITELIST_CALLABLE`) leaves it alone. The provider
    checks the password; a refused sign-in guesses nothing, and a town hall behind one address
    must not be shut out because a few people without an account tried."""
    return bool(credentials) and "nonce" in credentials


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs a person in with the provider's claims, into the account `match` names.

    Subclasses implement `match(claims) -> (user, refusal)`: the account, or None and why
    not, in the user's language. The endpoints are read when someone signs in, not when the
    backend is made (Django makes one for every login and every request's user).
    """

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs):
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None  # a password login, or SSO is off
        if not (request.GET.get("code") and request.GET.get("state")):
            return None
        try:
            for name in ENDPOINTS:
                setattr(self, name, oidc_setting(name))
        except ProviderUnavailable:
            request.sso_refusal = unavailable_message()
            return None
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            # The provider refused the code (a wrong client secret...) or did not answer.
            logger.warning("Single sign-on failed at the provider: %s", error)
            return None

    def verify_token(self, token, **kwargs):
        """The library's checks (signature, nonce), and the token's issuer and audience."""
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != provider_metadata()["issuer"]:
            raise SuspiciousOperation("The ID token was not issued by the configured provider.")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not meant for this client.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """The account the claims (of the ID token and the user info) match; never a new one."""
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        user, refusal = self.match(claims)
        if user is None:
            self.request.sso_refusal = refusal
            logger.info("Single sign-on refused: %s", refusal)
            return None
        return self.update_user(user, claims)

    def match(self, claims: dict[str, Any]):
        raise NotImplementedError

    def get_user(self, user_id):
        """The signed-in user of a session, while active (the library's skips that check: a
        person deactivated after signing in would stay signed in)."""
        return ModelBackend.get_user(self, user_id)

    def create_user(self, claims):
        raise SuspiciousOperation("Single sign-on never creates an account.")


class SSOLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider to sign in (404 when SSO is not configured)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)  # the endpoint is read in `get`

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            messages.error(request, unavailable_message())
            return redirect(settings.LOGIN_URL)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SSOCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signed in and on to the start page, or back
    on the login page saying why not."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        return super().get(request)

    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "sso_refusal", "")
        user = getattr(self, "user", None)
        if not reason and user is not None and not user.is_active:
            reason = _("Your account is deactivated. Ask your organisation's administrator.")
        messages.error(
            self.request,
            reason
            or _(
                "The login with your organisation's account did not succeed. Try again, or "
                "log in with your user name and password."
            ),
        )
        return super().login_failure()


class LoginView(auth_views.LoginView):
    """Django's login page, offering the organisation's account when SSO is configured."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso_enabled()
        return context
