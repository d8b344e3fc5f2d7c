import pytest
from django.urls import reverse

from planning.models import Plan, Role
from planning.services import membership_grant, plan_create


@pytest.fixture
def planner(django_user_model, organisation, units):
    user = django_user_model.objects.create_user("planerare", password="pw")
    membership_grant(
        user=user, organisation=organisation, unit=units["operation"], role=Role.PLANNER, actor=None
    )
    return user


def test_home_invites_anonymous_users_to_log_in(client, plan):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert plan.name not in response.text
    assert reverse("login") in response.text


def test_home_lists_the_users_plans_in_swedish_by_default(client, plan, planner):
    client.force_login(planner)
    response = client.get(reverse("home"))
    assert plan.name in response.text
    assert '<html lang="sv"' in response.text


def test_home_query_count_does_not_grow_with_plans(
    client, plan, planner, organisation, django_assert_num_queries, settings
):
    settings.ASSEMBLED_CACHE_SECONDS = 0  # the lists of plans assembled every time, counted
    client.force_login(planner)
    with django_assert_num_queries(5) as one_plan:
        client.get(reverse("home"))
    for year in range(2024, 2034):
        plan_create(
            organisation=organisation,
            owner_unit=plan.owner_unit,
            kind=Plan.Kind.OPERATIONAL_PLAN,
            name=f"Verksamhetsplan {year}",
            start_year=year,
            end_year=year,
            actor=None,
        )
    with django_assert_num_queries(len(one_plan.captured_queries)):
        response = client.get(reverse("home"))
    assert response.text.count("Verksamhetsplan") == 11


def test_login_page_logs_in_and_lands_on_home(client, planner):
    response = client.post(reverse("login"), {"username": "planerare", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_is_refused_with_a_message(client, planner):
    response = client.post(reverse("login"), {"username": "planerare", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="ds-alert" data-color="danger"' in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_language_switch_changes_the_page_language(client, planner):
    client.force_login(planner)
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert '<html lang="nb"' in client.get(reverse("home")).text


def test_pages_forbid_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_logout_is_post_only(client, planner):
    client.force_login(planner)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_missing_page_says_so_in_the_users_language(client, planner):
    client.force_login(planner)
    response = client.get("/plans/999999/")
    assert response.status_code == 404
    assert "<h1" in response.text and "Sidan finns inte" in response.text
    english = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert english.status_code == 404 and "Page not found" in english.text


def test_a_server_error_page_needs_no_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_an_expired_form_explains_that_nothing_was_saved(planner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    response = client.post(reverse("planning:plan_create"), {"name": "Ny plan"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "Formuläret har gått ut" in text and "Inget sparades." in text
    assert not Plan.objects.filter(name="Ny plan").exists()
