"""A committee member reads the demo plan's overview in real Chromium: the right colours, each
as a word and an icon, never colour alone; every role's start page passes axe."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import (
    DESKTOP,
    PHONE,
    assert_no_axe_violations,
    assert_no_sideways_scrolling,
    new_page,
)
from tests.reports import test_e2e_reporting as shared
from tests.reports.test_e2e_reporting import log_in

# Fixtures shared with test_e2e_reporting (pytest finds them by name in this module).
demo = shared.demo

# Seed 002's made-up T2 2023 values (indicators.demo.seed_002.MEASUREMENTS), as the committee
# must see them: the colour's class and its Swedish word.
T2_COLOURS = {
    "Andel verksamheter med handlingsplan för digitalisering": ("green", "Grön"),  # 100 %
    "Total sjukfrånvaro": ("yellow", "Gul"),  # 6,4 %
    "Väntetid försörjningsstöd": ("green", "Grön"),  # 8 days
    "Utredningstid barn och unga": ("red", "Röd"),  # 118 days
    "Budgetavvikelse": ("red", "Röd"),  # -1 850 tkr
    "Nöjdhet med kommunen som en plats att bo och leva på": ("none", "Inget värde"),  # missing
    "HME-index": ("none", "Inget värde"),  # measured at year-end
}


def open_overview(browser, live_server, viewport=DESKTOP) -> Page:
    page = new_page(browser, viewport)
    log_in(page, live_server, "ledamot")
    page.get_by_role("link", name="Verksamhetsplan Omsorg 2023").click()
    page.wait_for_selector(".overview-goal")
    return page


def row_of(page: Page, indicator: str):
    return page.locator("tr", has=page.locator("td:first-child", has_text=indicator))


def test_committee_member_sees_the_demos_colours_as_words_and_icons(browser, live_server, demo):
    page = new_page(browser)
    log_in(page, live_server, "ledamot")
    assert_no_axe_violations(page)  # the committee member's start page
    page.get_by_role("link", name="Verksamhetsplan Omsorg 2023").click()
    page.wait_for_selector(".overview-goal")

    # The latest period with data is shown: T2 2023.
    expect(page.locator('.overview-periods a[aria-current="page"]')).to_have_text("Tertial 2 2023")
    for indicator, (colour, word) in T2_COLOURS.items():
        badge = row_of(page, indicator).locator(".colour").first
        expect(badge).to_have_text(word)
        expect(badge).to_have_class(f"colour colour--{colour}")
        # The icon: a shape drawn before the word, different per colour.
        icon = badge.evaluate(
            "el => { const s = getComputedStyle(el, '::before');"
            " return {content: s.content, width: parseFloat(s.width),"
            " radius: s.borderRadius, transform: s.transform}; }"
        )
        assert icon["content"] == '""' and icon["width"] > 0, (indicator, icon)

    # Values in Swedish with their units, and the trend in words beside its arrow.
    sick_leave = row_of(page, "Total sjukfrånvaro")
    expect(sick_leave).to_contain_text("6,4\u00a0%")
    expect(sick_leave.locator(".trend")).to_have_class("trend trend--better")
    expect(sick_leave.locator(".trend__arrow")).to_have_text("▼")
    expect(sick_leave).to_contain_text("7,8\u00a0%")  # T1's value, compared with
    waiting = row_of(page, "Utredningstid barn och unga")
    expect(waiting.locator(".trend")).to_have_class("trend trend--worse")
    expect(waiting.locator(".trend__arrow")).to_have_text("▲")

    # Activity progress per goal, readable as text and as an accessible progress bar.
    # Goal 6, "En budget i balans": three activities in T2, none done yet.
    progress = page.locator(".overview-goal").nth(5).locator("progress")
    expect(progress).to_have_attribute("max", "3")
    expect(progress).to_have_attribute("value", "0")
    assert progress.evaluate("el => el.labels.length") == 1

    assert_no_axe_violations(page)


def test_overview_of_another_period_and_at_phone_size(browser, live_server, demo):
    page = open_overview(browser, live_server, PHONE)
    assert_no_sideways_scrolling(page)
    page.locator(".overview-periods a").first.click()  # T1 2023
    expect(page.locator('.overview-periods a[aria-current="page"]')).to_have_text("Tertial 1 2023")
    badge = row_of(page, "Total sjukfrånvaro").locator(".colour").first
    expect(badge).to_have_text("Röd")  # 7,8 % in T1
    assert_no_sideways_scrolling(page)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("username", ["planerare", "enhetschef", "ledamot", "admin"])
def test_home_of_every_role_passes_axe_at_both_sizes(browser, live_server, demo, username):
    for viewport in (DESKTOP, PHONE):
        page = new_page(browser, viewport)
        log_in(page, live_server, username)
        expect(page.locator("main h2").first).to_be_visible()
        assert_no_sideways_scrolling(page)
        assert_no_axe_violations(page)
        page.context.close()
