"""A unit manager reports in real Chromium: one click per status, the required comment, the band
shown while typing, all without a page reload; at phone size and by keyboard alone; axe-clean.

Runs on the demo (seed 002, Sorsele): the unit manager of Hemtjänst reports T2 2023.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from demo.seed_002 import DEMO_PASSWORD
from goals.models import Activity, ActivityStatus
from indicators.models import Indicator, Measurement
from planning.models import FollowUpPeriod
from tests.browser import (
    DESKTOP,
    PHONE,
    assert_no_axe_violations,
    assert_no_sideways_scrolling,
    new_page,
)
from tests.browser import log_in as browser_log_in


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")


def log_in(page: Page, live_server, username: str) -> None:
    """Log in as one of the demo's users."""
    browser_log_in(page, live_server, username, DEMO_PASSWORD)


def t2() -> FollowUpPeriod:
    return FollowUpPeriod.objects.get(organisation__name="Sorsele kommun", year=2023, kind="T2")


def activity(title_start: str) -> Activity:
    return Activity.objects.get(title__startswith=title_start)


def row_id(activity_: Activity) -> str:
    return f"#activity-{t2().pk}-{activity_.pk}"


def mark_page(page: Page) -> None:
    """A JavaScript marker that a page load would wipe out."""
    page.evaluate("window.__marker = 'still the same page'")


def assert_same_page(page: Page) -> None:
    assert page.evaluate("window.__marker") == "still the same page"


def report_page(browser, live_server, viewport=DESKTOP, **options) -> Page:
    page = new_page(browser, viewport, **options)
    log_in(page, live_server, "enhetschef")
    page.locator("a", has_text="T2 2023").first.click()  # "Rapportera för T2 2023" on home
    page.wait_for_selector("[data-reporting]")
    mark_page(page)
    return page


def test_unit_manager_reports_with_one_click_comment_and_live_band(browser, live_server, demo):
    page = new_page(browser)
    log_in(page, live_server, "enhetschef")
    assert_no_axe_violations(page)  # the unit manager's start page
    page.locator("a", has_text="T2 2023").first.click()
    page.wait_for_selector("[data-reporting]")
    assert_no_axe_violations(page)
    mark_page(page)

    # One click: the economy item on APT is done (ongoing, so no comment is needed).
    apt = activity("Ta upp ekonomi som en punkt på APT")
    row = page.locator(row_id(apt))
    row.locator(f"{row_id(apt)}-done").click()
    expect(row.locator(f"{row_id(apt)}-done")).to_have_attribute("aria-pressed", "true")
    expect(row.locator(f"{row_id(apt)}-delayed")).to_have_attribute("aria-pressed", "false")
    assert ActivityStatus.objects.get(activity=apt, period=t2()).status == "done"

    # MHFA was due in June: "delayed" without a comment is refused next to the activity.
    mhfa = activity("Vi utbildar medarbetare i MHFA")
    row = page.locator(row_id(mhfa))
    row.locator("textarea").fill("")
    row.locator(f"{row_id(mhfa)}-delayed").click()
    message = row.locator(".ds-validation-message")
    expect(message).to_be_visible()
    expect(row.locator("textarea")).to_be_focused()
    assert ActivityStatus.objects.get(activity=mhfa, period=t2()).comment != ""  # unchanged
    assert_no_axe_violations(page)  # the row with its error
    row.locator("textarea").fill("Ny utbildning bokad till oktober.")
    row.locator(f"{row_id(mhfa)}-delayed").click()
    expect(row.locator(".ds-validation-message")).to_have_count(0)
    expect(row.locator(f"{row_id(mhfa)}-delayed")).to_have_attribute("aria-pressed", "true")
    status = ActivityStatus.objects.get(activity=mhfa, period=t2())
    assert (status.status, status.comment) == ("delayed", "Ny utbildning bokad till oktober.")

    # The band follows the value as it is typed, with a decimal comma.
    sick_leave = Indicator.objects.get(name="Total sjukfrånvaro")
    key = f"{t2().pk}-{sick_leave.pk}"
    value = page.locator(f"#indicator-{key}-value")
    band = page.locator(f"#band-{key}")
    value.fill("")
    value.press_sequentially("6,8", delay=50)
    expect(band).to_contain_text("Gul")
    expect(band).to_contain_text("(> 6,0 och < 7,0)")
    expect(band.locator(".colour.colour--yellow")).to_be_visible()
    value.fill("")
    value.press_sequentially("5,5", delay=50)
    expect(band).to_contain_text("Grön")
    expect(band).to_contain_text("(≤ 6,0)")
    page.locator(f"#indicator-{key}-save").click()
    expect(page.locator(f"#indicator-{key} .saved-mark")).to_be_visible()
    assert Measurement.objects.get(
        indicator=sick_leave, period=t2(), unit__name="Hemtjänst"
    ).value == Decimal("5.5")
    expect(page.locator(f"#indicator-{key}-value")).to_have_value("5,5")

    assert_same_page(page)
    assert_no_axe_violations(page)


