"""Setting up an organisation in real Chromium, by keyboard: the administrator's pages (which
the site-wide axe test, walking as the planner, does not open), the pages in a state of their
own (errors, a refused import, an invitation's welcome), each passing axe-core."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from goals.services import activity_create
from planning.models import SchemePeriod, Unit
from tests.browser import assert_no_axe_violations, log_in, new_page
from tests.deadlines import month_end

pytest_plugins = ["tests.planner_roles"]


@pytest.fixture
def setup(transactional_db, people, organisation, units, goal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity_create(
        goal=goal,
        title="Vi inför nattpatrull",
        unit=units["unit_b"],
        due_on=month_end(4),
        actor=None,
    )
    return organisation


def administrator_page(browser, live_server, people) -> Page:
    page = new_page(browser)
    log_in(page, live_server, people.administrator.username, people.password)
    return page


def test_the_administrators_pages_pass_axe(live_server, browser, people, setup, units):
    page = administrator_page(browser, live_server, people)
    organisation = setup
    for url in (
        reverse("planning:organisation_list"),
        reverse("planning:organisation_settings", args=[organisation.pk]),
        reverse("planning:period_list"),
        reverse("planning:scheme", args=[organisation.pk]),
        reverse("planning:unit_list", args=[organisation.pk]),
        reverse("planning:unit_update", args=[units["operation"].pk]),
        reverse("planning:people", args=[organisation.pk]),
        reverse("planning:person_detail", args=[organisation.pk, people.own_manager.pk]),
        reverse("planning:person_invite", args=[organisation.pk]),
    ):
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert_no_axe_violations(page)


def test_a_unit_is_added_and_a_refused_closing_explained_by_keyboard(
    live_server, browser, people, setup, units
):
    page = administrator_page(browser, live_server, people)
    organisation = setup
    page.goto(live_server.url + reverse("planning:unit_list", args=[organisation.pk]))

    # Close IFO, whose activity is still open: the refusal names it.
    close = page.get_by_role("button", name="Stäng IFO")
    close.focus()
    page.keyboard.press("Enter")
    alert = page.locator("#messages .ds-alert")
    expect(alert).to_contain_text("IFO kan inte stängas medan den har öppna aktiviteter")
    expect(alert).to_contain_text("Vi inför nattpatrull")
    assert_no_axe_violations(page)

    # Add a unit below Hemtjänst, by keyboard, with a mistake first.
    page.get_by_role("link", name="Lägg till en enhet under Hemtjänst").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/units/new/\?parent=\d+$"))
    expect(page.locator("#id_parent")).to_have_value(str(units["unit_a"].pk))
    page.select_option("#id_kind", "unit")
    page.select_option("#id_parent", str(units["operation"].pk))  # where IFO already is
    page.locator("#id_name").focus()
    page.keyboard.type("IFO")
    page.keyboard.press("Enter")
    expect(page.locator(".ds-error-summary")).to_contain_text("Det finns redan en enhet")
    assert_no_axe_violations(page)
    page.fill("#id_name", "Nattpatrull")
    page.select_option("#id_parent", str(units["unit_a"].pk))
    page.locator("#id_kolada_ou").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#messages .ds-alert")).to_contain_text("Nattpatrull lades till.")
    # Back on the tree, where the new unit is focused by its anchor.
    expect(page.locator(f"#unit-{Unit.objects.get(name='Nattpatrull').pk}")).to_be_visible()
    assert Unit.objects.get(name="Nattpatrull").parent_id == units["unit_a"].pk


def test_a_scheme_with_a_gap_is_refused_by_keyboard_and_a_preset_applied(
    live_server, browser, people, setup
):
    page = administrator_page(browser, live_server, people)
    organisation = setup
    page.goto(live_server.url + reverse("planning:scheme", args=[organisation.pk]))

    # T2 made to start in June: May is left out, the refusal names the period, nothing saved.
    page.select_option("#id_periods-1-first_month", "6")
    page.locator("#id_periods-1-code").focus()
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Tertial 2")
    expect(summary).to_contain_text("maj")
    expect(page.locator("#id_periods-1-first_month")).to_have_value("6")  # as typed
    assert_no_axe_violations(page)
    assert not SchemePeriod.objects.filter(organisation=organisation).exists()

    # Start from the cumulative interim reports instead.
    button = page.get_by_role("button", name=re.compile("Use this preset|Använd")).nth(1)
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_periods-1-code")).to_have_value("D2")
    assert_no_axe_violations(page)
    assert [p.code for p in SchemePeriod.objects.filter(organisation=organisation)] == [
        "D1",
        "D2",
        "HEL",
    ]


def test_a_refused_import_explains_each_cell(live_server, browser, people, setup, tmp_path):
    page = administrator_page(browser, live_server, people)
    page.goto(live_server.url + reverse("planning:unit_import", args=[setup.pk]))
    assert_no_axe_violations(page)
    bad = tmp_path / "enheter.csv"
    bad.write_text("namn;överordnad;typ\nNattpatrull;Hemtjänst;patrull\n;Hemtjänst;enhet\n")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Importera enheterna").click()
    expect(page.locator("[role=alert]").first).to_contain_text("Inget importerades: 2 celler")
    expect(page.locator("table")).to_contain_text("patrull")
    assert_no_axe_violations(page)


def test_the_invitation_and_password_pages_pass_axe(live_server, browser, people, setup):
    page = new_page(browser)
    person = people.own_manager
    person.set_unusable_password()
    person.save()
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    page.goto(live_server.url + reverse("invitation_accept", args=[uid, token]))
    expect(page.locator("h1")).to_have_text("Välkommen till Styrkort")
    assert_no_axe_violations(page)
    page.goto(live_server.url + reverse("invitation_accept", args=[uid, "fel-token"]))
    expect(page.locator(".ds-alert")).to_contain_text("Länken fungerar inte")
    assert_no_axe_violations(page)
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        page.goto(live_server.url + reverse(name))
        assert_no_axe_violations(page)
