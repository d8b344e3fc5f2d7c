"""Real Chromium (Debian's, through Playwright) for the end-to-end and accessibility tests.

Use the fixture by importing it into a test module (`from tests.browser import browser`,
pytest finds it by name there), together with the helpers below.
"""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The axe-core that `npm ci` installed (package.json pins it), not the copy inside the wheel.
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


def new_page(browser, viewport=DESKTOP, **options) -> Page:
    """A page in a fresh context (no cookies), in Swedish unless `locale` says otherwise."""
    options.setdefault("locale", "sv-SE")
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page: Page, live_server, username: str, password: str) -> None:
    """Log in through the login form; lands on the start page."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def axe_violations(page: Page) -> str:
    """axe-core's report of the page's violations, or "" when it has none."""
    axe = Axe.from_file(AXE_JS) if AXE_JS.exists() else Axe()
    page.wait_for_load_state()
    results = axe.run(page)
    return results.generate_report() if results.violations_count else ""


def assert_no_axe_violations(page: Page) -> None:
    report = axe_violations(page)
    assert not report, f"{page.url}\n{report}"


def assert_no_sideways_scrolling(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"
