"""The planner's journey in real Chromium: log in, create a small plan, add a goal, an indicator
(watching the live band preview follow the typing, decimal comma and all) and an activity.
Every page on the way passes axe-core; the structure page also works at phone size.
"""

import datetime

import pytest
from playwright.sync_api import Page, expect

from goals.evaluation import months
from goals.models import Activity, Goal
from indicators.models import Indicator
from planning.models import Plan, Role, Unit
from planning.services import membership_grant, organisation_create, unit_create
from tests.browser import assert_no_axe_violations

PASSWORD = "planner-e2e-pw"


@pytest.fixture
def planner(transactional_db, django_user_model):
    sorsele = organisation_create(name="Sorsele kommun", municipality_code="2422", actor=None)
    committee = unit_create(
        organisation=sorsele, name="Kommunstyrelsen", kind=Unit.Kind.COMMITTEE, actor=None
    )
    operation = unit_create(
        organisation=sorsele,
        name="Omsorgsverksamheten",
        kind=Unit.Kind.OPERATION,
        parent=committee,
        actor=None,
    )
    user = django_user_model.objects.create_user(
        "planerare", password=PASSWORD, first_name="Anna", last_name="Lindqvist"
    )
    membership_grant(user=user, organisation=sorsele, unit=operation, role=Role.PLANNER, actor=None)
    return user


def preview_texts(page: Page) -> list[str]:
    return page.locator("#band-preview .bands__text").all_inner_texts()


def test_a_planner_builds_a_small_plan(live_server, browser, planner):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and errors.append(f"{response.status} {response.url}")
        ),
    )

    # Log in.
    page.goto(f"{live_server.url}/login/")
    assert_no_axe_violations(page)
    page.fill("#id_username", "planerare")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")

    # The plans list, then a new plan.
    page.goto(f"{live_server.url}/plans/")
    assert_no_axe_violations(page)
    page.locator('a[href="/plans/new/"]').first.click()
    page.wait_for_url("**/plans/new/")
    assert_no_axe_violations(page)
    page.select_option("#id_kind", "activity_plan")
    page.fill("#id_name", "Aktivitetsplan Hemtjänst 2024")
    page.fill("#id_start_year", "2024")
    page.fill("#id_end_year", "2024")
    owner = Unit.objects.get(name="Omsorgsverksamheten")
    page.select_option("#id_owner_unit", value=str(owner.pk))
    page.fill("#id_vision", "Trygg omsorg i hela kommunen")
    page.locator("form.planner-form button[type=submit]").click()
    plan = Plan.objects.get(name="Aktivitetsplan Hemtjänst 2024")
    page.wait_for_url(f"**/plans/{plan.pk}/")
    expect(page.locator("h1")).to_have_text("Aktivitetsplan Hemtjänst 2024")
    assert_no_axe_violations(page)

    # Its structure, and a goal.
    page.locator(f'a[href="/plans/{plan.pk}/structure/"]').first.click()
    page.wait_for_url(f"**/plans/{plan.pk}/structure/")
    assert_no_axe_violations(page)
    # The full-page form ("Add with all fields"; the button at the top writes in place).
    page.locator(f'a[href="/goals/plan/{plan.pk}/new/"]').last.click()
    page.wait_for_url(f"**/goals/plan/{plan.pk}/new/")  # the next page, before axe reads it
    assert_no_axe_violations(page)
    page.fill("#id_title", "Nöjda och friska medarbetare")
    page.locator("form.planner-form button[type=submit]").click()
    goal = Goal.objects.get(plan=plan)
    page.wait_for_url(f"**/plans/{plan.pk}/structure/#goal-{goal.pk}")
    expect(page.locator(f"#goal-{goal.pk}-heading")).to_have_text("1. Nöjda och friska medarbetare")

    # An indicator: the bands follow the typing.
    page.locator(f'a[href="/indicators/goal/{goal.pk}/new/"]').click()
    page.wait_for_url(f"**/indicators/goal/{goal.pk}/new/")
    assert_no_axe_violations(page)
    page.fill("#id_name", "Total sjukfrånvaro")
    page.select_option("#id_unit", "percent")
    page.fill("#id_decimals", "1")
    page.select_option("#id_direction", "lower")
    page.locator("#id_green_bound").press_sequentially("6,0")
    expect(page.locator("#band-preview .colour--green")).to_be_visible()
    expect(page.locator("#band-preview")).to_contain_text("≤ 6,0")
    page.locator("#id_red_bound").press_sequentially("5,5")
    expect(page.locator("#band-preview .band-problems")).to_contain_text(
        "När lägre är bättre måste gränsen för rött ligga över gränsen för grönt"
    )
    assert_no_axe_violations(page)
    page.locator("#id_red_bound").fill("")
    page.locator("#id_red_bound").press_sequentially("7,0")
    expect(page.locator("#band-preview .band-problems")).to_have_count(0)
    expect(page.locator("#band-preview .bands__text")).to_have_count(3)
    assert preview_texts(page) == ["≤ 6,0", "> 6,0 och < 7,0", "≥ 7,0"]
    page.locator("#id_green_bound_inclusive").uncheck()
    expect(page.locator("#band-preview")).to_contain_text("< 6,0")
    page.fill("#id_target_text", "Total sjukfrånvaro < 6 %")
    page.locator("form.planner-form button[type=submit]").click()
    indicator = Indicator.objects.get(goal=goal)
    page.wait_for_url(f"**/plans/{plan.pk}/structure/#indicator-{indicator.pk}")
    assert indicator.band_texts() == {"green": "< 6,0", "yellow": "≥ 6,0 och < 7,0", "red": "≥ 7,0"}
    row = page.locator(f"#indicator-{indicator.pk}")
    expect(row.locator(".colour--red")).to_be_visible()
    expect(row).to_contain_text("≥ 7,0")

    # An activity.
    page.locator(f'a[href="/goals/{goal.pk}/activities/new/"]').click()
    page.wait_for_url(f"**/goals/{goal.pk}/activities/new/")
    assert_no_axe_violations(page)
    page.fill("#id_title", "Vi utbildar medarbetare i MHFA")
    page.fill("#id_responsible_role", "Alla chefer")
    page.locator("#id_ongoing").check()
    expect(page.locator("#id_due_on")).to_be_disabled()
    expect(page.locator("#id_due_day")).to_be_disabled()
    page.locator("#id_ongoing").uncheck()
    page.fill("#id_due_on", "2024-06")  # <input type="month">; the day left empty
    page.get_by_role("checkbox", name="Tertial 1").check()  # the year-end is checked already
    page.locator("form.planner-form button[type=submit]").click()
    activity = Activity.objects.get(goal=goal)
    page.wait_for_url(f"**/plans/{plan.pk}/structure/#activity-{activity.pk}")
    expect(page.locator(f"#activity-{activity.pk}")).to_contain_text("Alla chefer")
    assert_no_axe_violations(page)

    # The same page on a phone: only the tables scroll sideways, not the page.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide"
    assert_no_axe_violations(page)

    assert activity.due_on == datetime.date(2024, 6, 30)
    assert activity.evaluated_months == months(4, 12)
    assert errors == []
    context.close()


