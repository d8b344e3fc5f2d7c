"""The unit manager's page on a phone (390 × 844) and by keyboard, measured in real Chromium.

The demo's unit manager of Hemtjänst reports T2 2023: 8 activities and the values of the 5
indicators measured every period (the other 7 are asked for at year-end), 13 rows, none reported
yet. Measured and printed (run with -s; bench/README.md keeps the
numbers, before and after the page was reworked):
- the header's height and where the first row to report starts, on the first screen;
- the page's height in phone screens;
- the tab stops of the page, and the keystrokes to report all 13 rows by keyboard alone.

The measurement uses only what the page had before too (rows, their forms and buttons), so the
same module measured the page as it was.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from demo.seed_002 import DEMO_PASSWORD
from goals.models import ActivityStatus
from indicators.models import Measurement
from planning.models import FollowUpPeriod
from tests.browser import (
    DESKTOP,
    PHONE,
    assert_no_axe_violations,
    assert_no_sideways_scrolling,
    new_page,
)
from tests.browser import log_in as browser_log_in

# The page's tab stops: what Tab reaches (not what a closed <details> or `hidden` holds).
FOCUSABLE = """() => {
  const candidates = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]');
  return Array.from(candidates).filter((element) =>
    !element.disabled && element.tabIndex >= 0 && element.checkVisibility()).length;
}"""


@pytest.fixture
def demo(transactional_db):
    """The demo with T2 2023 not reported yet: every row is left to report."""
    call_command("load_demo")
    t2 = FollowUpPeriod.objects.get(organisation__name="Sorsele kommun", year=2023, kind="T2")
    ActivityStatus.objects.filter(period=t2).delete()
    Measurement.objects.filter(period=t2).delete()
    return t2


def reporting_page(browser, live_server, viewport=PHONE, **options) -> Page:
    if viewport == PHONE:
        options = {"has_touch": True, "is_mobile": True, **options}
    page = new_page(browser, viewport, **options)
    browser_log_in(page, live_server, "enhetschef", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reports/reporting/")
    page.wait_for_selector("[data-reporting]")
    page.wait_for_load_state("load")  # the page's scripts have run
    return page


def rows(page: Page) -> list[tuple[str, str]]:
    """(id, kind) of each row the user reports, in the page's order."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.report-row'))
            .filter((row) => row.querySelector('form.report-form'))
            .map((row) => [row.id, row.id.split('-')[0]])"""
    )


def wait(page: Page, milliseconds: int) -> None:
    """Let the browser's events (a dialog) arrive while `page` is closing: through another page
    of the same browser, as the closing page takes no more calls."""
    other = page.context.new_page()
    other.wait_for_timeout(milliseconds)
    other.close()


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id || ''")


class Keys:
    """A keyboard that counts what it presses."""

    def __init__(self, page: Page):
        self.page = page
        self.count = 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def tab_to(self, element_id: str, limit: int = 300) -> None:
        """Tab on until the element (or, in a toolbar, one of its buttons) has the focus."""
        for _ in range(limit):
            focused = focused_id(self.page)
            if focused == element_id:
                return
            in_toolbar = self.page.evaluate(
                "(id) => { const element = document.getElementById(id);"
                " const toolbar = element && element.closest('[data-roving]');"
                " return !!toolbar && toolbar.contains(document.activeElement); }",
                element_id,
            )
            if in_toolbar:  # one tab stop: the arrow keys move within it
                self.press("ArrowRight")
            else:
                self.press("Tab")
        raise AssertionError(f"#{element_id} never got the focus")


def report_every_row_by_keyboard(page: Page) -> tuple[int, int]:
    """Report each row by keyboard alone, from the top of the page: every activity done,
    every indicator a value. The keystrokes, and the rows."""
    keys = Keys(page)
    page.locator("body").focus()
    found = rows(page)
    for row_id, kind in found:
        if kind == "activity":
            keys.tab_to(f"{row_id}-done")
            keys.press("Enter")
            expect(page.locator(f"#{row_id}-done")).to_have_attribute("aria-pressed", "true")
            focused = f"#{row_id}-done"
        else:
            keys.tab_to(f"{row_id}-value")
            keys.type("5")
            keys.press("Enter")
            focused = f"#{row_id}-value"
        expect(page.locator(f"#{row_id} .saved-mark")).to_be_visible()
        # The saved row is new; the focus is where it was, so Tab goes on from there, and its
        # status buttons are one tab stop again (reporting.js marks them ready).
        expect(page.locator(focused)).to_be_focused()
        toolbar = page.locator(f"#{row_id} [data-roving]")
        if toolbar.count():
            expect(toolbar).to_have_attribute("data-ready", "true")
    return keys.count, len(found)


def layout(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const first = Array.from(document.querySelectorAll('.report-row'))
            .find((row) => row.querySelector('form.report-form'));
          const box = first.getBoundingClientRect();
          const title = first.querySelector('.report-row__title').getBoundingClientRect();
          const header = document.querySelector('.site-header').getBoundingClientRect();
          return {
            header: Math.round(header.height),
            first_row_top: Math.round(box.top + window.scrollY),
            first_title_bottom: Math.round(title.bottom + window.scrollY),
            screens: document.documentElement.scrollHeight / window.innerHeight,
          };
        }"""
    )


