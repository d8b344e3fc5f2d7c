"""Single sign-on end to end in real Chromium, against a real OpenID Connect provider
(oidc-provider-mock) that the test starts on 127.0.0.1: the login page offers the
organisation's account, the provider's form signs the person in, and they land on their role's
start page; a person the provider knows but Styrkort does not is refused, and nothing is made."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from planning.models import Role
from planning.services import membership_grant, period_set_open
from tests.browser import assert_no_axe_violations, new_page
from tests.sso.conftest import add_identity


@pytest.fixture
def manager(transactional_db, organisation, units, periods, django_user_model):
    """The unit manager of Hemtjänst, who has a local account without a password (invited)."""
    period_set_open(period=periods[1], is_open=True, actor=None)
    user = django_user_model.objects.create_user(
        "erik", email="erik.nilsson@testkommun.se", first_name="Erik", last_name="Nilsson"
    )
    user.set_unusable_password()
    user.save()
    membership_grant(
        user=user, organisation=organisation, unit=units["unit_a"], role=Role.UNIT_MANAGER,
        actor=None,
    )  # fmt: skip
    return user


def sign_in_at_the_provider(page, live_server, subject: str) -> None:
    page.goto(f"{live_server.url}/login/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Logga in med organisationens konto").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/oauth2/authorize"))
    page.fill("#subject-input", subject)
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_a_person_signs_in_with_the_organisations_account(live_server, browser, sso, manager):
    config = sso(live_server.url)
    add_identity(config.provider, "e104233", email="Erik.Nilsson@testkommun.se", name="Erik N")
    page = new_page(browser)
    sign_in_at_the_provider(page, live_server, "e104233")
    page.wait_for_url(f"{live_server.url}/")
    # The unit manager's start page: what they report this period.
    expect(
        page.get_by_role("heading", name="Mina aktiviteter och indikatorer den här perioden")
    ).to_be_visible()
    expect(page.locator("header")).to_contain_text("Erik")
    assert_no_axe_violations(page)
    page.context.close()


def test_a_person_styrkort_does_not_know_is_refused(live_server, browser, sso, manager):
    config = sso(live_server.url)
    add_identity(config.provider, "x1", email="okand.person@example.se")
    users_before = get_user_model().objects.count()
    page = new_page(browser)
    sign_in_at_the_provider(page, live_server, "x1")
    page.wait_for_url(f"{live_server.url}/login/")
    expect(page.locator("#messages")).to_contain_text(
        "Ingen i Styrkort har e-postadressen okand.person@example.se"
    )
    assert_no_axe_violations(page)
    assert get_user_model().objects.count() == users_before
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Logga in med organisationens konto")).to_have_count(0)
    page.context.close()
