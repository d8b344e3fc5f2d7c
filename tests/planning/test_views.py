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
    response = client.get(reverse("planning:home"))
    assert response.status_code == 200
    assert plan.name not in response.text
    assert reverse("admin:login") in response.text


def test_home_lists_the_users_plans_in_swedish_by_default(client, plan, planner):
    client.force_login(planner)
    response = client.get(reverse("planning:home"))
    assert plan.name in response.text
    assert '<html lang="sv">' in response.text


def test_home_query_count_does_not_grow_with_plans(
    client, plan, planner, organisation, django_assert_num_queries
):
    client.force_login(planner)
    with django_assert_num_queries(5) as one_plan:
        client.get(reverse("planning:home"))
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
        response = client.get(reverse("planning:home"))
    assert response.text.count("Verksamhetsplan") == 11