def test_every_row_on_a_phone_measured(browser, live_server, demo):
    page = reporting_page(browser, live_server)
    measured = layout(page)
    stops = page.evaluate(FOCUSABLE)
    keystrokes, count = report_every_row_by_keyboard(page)
    print(
        f"\nunit manager, {count} rows at 390 x 844: header {measured['header']} px, first row "
        f"at {measured['first_row_top']} px (its title ends at {measured['first_title_bottom']} "
        f"px), page {measured['screens']:.1f} screens, {stops} tab stops, {keystrokes} "
        f"keystrokes to report every row by keyboard"
    )
    assert count == 13
    assert ActivityStatus.objects.filter(period=demo).count() == 8
    # The first row to report starts on the first screen, its title and first field with it.
    assert measured["header"] <= 100
    assert measured["first_title_bottom"] + 100 <= PHONE["height"]
    assert measured["screens"] <= 14
    assert stops <= 70
    # About 5 a row: an activity 2 Tab, 2 arrows and Enter; a value 3 Tab, a digit and Enter;
    # and 16 Tab from the top of the page to the first row.
    assert keystrokes <= 115
    assert_no_sideways_scrolling(page)


def test_number_fields_bring_up_the_number_pad(browser, live_server, demo):
    page = reporting_page(browser, live_server)
    values = page.locator(".report-row input[id$='-value']")
    assert values.count() == 5
    for index in range(values.count()):
        expect(values.nth(index)).to_have_attribute("inputmode", "decimal")


def test_progress_stays_in_view_and_follows_the_saves(browser, live_server, demo):
    page = reporting_page(browser, live_server)
    progress = page.locator(".report-progress").first
    expect(progress).to_contain_text("0 av 8 aktiviteter rapporterade, 0 av 5 värden inlagda")
    first_id, _kind = rows(page)[0]
    page.locator(f"#{first_id}-done").click()
    expect(progress).to_contain_text("1 av 8 aktiviteter rapporterade")
    page.evaluate("window.scrollTo(0, 4000)")
    expect(progress).to_be_in_viewport()
    assert abs(progress.bounding_box()["y"]) <= 1  # stuck to the top of the screen
    assert_no_axe_violations(page)


def test_jump_links_and_the_not_reported_filter(browser, live_server, demo):
    page = reporting_page(browser, live_server, DESKTOP)
    jump = page.locator(".report-jump a").last  # the last goal with something to report
    expect(jump).to_contain_text("Mål")
    jump.click()
    heading = page.locator(jump.get_attribute("href"))
    expect(heading).to_be_in_viewport()
    # Report the first row, then ask for what is not reported yet: the row is gone.
    first_id, _kind = rows(page)[0]
    page.locator(f"#{first_id}-done").click()
    expect(page.locator(f"#{first_id} .saved-mark")).to_be_visible()
    page.get_by_role("link", name="Visa bara det som inte är rapporterat än").click()
    page.wait_for_url("**unreported=1**")
    expect(page.locator(f"#{first_id}")).to_be_hidden()
    assert len([row for row in rows(page) if page.locator(f"#{row[0]}").is_visible()]) == 12
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Visa allt").click()
    expect(page.locator(f"#{first_id}")).to_be_visible()


def test_a_comment_written_after_saving_is_marked_and_not_lost_without_a_warning(
    browser, live_server, demo
):
    page = reporting_page(browser, live_server, DESKTOP)
    first_id, _kind = rows(page)[0]
    page.locator(f"#{first_id}-done").click()
    expect(page.locator(f"#{first_id}-done")).to_have_attribute("aria-pressed", "true")
    note = page.locator(f"#{first_id} [data-unsaved-note]")
    expect(note).to_be_hidden()
    page.locator(f"#{first_id}-comment").fill("Klart i augusti, alla deltog.")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Inte sparat än")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    wait(page, 700)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed()  # dismissed: the user stays with what they wrote


def test_choosing_the_status_again_saves_the_comment_with_it(browser, live_server, demo):
    page = reporting_page(browser, live_server, DESKTOP)
    first_id, _kind = rows(page)[0]
    page.locator(f"#{first_id}-done").click()
    expect(page.locator(f"#{first_id}-done")).to_have_attribute("aria-pressed", "true")
    page.locator(f"#{first_id}-comment").fill("Klart i augusti.")
    page.locator(f"#{first_id}-done").click()
    expect(page.locator(f"#{first_id} [data-unsaved-note]")).to_be_hidden()
    status = ActivityStatus.objects.get(period=demo, activity_id=first_id.rsplit("-", 1)[1])
    assert (status.status, status.comment) == ("done", "Klart i augusti.")
    # Nothing unsaved: leaving asks nothing.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    wait(page, 700)
    assert dialogs == [] and page.is_closed()


def test_the_language_changes_only_with_the_button(browser, live_server, demo):
    page = reporting_page(browser, live_server, DESKTOP)
    select = page.locator("#language-select")
    select.focus()
    page.keyboard.press("ArrowDown")  # a keyboard user moving through the list
    page.wait_for_timeout(500)
    assert page.locator("html").get_attribute("lang") == "sv"  # nothing was submitted
    expect(page.locator(".language-form button")).to_have_attribute("data-pending", "true")
    select.select_option("nb")
    page.locator(".language-form button").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("h1")).to_have_text("Rapporter aktiviteter og verdier")