def test_a_kolada_kpi_found_by_title_fills_the_indicator_form(
    live_server, browser, planner, settings
):
    from django.urls import reverse

    from goals.services import goal_create
    from planning.services import plan_create
    from tests.opendata_server import OpenDataServer, recorded_reply

    operation = Unit.objects.get(name="Omsorgsverksamheten")
    plan = plan_create(
        organisation=operation.organisation,
        owner_unit=operation,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan 2024",
        start_year=2024,
        end_year=2024,
        actor=None,
    )
    goal = goal_create(plan=plan, number=1, title="Friska medarbetare", actor=None)
    with OpenDataServer() as kolada:
        kolada.route("/v3/kpi", recorded_reply("kolada_v3_kpi_selected_omsorg_indicators.json"))
        settings.KOLADA_API_URL = kolada.url + "/v3/"
        settings.KOLADA_REQUESTS_PER_SECOND = 0
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "planerare")
        page.fill("#id_password", PASSWORD)
        page.locator("main button[type=submit]").click()
        page.goto(live_server.url + reverse("indicators:indicator_create", args=[goal.pk]))
        page.fill("#kpi-finder", "sjukfrånvaro")
        choice = page.locator('#kolada-kpi-results button[data-kpi-id="N00090"]')
        expect(choice).to_be_visible()
        choice.click()
        expect(page.locator("input[name='kolada_kpi']")).to_have_value("N00090")
        assert_no_axe_violations(page)
        context.close()
