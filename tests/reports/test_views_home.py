"""The start page: each role lands on what it needs first."""

import re

from django.urls import reverse

from goals.evaluation import months
from goals.services import activity_status_set
from planning.models import Plan, Role
from planning.services import membership_grant, plan_create
from tests.reports import test_views_reporting as shared

# Fixtures shared with test_views_reporting (pytest finds them by name in this module).
administrator = shared.administrator
committee_member = shared.committee_member
decided_plan = shared.decided_plan
make_user = shared.make_user
manager = shared.manager
own = shared.own
planner = shared.planner
report_goal = shared.report_goal
sick_leave = shared.sick_leave
t2 = shared.t2
whole = shared.whole

ENGLISH = {"accept-language": "en"}


def home(client, user):
    client.force_login(user)
    return client.get(reverse("home"), headers=ENGLISH).text


def test_anonymous_user_is_invited_to_log_in(client, decided_plan):
    text = client.get(reverse("home"), headers=ENGLISH).text
    assert "Log in to see the plans of your units." in text
    assert decided_plan.name not in text


def test_planner_sees_the_plans_of_their_units_with_links(client, planner, decided_plan, t2):
    text = home(client, planner)
    assert "Your plans" in text
    assert decided_plan.name in text
    assert reverse("reports:overview", args=[decided_plan.pk]) in text
    # The plan is decided and T2 is open: the planner can go and report.
    assert f'href="{reverse("reports:reporting")}">Report</a>' in text
    assert "My activities and indicators this period" not in text
    assert "Your committee's plans" not in text


def test_planner_of_a_draft_plan_is_not_sent_to_report(client, planner, plan, t2):
    text = home(client, planner)
    assert plan.name in text
    assert ">Report</a>" not in text


def test_unit_manager_sees_their_reporting_this_period(client, manager, t2, whole, own):
    activity_status_set(activity=own, period=t2, status="done", actor=manager)
    text = home(client, manager)
    assert "My activities and indicators this period" in text
    assert "1 of 2 activities reported, 0 of 0 values entered." in text
    assert f"{reverse('reports:reporting')}#period-{t2.pk}" in text
    assert "Report for T2 2023" in text
    # The plan of the operation above is readable, with its overview.
    assert "Other plans you can read" in text
    assert reverse("reports:overview", args=[own.goal.plan_id]) in text


def test_unit_manager_without_an_open_period_is_told_so(client, manager, periods, whole):
    text = home(client, manager)
    assert "No follow-up period is open for reporting right now." in text


def test_committee_member_sees_the_committees_plans_with_overview_links(
    client, committee_member, decided_plan
):
    text = home(client, committee_member)
    assert "Your committee's plans" in text
    assert (
        f'<a class="ds-link" href="{reverse("reports:overview", args=[decided_plan.pk])}">'
        f"{decided_plan.name}</a>"
    ) in text
    assert "My activities and indicators this period" not in text
    assert "Your plans" not in text


def test_user_with_several_roles_sees_each_part(
    client, manager, organisation, units, decided_plan, t2, whole
):
    membership_grant(
        user=manager, organisation=organisation, unit=units["committee"],
        role=Role.COMMITTEE_MEMBER, actor=None,
    )  # fmt: skip
    membership_grant(
        user=manager, organisation=organisation, unit=units["unit_a"], role=Role.PLANNER,
        actor=None,
    )  # fmt: skip
    own_plan = plan_create(
        organisation=organisation, owner_unit=units["unit_a"], kind=Plan.Kind.ACTIVITY_PLAN,
        name="Aktivitetsplan Hemtjänst", start_year=2023, end_year=2023, actor=None,
    )  # fmt: skip
    text = home(client, manager)
    assert "My activities and indicators this period" in text
    assert "Your plans" in text and own_plan.name in text
    assert "Your committee's plans" in text and decided_plan.name in text


def test_administrator_sees_the_organisations_plans(client, administrator, decided_plan):
    text = home(client, administrator)
    assert "Your plans" in text
    assert decided_plan.name in text


