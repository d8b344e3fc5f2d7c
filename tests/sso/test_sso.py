"""Single sign-on with OpenID Connect against a real provider (oidc-provider-mock on 127.0.0.1),
through Django's test client: the browser's redirects are followed by hand.

People are matched to their existing account by e-mail or by employee id; roles stay in
Styrkort; a sign-in that matches nobody is refused with a message and nothing is created.
"""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from core import oidc
from planning.models import EmployeeNumber, Role
from planning.services import employee_number_set, membership_grant, person_invite
from tests.sso.conftest import add_identity

TESTSERVER = "http://testserver"
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def manager(organisation, units, django_user_model):
    user = django_user_model.objects.create_user(
        "enhetschef", email="Erik.Nilsson@Testkommun.se", password="pw", first_name="Erik"
    )
    membership_grant(
        user=user, organisation=organisation, unit=units["unit_a"], role=Role.UNIT_MANAGER,
        actor=None,
    )  # fmt: skip
    return user


def sign_in(client, provider: str, sub: str, next_url: str = "", language: str = "en"):
    """Start at Styrkort, sign in at the provider as `sub`, come back: Styrkort's answer."""
    headers = {"accept-language": language}
    start = reverse("sso_login") + (f"?next={next_url}" if next_url else "")
    response = client.get(start, headers=headers)
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(f"{provider}/oauth2/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["redirect_uri"] == [f"{TESTSERVER}/sso/callback/"]
    assert query["nonce"] and query["state"]
    answer = httpx.post(authorize, data={"sub": sub})
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{TESTSERVER}/sso/callback/"
    return client.get(f"{back.path}?{back.query}", headers=headers)


def logged_in_as(client):
    return client.get(reverse("home")).wsgi_request.user


def test_a_person_signs_in_by_email_and_keeps_their_roles(client, sso, manager):
    config = sso(TESTSERVER)
    add_identity(config.provider, "u-104233", email="erik.nilsson@testkommun.se")
    response = sign_in(client, config.provider, "u-104233")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_as(client) == manager
    assert list(manager.memberships.values_list("role", flat=True)) == [Role.UNIT_MANAGER]
    assert get_user_model().objects.count() == 1


def test_the_next_page_is_kept(client, sso, manager):
    config = sso(TESTSERVER)
    add_identity(config.provider, "u-104233", email="erik.nilsson@testkommun.se")
    response = sign_in(client, config.provider, "u-104233", next_url="/reports/reporting/")
    assert response["Location"] == "/reports/reporting/"


def test_an_address_that_matches_nobody_is_refused_and_nothing_is_created(client, sso, manager):
    config = sso(TESTSERVER)
    add_identity(config.provider, "u-999", email="okand@example.se")
    users_before = list(get_user_model().objects.values_list("pk", flat=True))
    response = sign_in(client, config.provider, "u-999")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login"), headers=ENGLISH).text
    assert "Nobody in Styrkort has the e-mail address okand@example.se" in page
    assert "no account was created" in page
    assert not logged_in_as(client).is_authenticated
    assert list(get_user_model().objects.values_list("pk", flat=True)) == users_before


def test_the_refusal_is_in_the_users_language(client, sso, manager):
    config = sso(TESTSERVER)
    add_identity(config.provider, "u-999", email="okand@example.se")
    sign_in(client, config.provider, "u-999", language="sv")
    page = client.get(reverse("login"), headers={"accept-language": "sv"}).text
    assert "Ingen i Styrkort har e-postadressen okand@example.se" in page


def test_a_deactivated_person_is_refused(client, sso, manager):
    config = sso(TESTSERVER)
    manager.is_active = False
    manager.save()
    add_identity(config.provider, "u-104233", email="erik.nilsson@testkommun.se")
    sign_in(client, config.provider, "u-104233")
    assert "Your account is deactivated" in client.get(reverse("login"), headers=ENGLISH).text
    assert not logged_in_as(client).is_authenticated


def test_an_unverified_address_is_refused(client, sso, manager):
    config = sso(TESTSERVER)
    add_identity(
        config.provider, "u-104233", email="erik.nilsson@testkommun.se", email_verified=False
    )
    sign_in(client, config.provider, "u-104233")
    assert not logged_in_as(client).is_authenticated


def test_people_are_matched_by_employee_id_when_configured(client, sso, manager):
    config = sso(TESTSERVER, OIDC_MATCH_ON="employee_id", OIDC_MATCH_CLAIM="employee_number")
    employee_number_set(user=manager, number="104233", actor=None)
    # The same e-mail address would match; the employee id decides.
    add_identity(config.provider, "a", email="someone@else.se", employee_number="104233")
    sign_in(client, config.provider, "a")
    assert logged_in_as(client) == manager
    client.logout()
    add_identity(config.provider, "b", email="erik.nilsson@testkommun.se", employee_number="1")
    sign_in(client, config.provider, "b")
    page = client.get(reverse("login"), headers=ENGLISH).text
    assert "Nobody in Styrkort has the employee id 1" in page
    assert not logged_in_as(client).is_authenticated


def test_an_invited_person_signs_in_instead_of_choosing_a_password(
    client, sso, organisation, units, settings
):
    config = sso(TESTSERVER)
    person = person_invite(
        email="ny.chef@testkommun.se", first_name="Ny", last_name="Chef",
        employee_number=" 5501 ", organisation=organisation, role=Role.UNIT_MANAGER,
        unit=units["unit_b"], site_url=TESTSERVER, actor=None,
    )  # fmt: skip
    (sent,) = mail.outbox
    assert f"{TESTSERVER}/login/" in sent.body  # the way in without a password
    assert EmployeeNumber.objects.get(user=person).number == "5501"
    assert not person.has_usable_password()
    add_identity(config.provider, "n", email="ny.chef@testkommun.se")
    sign_in(client, config.provider, "n")
    assert logged_in_as(client) == person
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_a_token_from_another_issuer_is_refused(client, sso, manager, monkeypatch):
    config = sso(TESTSERVER)
    add_identity(config.provider, "u-104233", email="erik.nilsson@testkommun.se")
    real = oidc.provider_metadata()
    # Styrkort was told of another issuer than the one that signs the token.
    monkeypatch.setattr(
        oidc, "provider_metadata", lambda: {**real, "issuer": "https://idp.example"}
    )
    response = sign_in(client, config.provider, "u-104233")
    assert response.status_code == 400
    assert not logged_in_as(client).is_authenticated


def test_a_client_the_provider_does_not_know_is_told_so(client, sso, manager, settings):
    config = sso(TESTSERVER)
    add_identity(config.provider, "u-104233", email="erik.nilsson@testkommun.se")
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"
    sign_in(client, config.provider, "u-104233")
    page = client.get(reverse("login"), headers=ENGLISH).text
    assert "The login with your organisation&#x27;s account did not succeed" in page
    assert not logged_in_as(client).is_authenticated


def test_refused_sign_ins_do_not_lock_out_the_address(client, sso, manager, settings):
    """The login throttle counts password guesses: a town hall behind one address is not shut
    out of single sign-on because a few people without an account tried it."""
    config = sso(TESTSERVER)
    add_identity(config.provider, "u-999", email="okand@example.se")
    add_identity(config.provider, "u-104233", email="erik.nilsson@testkommun.se")
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(client, config.provider, "u-999")
    response = sign_in(client, config.provider, "u-104233")
    assert response.status_code == 302
    assert logged_in_as(client) == manager


# --- Configuration and the login page -------------------------------------------------------------


def test_without_configuration_there_is_no_sso(client, settings):
    settings.OIDC_ISSUER = ""
    settings.OIDC_RP_CLIENT_ID = ""
    assert client.get(reverse("sso_login")).status_code == 404
    assert client.get(reverse("sso_callback") + "?code=x&state=y").status_code == 404
    page = client.get(reverse("login"), headers=ENGLISH).text
    assert "Log in with your organisation's account" not in page
    assert 'name="password"' in page


def test_the_login_page_offers_the_organisations_account(client, sso):
    sso(TESTSERVER)
    page = client.get(reverse("login") + "?next=/plans/", headers=ENGLISH).text
    assert "Log in with your organisation's account" in page
    assert 'href="/sso/login/?next=/plans/"' in page
    assert 'name="password"' in page  # local accounts still log in with a password


def test_a_provider_that_does_not_answer_is_explained(client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/"  # nothing listens on the discard port
    settings.OIDC_RP_CLIENT_ID = "styrkort"
    settings.OIDC_TIMEOUT = 2
    response = client.get(reverse("sso_login"), headers=ENGLISH)
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login"), headers=ENGLISH).text
    assert "Your organisation&#x27;s login service does not answer" in page