def test_reporting_works_at_phone_size(browser, live_server, demo):
    page = report_page(browser, live_server, PHONE, has_touch=True, is_mobile=True)
    assert_no_sideways_scrolling(page)
    apt = activity("Ta upp ekonomi som en punkt på APT")
    button = page.locator(f"{row_id(apt)}-done")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a touch target
    button.tap()
    expect(page.locator(f"{row_id(apt)}-done")).to_have_attribute("aria-pressed", "true")
    assert ActivityStatus.objects.get(activity=apt, period=t2()).status == "done"
    assert_same_page(page)
    assert_no_sideways_scrolling(page)
    assert_no_axe_violations(page)


def tab_to(page: Page, element_id: str, limit: int = 400) -> None:
    """Press Tab until the element has the focus, as a keyboard user would; a row's status
    buttons are one tab stop, and the arrow keys move between them."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        in_toolbar = page.evaluate(
            "(id) => { const toolbar = document.getElementById(id).closest('[data-roving]');"
            " return !!toolbar && toolbar.contains(document.activeElement); }",
            element_id,
        )
        page.keyboard.press("ArrowRight" if in_toolbar else "Tab")
    raise AssertionError(f"#{element_id} never got the focus by Tab")


def test_reporting_by_keyboard_alone(browser, live_server, demo):
    page = report_page(browser, live_server)
    page.locator("body").focus()

    # Space on a status button saves it, and the focus stays on that button after the swap.
    apt = activity("Ta upp ekonomi som en punkt på APT")
    done_id = row_id(apt)[1:] + "-done"
    tab_to(page, done_id)
    page.keyboard.press("Space")
    expect(page.locator(f"#{done_id}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#{done_id}")).to_be_focused()
    assert ActivityStatus.objects.get(activity=apt, period=t2()).status == "done"

    # The required comment: clear it, press Enter on "cancelled", land in the comment field,
    # write, and save again.
    mhfa = activity("Vi utbildar medarbetare i MHFA")
    prefix = row_id(mhfa)[1:]
    tab_to(page, f"{prefix}-comment")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    tab_to(page, f"{prefix}-cancelled")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{prefix} .ds-validation-message")).to_be_visible()
    expect(page.locator(f"#{prefix}-comment")).to_be_focused()
    page.keyboard.type("Ersätts av en webbutbildning.")
    tab_to(page, f"{prefix}-cancelled")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{prefix}-cancelled")).to_have_attribute("aria-pressed", "true")
    status = ActivityStatus.objects.get(activity=mhfa, period=t2())
    assert (status.status, status.comment) == ("cancelled", "Ersätts av en webbutbildning.")

    # A value: type it and press Enter to save.
    sick_leave = Indicator.objects.get(name="Total sjukfrånvaro")
    key = f"{t2().pk}-{sick_leave.pk}"
    tab_to(page, f"indicator-{key}-value")
    page.keyboard.press("Control+A")
    page.keyboard.type("7,2")
    expect(page.locator(f"#band-{key}")).to_contain_text("Röd")
    page.keyboard.press("Enter")
    expect(page.locator(f"#indicator-{key} .saved-mark")).to_be_visible()
    assert Measurement.objects.get(
        indicator=sick_leave, period=t2(), unit__name="Hemtjänst"
    ).value == Decimal("7.2")
    assert_same_page(page)


def test_forms_work_without_javascript(browser, live_server, demo):
    page = new_page(browser, java_script_enabled=False)
    log_in(page, live_server, "enhetschef")
    page.goto(f"{live_server.url}/reports/reporting/")
    apt = activity("Ta upp ekonomi som en punkt på APT")
    page.locator(f"{row_id(apt)}-done").click()
    page.wait_for_load_state()
    assert page.url.endswith(row_id(apt))
    expect(page.locator(f"{row_id(apt)}-done")).to_have_attribute("aria-pressed", "true")
    assert ActivityStatus.objects.get(activity=apt, period=t2()).status == "done"


def test_a_failed_save_says_so_next_to_the_row_and_keeps_the_input(browser, live_server, demo):
    page = report_page(browser, live_server)
    apt = activity("Ta upp ekonomi som en punkt på APT")
    page.route("**/reporting/*/activities/**", lambda route: route.abort())
    row = page.locator(row_id(apt))
    row.locator("textarea").fill("Skrivet utan nät.")
    row.locator(f"{row_id(apt)}-done").click()
    expect(row.locator(".report-row__network-error")).to_be_visible()
    expect(row.locator(".report-row__network-error")).to_have_attribute("role", "alert")
    expect(row.locator("textarea")).to_have_value("Skrivet utan nät.")
    assert ActivityStatus.objects.get(activity=apt, period=t2()).status == "delayed"
    assert_same_page(page)
