"""An invitation through a real SMTP server: the e-mail leaves through Django's SMTP backend,
arrives at a server the test starts (aiosmtpd, on a free port), and its link sets a password
that logs the person in, once."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.smtp import free_port

pytest_plugins = ["tests.planner_roles", "tests.smtp"]


def test_an_invitation_arrives_by_smtp_and_its_link_sets_a_password_to_log_in_with(
    client, people, organisation, units, smtp_server
):
    client.force_login(people.administrator)
    response = client.post(
        reverse("planning:person_invite", args=[organisation.pk]),
        {
            "email": "karin.berg@testkommun.example",
            "first_name": "Karin",
            "last_name": "Berg",
            "role": "unit_manager",
            "unit": units["unit_a"].pk,
        },
    )
    person = get_user_model().objects.get(email="karin.berg@testkommun.example")
    assert response["Location"] == reverse(
        "planning:person_detail", args=[organisation.pk, person.pk]
    )

    (message,) = smtp_server.messages
    assert smtp_server.recipients == [["karin.berg@testkommun.example"]]
    assert message["From"] == "styrkort@testkommun.example"
    assert message["Subject"] == "Du är inbjuden till Styrkort av Testkommun"
    body = message.get_content()
    assert "Johan Testsson har bjudit in dig till Styrkort" in body
    link = re.search(r"http://testserver(/invitation/\S+/)", body).group(1)

    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert "Välkommen till Styrkort" in page.text
    set_password_url = page.redirect_chain[-1][0]
    password = "Nattpatrull-på-Hemtjänst-7"
    saved = client.post(
        set_password_url, {"new_password1": password, "new_password2": password}, follow=True
    )
    assert saved.redirect_chain[-1][0] == reverse("login")
    assert "Ditt lösenord är sparat" in saved.text

    logged_in = client.post(
        reverse("login"), {"username": "karin.berg@testkommun.example", "password": password}
    )
    assert logged_in["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.wsgi_request.user == person

    # The link works once.
    client.logout()
    again = client.get(link, follow=True)
    assert "Länken fungerar inte" in again.text


def test_an_invitation_the_mail_server_cannot_take_leaves_nothing_behind(
    client, people, organisation, units, settings
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    client.force_login(people.administrator)
    users = get_user_model().objects.count()
    response = client.post(
        reverse("planning:person_invite", args=[organisation.pk]),
        {
            "email": "karin.berg@testkommun.example",
            "first_name": "Karin",
            "last_name": "Berg",
            "role": "unit_manager",
            "unit": units["unit_a"].pk,
        },
    )
    assert response.status_code == 200
    assert "Inbjudan kunde inte skickas till karin.berg@testkommun.example" in response.text
    assert get_user_model().objects.count() == users
