"""The planner's plan pages: list, create, edit, life cycle, follow-up periods; who may see and
do what; no lost updates; query counts that do not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.models import FollowUpPeriod, Plan
from planning.services import (
    organisation_create,
    periods_ensure_year,
    plan_create,
    plan_set_status,
    plan_update,
    relation_add,
)
from tests.planner_roles import as_user

pytest_plugins = ["tests.planner_roles"]

READERS = ["planner", "administrator", "committee", "own_manager"]
EDITORS = ["planner", "administrator"]
NOT_EDITORS = ["committee", "own_manager", "other_manager"]


def plan_form_data(plan=None, **changes):
    data = {
        "kind": "operational_plan",
        "name": "Verksamhetsplan Omsorg 2024",
        "start_year": "2024",
        "end_year": "2024",
        "organisation": "",
        "owner_unit": "",
        "parent": "",
        "decided_by": "Kommunstyrelsen",
        "decision_date": "",
        "decision_paragraph": "§ 12",
        "registration_number": "2023/101-012",
        "valid_from": "2024-01-01",
        "responsible": "Omsorgschef Sara Johansson",
        "vision": "Den livskraftiga kommunen",
        "core_values": "Mod, Glädje och Respekt",
        "steering_documents": "Socialtjänstlagen",
        "gender_equality": "Jämställd service",
        "child_rights": "Barnets bästa först",
        "sustainability": "Hållbar omsorg",
    }
    if plan is not None:
        data.update(
            kind=plan.kind,
            name=plan.name,
            start_year=str(plan.start_year),
            end_year=str(plan.end_year),
            owner_unit=str(plan.owner_unit_id or ""),
            version=str(plan.version),
        )
    data.update(changes)
    return data


# --- Who may do what ----------------------------------------------------------------------------


def read_urls(plan):
    return [reverse("planning:plan_detail", args=[plan.pk])]


def change_pages(plan):
    return [
        reverse("planning:plan_update", args=[plan.pk]),
        reverse("planning:plan_create"),
        reverse("planning:period_list"),
    ]


def change_posts(plan, period):
    return [
        (reverse("planning:plan_set_status", args=[plan.pk]), {"status": "consultation"}),
        (
            reverse("planning:periods_create", args=[plan.organisation_id]),
            {"year": "2024"},
        ),
        (reverse("planning:period_set_open", args=[period.pk]), {"is_open": "1"}),
    ]


# The follow-up periods are the whole organisation's: a planner of one unit does not manage
# them (see tests/planning/test_permissions.py).
PERIOD_PAGES = {"/plans/periods/"}
PERIOD_POSTS = 2


@pytest.fixture
def period(periods):
    return periods[0]


def test_anonymous_users_are_sent_to_log_in(client, plan, period):
    urls = [reverse("planning:plan_list"), *read_urls(plan), *change_pages(plan)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    for url, data in change_posts(plan, period):
        assert client.post(url, data).status_code == 302, url
    assert FollowUpPeriod.objects.filter(is_open=True).count() == 0


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_plan(client, people, plan, role):
    as_user(client, people, role)
    assert client.get(reverse("planning:plan_list")).status_code == 200
    for url in read_urls(plan):
        assert client.get(url).status_code == 200, url


def test_a_unit_manager_of_another_branch_does_not_see_the_plan(client, people, plan):
    as_user(client, people, "other_manager")
    response = client.get(reverse("planning:plan_list"))
    assert plan.name not in response.text
    for url in read_urls(plan):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_only_planners_and_administrators_change_anything(client, people, plan, period, role):
    as_user(client, people, role)
    for url in change_pages(plan):
        assert client.get(url).status_code == 404, url
    for url, data in change_posts(plan, period):
        assert client.post(url, {**data, "version": plan.version}).status_code == 404, url
    plan.refresh_from_db()
    period.refresh_from_db()
    assert (plan.status, period.is_open) == ("draft", False)
    assert FollowUpPeriod.objects.filter(year=2024).count() == 0


def test_the_administrator_changes_the_plan_and_the_periods(client, people, plan, period):
    as_user(client, people, "administrator")
    for url in change_pages(plan):
        assert client.get(url).status_code == 200, url
    for url, data in change_posts(plan, period):
        assert client.post(url, {**data, "version": plan.version}).status_code == 302, url
    plan.refresh_from_db()
    period.refresh_from_db()
    assert (plan.status, period.is_open) == ("consultation", True)
    assert FollowUpPeriod.objects.filter(year=2024).count() == 3


def test_the_unit_planner_changes_the_plan_but_not_the_periods(client, people, plan, period):
    as_user(client, people, "planner")
    for url in change_pages(plan):
        expected = 404 if url in PERIOD_PAGES else 200
        assert client.get(url).status_code == expected, url
    posts = change_posts(plan, period)
    for url, data in posts[:-PERIOD_POSTS]:
        assert client.post(url, {**data, "version": plan.version}).status_code == 302, url
    for url, data in posts[-PERIOD_POSTS:]:
        assert client.post(url, data).status_code == 404, url
    plan.refresh_from_db()
    period.refresh_from_db()
    assert (plan.status, period.is_open) == ("consultation", False)
    assert FollowUpPeriod.objects.filter(year=2024).count() == 0


def test_changes_are_post_only(client, people, plan, period):
    as_user(client, people, "planner")
    for url, _data in change_posts(plan, period):
        assert client.get(url).status_code == 405, url


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_only_plans_the_user_may_read(client, people, plan, units):
    other = organisation_create(name="Annan kommun", actor=None)
    plan_create(
        organisation=other, kind="strategy", name="Främmande plan", start_year=2023,
        end_year=2030, actor=None,
    )  # fmt: skip
    as_user(client, people, "planner")
    response = client.get(reverse("planning:plan_list"))
    assert plan.name in response.text
    assert "Främmande plan" not in response.text


@pytest.fixture
def many_plans(plan, organisation, units):
    made = []
    for year in range(2010, 2040):
        made.append(
            plan_create(
                organisation=organisation,
                owner_unit=units["unit_a"] if year % 2 else units["operation"],
                kind="activity_plan" if year % 3 else "strategy",
                name=f"Plan {year}",
                start_year=year,
                end_year=year + 1,
                actor=None,
            )
        )
    return made


def test_the_list_filters_by_kind_status_year_and_unit(client, people, plan, many_plans, units):
    plan_set_status(plan=many_plans[0], status="consultation", actor=None, expected_version=1)
    as_user(client, people, "planner")
    url = reverse("planning:plan_list")

    def names(**query):
        table = client.get(url, query).context["table"]
        return {row.record.name for row in table.paginated_rows}

    assert names(status="consultation") == {"Plan 2010"}
    assert names(year="2023") == {"Verksamhetsplan Omsorg 2023", "Plan 2022", "Plan 2023"}
    assert names(kind="strategy", year="2013") == {"Plan 2013"}
    assert names(owner_unit=units["unit_a"].pk, year="2012") == {"Plan 2011"}
    assert names(name="omsorg") == {"Verksamhetsplan Omsorg 2023"}


def test_the_list_sorts_and_pages(client, people, plan, many_plans):
    as_user(client, people, "planner")
    url = reverse("planning:plan_list")
    first_page = client.get(url, {"sort": "name"})
    rows = [row.record.name for row in first_page.context["table"].paginated_rows]
    assert rows[:2] == ["Plan 2010", "Plan 2011"]
    assert len(rows) == 25
    second = client.get(url, {"sort": "name", "page": 2})
    assert [row.record.name for row in second.context["table"].paginated_rows][-1] == (
        "Verksamhetsplan Omsorg 2023"
    )
    assert 'aria-sort="ascending"' in first_page.text


def test_the_list_query_count_does_not_grow_with_plans(
    client, people, plan, organisation, units, django_assert_num_queries
):
    as_user(client, people, "planner")
    url = reverse("planning:plan_list")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for year in range(2000, 2020):
        plan_create(
            organisation=organisation, owner_unit=units["operation"], kind="strategy",
            name=f"Plan {year}", start_year=year, end_year=year, actor=None,
        )  # fmt: skip
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["table"].paginated_rows) == 21


# --- Creating and editing -----------------------------------------------------------------------


def test_a_planner_creates_a_plan_with_all_its_facts(client, people, plan, organisation, units):
    partner = organisation_create(name="Region Västerbotten", kind="region", actor=None)
    relation_add(organisation=organisation, related=partner, actor=None)
    relation_add(organisation=partner, related=organisation, actor=None)
    as_user(client, people, "planner")
    data = plan_form_data(
        organisation=str(organisation.pk),
        owner_unit=str(units["unit_a"].pk),
        parent=str(plan.pk),
        partner_organisations=[str(partner.pk)],
        decision_date="2023-11-28",
    )
    response = client.post(reverse("planning:plan_create"), data)
    created = Plan.objects.get(name="Verksamhetsplan Omsorg 2024")
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:plan_detail", args=[created.pk])
    assert created.status == "draft"
    assert created.owner_unit == units["unit_a"]
    assert created.parent == plan
    assert list(created.partner_organisations.all()) == [partner]
    assert created.decision_date == datetime.date(2023, 11, 28)
    assert (created.gender_equality, created.child_rights, created.sustainability) == (
        "Jämställd service",
        "Barnets bästa först",
        "Hållbar omsorg",
    )
    assert created.history.get().history_user == people.planner
    page = client.get(response["Location"])
    for text in ("2023/101-012", "§ 12", "Barnets bästa först", "Region Västerbotten"):
        assert text in page.text


def test_a_unit_planner_can_only_own_plans_with_their_units(en_client, people, organisation, units):
    as_user(en_client, people, "planner")
    outside = en_client.post(
        reverse("planning:plan_create"),
        plan_form_data(organisation=str(organisation.pk), owner_unit=str(units["committee"].pk)),
    )
    without = en_client.post(
        reverse("planning:plan_create"), plan_form_data(organisation=str(organisation.pk))
    )
    assert outside.status_code == without.status_code == 200
    assert "Choose one of the units offered" in outside.text
    assert "Choose the unit that owns the plan" in without.text
    assert 'id="id_owner_unit_error"' in without.text
    assert 'aria-describedby="id_owner_unit_error"' in without.text
    assert not Plan.objects.filter(name="Verksamhetsplan Omsorg 2024").exists()


def test_an_administrator_may_make_a_joint_plan_without_owner_unit(client, people, organisation):
    as_user(client, people, "administrator")
    response = client.post(
        reverse("planning:plan_create"), plan_form_data(organisation=str(organisation.pk))
    )
    assert response.status_code == 302
    assert Plan.objects.get(name="Verksamhetsplan Omsorg 2024").owner_unit is None


def test_editing_saves_the_facts(client, people, plan):
    as_user(client, people, "planner")
    response = client.post(
        reverse("planning:plan_update", args=[plan.pk]),
        plan_form_data(plan, vision="En ny vision", registration_number="2022/455-012"),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.vision, plan.registration_number, plan.version) == (
        "En ny vision",
        "2022/455-012",
        2,
    )


def test_an_edit_on_an_old_version_shows_what_the_other_changed_and_keeps_my_input(
    en_client, people, plan
):
    as_user(en_client, people, "planner")
    url = reverse("planning:plan_update", args=[plan.pk])
    loaded = en_client.get(url).context["form"]["version"].value()
    # Meanwhile the administrator changes the vision and the name.
    plan_update(
        plan=Plan.objects.get(pk=plan.pk),
        actor=people.administrator,
        expected_version=plan.version,
        vision="Administratörens vision",
        name="Omsorg 2023 (reviderad)",
    )
    mine = plan_form_data(plan, version=str(loaded), core_values="Mina värdeord")
    response = en_client.post(url, mine)

    assert response.status_code == 200
    assert "Someone else saved this while you were editing" in response.text
    assert "Johan Testsson" in response.text
    text = " ".join(response.text.split())
    assert (
        '<span class="changes__label">Vision:</span> <del>(empty)</del> '
        '<span aria-hidden="true">→</span><span class="ds-sr-only">changed to</span> '
        "<ins>Administratörens vision</ins>"
    ) in text
    assert "<del>Verksamhetsplan Omsorg 2023</del>" in text
    form = response.context["form"]
    assert form["core_values"].value() == "Mina värdeord"
    assert form["version"].value() == "2"
    plan.refresh_from_db()
    assert plan.core_values == ""

    # Saving again is based on the version the user has now seen.
    again = en_client.post(url, {**mine, "version": "2"})
    assert again.status_code == 302
    plan.refresh_from_db()
    assert (plan.core_values, plan.version) == ("Mina värdeord", 3)


def test_a_decided_plan_cannot_be_edited(en_client, people, plan):
    plan_set_status(
        plan=plan, status="decided", actor=None, expected_version=1,
        decision_date=datetime.date(2022, 11, 29),
    )  # fmt: skip
    as_user(en_client, people, "planner")
    url = reverse("planning:plan_update", args=[plan.pk])
    response = en_client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("planning:plan_detail", args=[plan.pk])
    assert "decided and locked" in response.text
    assert "Reopen as draft" in response.text
    assert en_client.post(url, plan_form_data(plan, vision="Smög in")).status_code == 302
    plan.refresh_from_db()
    assert plan.vision == ""


# --- Life cycle ---------------------------------------------------------------------------------


def test_deciding_from_the_plan_page(en_client, people, plan):
    as_user(en_client, people, "planner")
    url = reverse("planning:plan_set_status", args=[plan.pk])
    refused = en_client.post(
        url, {"status": "decided", "version": plan.version, "decision_date": ""}, follow=True
    )
    assert "A decided plan needs its decision date." in refused.text
    decided = en_client.post(
        url,
        {"status": "decided", "version": plan.version, "decision_date": "2022-11-29"},
        follow=True,
    )
    plan.refresh_from_db()
    assert plan.status == "decided"
    assert plan.decided_at is not None
    assert "The plan is decided and locked." in decided.text
    assert reverse("authoring:plan_decided", args=[plan.pk]) in decided.text


def test_a_stale_status_change_says_so(en_client, people, plan):
    as_user(en_client, people, "planner")
    plan_update(plan=plan, actor=None, name="Ändrad")
    response = en_client.post(
        reverse("planning:plan_set_status", args=[plan.pk]),
        {"status": "consultation", "version": "1"},
        follow=True,
    )
    assert "Someone else changed the plan after you opened it" in response.text
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_the_plan_page_offers_only_the_possible_steps(en_client, people, plan):
    as_user(en_client, people, "planner")
    page = en_client.get(reverse("planning:plan_detail", args=[plan.pk])).text
    assert "Send out for consultation" in page
    assert ">Archive</button>" not in page
    as_user(en_client, people, "committee")
    page = en_client.get(reverse("planning:plan_detail", args=[plan.pk])).text
    assert "Send out for consultation" not in page
    assert reverse("planning:plan_update", args=[plan.pk]) not in page


# --- Follow-up periods ----------------------------------------------------------------------------


def test_periods_are_listed_created_opened_and_closed(en_client, people, organisation):
    as_user(en_client, people, "administrator")
    list_url = reverse("planning:period_list")
    created = en_client.post(
        reverse("planning:periods_create", args=[organisation.pk]), {"year": "2024"}, follow=True
    )
    assert "3 periods of 2024 were created." in created.text
    periods = list(FollowUpPeriod.objects.filter(year=2024).order_by("starts_on"))
    assert [p.kind for p in periods] == ["T1", "T2", "T3"]
    again = en_client.post(
        reverse("planning:periods_create", args=[organisation.pk]), {"year": "2024"}, follow=True
    )
    assert "The periods of 2024 already exist." in again.text
    en_client.post(reverse("planning:period_set_open", args=[periods[1].pk]), {"is_open": "1"})
    periods[1].refresh_from_db()
    assert periods[1].is_open
    page = en_client.get(list_url, {"organisation": organisation.pk, "year": 2024})
    assert "Close Tertial 2" in page.text
    en_client.post(reverse("planning:period_set_open", args=[periods[1].pk]), {"is_open": "0"})
    periods[1].refresh_from_db()
    assert not periods[1].is_open


def test_another_organisations_periods_are_out_of_reach(client, people):
    other = organisation_create(name="Annan kommun", actor=None)
    foreign = periods_ensure_year(organisation=other, year=2024, actor=None)[0]
    as_user(client, people, "administrator")
    assert (
        client.get(reverse("planning:period_list"), {"organisation": other.pk}).status_code == 404
    )
    response = client.post(reverse("planning:period_set_open", args=[foreign.pk]), {"is_open": "1"})
    assert response.status_code == 404
    assert (
        client.post(
            reverse("planning:periods_create", args=[other.pk]), {"year": "2025"}
        ).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert not foreign.is_open


def test_an_edit_cannot_move_the_plan_to_another_organisation(client, people, plan):
    other = organisation_create(name="Annan kommun", actor=None)
    as_user(client, people, "administrator")
    response = client.post(
        reverse("planning:plan_update", args=[plan.pk]),
        plan_form_data(plan, organisation=str(other.pk), vision="Ny"),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.organisation_id, plan.vision) == (
        people.planner.memberships.get().organisation_id,
        "Ny",
    )