def test_user_without_a_role_is_told_whom_to_ask(client, make_user):
    text = home(client, make_user("nobody"))
    assert "You have no plans yet. Ask an administrator for a role on your unit." in text


def test_home_queries_do_not_grow_with_open_work(
    client, manager, decided_plan, t2, whole, own, django_assert_max_num_queries,
    django_assert_num_queries, report_goal, settings,
):  # fmt: skip
    from goals.services import activity_create

    settings.ASSEMBLED_CACHE_SECONDS = 0  # the lists of plans assembled every time, counted
    client.force_login(manager)
    client.get(reverse("home"))
    with django_assert_max_num_queries(50) as one:
        client.get(reverse("home"))
    for number in range(20):
        activity_create(goal=report_goal, title=f"A{number}", ongoing=True,
                        evaluated_months=months(8, 12), actor=None)  # fmt: skip
    with django_assert_num_queries(len(one.captured_queries)):
        text = client.get(reverse("home"), headers=ENGLISH).text
    assert "0 of 22 activities reported" in text


def test_committee_member_finds_the_published_reports(client, committee_member, decided_plan):
    assert reverse("reports:published") in home(client, committee_member)


# --- The lists of plans, kept until the plans change ----------------------------------------------


def sections(text: str) -> list[str]:
    return re.findall(r'<section class="home-section".*?</section>', text, re.S)


def test_the_lists_of_plans_are_kept_until_a_plan_changes(
    client, planner, organisation, units, decided_plan, t2, whole, django_assert_num_queries
):
    client.force_login(planner)
    first = client.get(reverse("home"), headers=ENGLISH).text
    assert decided_plan.name in first
    with django_assert_num_queries(4):  # session, user, the stamp for the scope and the lists
        assert sections(client.get(reverse("home"), headers=ENGLISH).text) == sections(first)
    # A status in the open period shows nowhere in the lists: they stay kept.
    activity_status_set(activity=whole, period=t2, status="done", actor=planner)
    with django_assert_num_queries(4):
        assert sections(client.get(reverse("home"), headers=ENGLISH).text) == sections(first)
    # A plan renamed (without a service or a signal: the data's own stamp) shows at once.
    Plan.objects.filter(pk=decided_plan.pk).update(name="Verksamhetsplan Omsorg, reviderad")
    text = client.get(reverse("home"), headers=ENGLISH).text
    assert "Verksamhetsplan Omsorg, reviderad" in text
    assert decided_plan.name not in text
    # So does a new plan.
    plan_create(
        organisation=organisation, owner_unit=units["unit_a"], kind=Plan.Kind.ACTIVITY_PLAN,
        name="Aktivitetsplan Hemtjänst", start_year=2023, end_year=2023, actor=None,
    )  # fmt: skip
    assert "Aktivitetsplan Hemtjänst" in client.get(reverse("home"), headers=ENGLISH).text


def test_the_kept_lists_are_those_of_the_readers_scope_and_language(
    client, planner, manager, committee_member, decided_plan, t2, whole, make_user, units,
    django_assert_num_queries,
):  # fmt: skip
    twin = make_user("twin", Role.PLANNER, units["operation"])  # the planner's scope
    planner_page = home(client, planner)
    client.force_login(twin)
    with django_assert_num_queries(6):  # the planner's lists, kept: the twin's scope, no plan
        assert sections(client.get(reverse("home"), headers=ENGLISH).text) == sections(planner_page)
    # Other scopes get their own lists.
    text = home(client, manager)
    assert "Other plans you can read" in text and "Your plans" not in text
    text = home(client, committee_member)
    assert "Your committee's plans" in text and "Your plans" not in text
    # Each language its own.
    client.force_login(planner)
    swedish = client.get(reverse("home"), headers={"accept-language": "sv"}).text
    assert "Dina planer" in swedish and "Your plans" not in swedish
    # A role taken away shows at once: nothing of the old scope is served.
    planner.memberships.all().delete()
    assert decided_plan.name not in home(client, planner)
