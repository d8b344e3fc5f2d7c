"""Login throttling (django-axes, `core.throttle`) on both login forms, the site's and the
admin's: after the failure limit the right password is refused too, with a message in the
user's language, until the cool-off has passed or an administrator unlocks the user name."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from core.throttle import lockout_message

PASSWORD = "rätt-lösenord-42"
LIMIT = 3


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def planner(django_user_model):
    return django_user_model.objects.create_user("planerare", password=PASSWORD)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", password=PASSWORD)


def log_in(client, url: str, username: str, password: str, language: str = "sv"):
    return client.post(
        url, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE=language
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, url: str, username: str, times: int, language: str = "sv"):
    for _ in range(times):
        response = log_in(client, url, username, "fel", language)
    return response


def message_in(language: str) -> str:
    with translation.override(language):
        return lockout_message()


def test_the_site_login_refuses_the_right_password_after_the_limit_in_swedish(client, planner):
    login = reverse("login")
    assert fail(client, login, "planerare", LIMIT - 1).status_code == 200  # wrong password
    locked = fail(client, login, "planerare", 1)
    assert locked.status_code == 429
    assert message_in("sv") in locked.text
    assert "Försök igen om 15 minuter" in message_in("sv")

    refused = log_in(client, login, "planerare", PASSWORD)
    assert refused.status_code == 429
    assert message_in("sv") in refused.text
    assert 'name="username"' in refused.text  # the login page, saying why
    assert not logged_in(client)


def test_the_message_is_in_english_for_an_english_user(client, planner):
    fail(client, reverse("login"), "planerare", LIMIT, "en")
    refused = log_in(client, reverse("login"), "planerare", PASSWORD, "en")
    assert refused.status_code == 429
    english = message_in("en")
    assert english.startswith("Too many failed logins with this user name. Try again in 15")
    assert english in refused.text
    assert message_in("sv") != english


def test_the_admin_login_is_throttled_too(client, admin_user):
    admin_login = reverse("admin:login")
    fail(client, admin_login, "admin", LIMIT)
    refused = log_in(client, admin_login, "admin", PASSWORD)
    assert refused.status_code == 429
    assert message_in("sv") in refused.text
    assert not logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_another_user_name_and_another_address_are_not_locked(client, planner, django_user_model):
    django_user_model.objects.create_user("kollega", password=PASSWORD)
    fail(client, reverse("login"), "planerare", LIMIT)
    assert log_in(client, reverse("login"), "kollega", PASSWORD).status_code == 302
    client.logout()
    other_address = client.post(
        reverse("login"), {"username": "planerare", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert other_address.status_code == 302


def test_an_administrator_unlocks_with_the_management_command(client, planner):
    fail(client, reverse("login"), "planerare", LIMIT)
    assert log_in(client, reverse("login"), "planerare", PASSWORD).status_code == 429
    call_command("axes_reset_username", "planerare")
    assert log_in(client, reverse("login"), "planerare", PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_administrator_unlocks_in_the_admin(client, planner, admin_user):
    fail(client, reverse("login"), "planerare", LIMIT)
    attempt = AccessAttempt.objects.get(username="planerare")
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "planerare" in changelist.text
    deleted = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    client.logout()
    assert log_in(client, reverse("login"), "planerare", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, planner):
    fail(client, reverse("login"), "planerare", LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, reverse("login"), "planerare", PASSWORD).status_code == 302


def test_without_a_cool_off_only_an_administrator_unlocks(client, planner, settings):
    settings.AXES_COOLOFF_TIME = None
    fail(client, reverse("login"), "planerare", LIMIT)
    refused = log_in(client, reverse("login"), "planerare", PASSWORD, "en")
    assert "Ask an administrator to unlock it." in refused.text
    assert "Try again in" not in refused.text


def test_the_limit_and_the_cool_off_come_from_the_environment():
    from tests.test_settings import start_with

    started = start_with(AXES_FAILURE_LIMIT="0")
    assert "AXES_FAILURE_LIMIT must be at least 1, not 0." in started.stderr
    started = start_with(AXES_COOLOFF_MINUTES="soon")
    assert "AXES_COOLOFF_MINUTES must be a whole number, not 'soon'." in started.stderr
