"""axe-core on every page of the site, in real Chromium, with zero violations allowed.

The pages are those of `tests.site_map.CASES`: every URL name a role may GET. The planner opens
each one (they see the most: forms, buttons and tables the readers do not get); the other roles
open each page they may read, since it is built differently for them. Pages in a state of their
own are opened too: a form with errors, an import's preview, an edit conflict, the error pages.
Downloads (PDF, Excel, CSV, zip) are not pages; the test checks that exactly those were skipped.
"""

from django.urls import reverse
from playwright.sync_api import Page

from goals.models import Goal
from indicators.models import Indicator
from indicators.services import indicator_update
from tests import site_map
from tests.browser import assert_no_axe_violations, axe_violations, log_in, new_page
from tests.site_map import CASES, readable_by, url_of

pytest_plugins = ["tests.planner_roles"]

DOWNLOADS = {
    "transfer:plan_export_xlsx",
    "transfer:plan_export_csv",
    "transfer:plan_export_zip",
    "transfer:plan_export_job_file",
    "reports:pdf",
    "reports:excel",
    "reports:published_pdf",
    "reports:published_data",
    "reports:job_pdf",
}
# Django's own admin site, for staff: not part of Styrkort's design.
NOT_OURS = frozenset({"admin:index"})


world = site_map.world  # transactional, as live_server needs


def open_as(browser, live_server, people, role: str) -> Page:
    page = new_page(browser)
    if role != "anonymous":
        log_in(page, live_server, getattr(people, role).username, people.password)
    return page


def walk(page: Page, live_server, world, cases) -> tuple[list[str], set[str]]:
    """Open each case's page and run axe on it: the violations found, and the downloads met."""
    violations, downloads = [], set()
    for case in cases:
        url = live_server.url + url_of(case, world)
        fetched = page.request.get(url)
        assert fetched.status == 200, f"{case.name}: {fetched.status}"
        if not fetched.headers["content-type"].startswith("text/html"):
            downloads.add(case.name)
            continue
        page.goto(url)
        report = axe_violations(page)
        if report:
            violations.append(f"{case.name} ({url})\n{report}")
    return violations, downloads


def test_every_page_passes_axe_for_each_role(live_server, browser, world, people):
    # One test for all roles: the world is built once (it renders a PDF). The administrator's
    # pages are the planner's: the same templates with the same controls (both edit).
    violations = []
    for role in ("planner", "committee", "own_manager", "other_manager", "anonymous"):
        page = open_as(browser, live_server, people, role)
        cases = readable_by(role, NOT_OURS)
        if role == "anonymous":
            cases += [case for case in CASES if case.name == "login"]
        found, downloads = walk(page, live_server, world, cases)
        violations += [f"{role}: {violation}" for violation in found]
        if role == "planner":
            assert downloads == DOWNLOADS
        page.context.close()
    assert not violations, "\n\n".join(violations)


def test_pages_in_a_state_of_their_own_pass_axe(live_server, browser, world, people, settings):
    page = open_as(browser, live_server, people, "planner")

    # A form with errors.
    page.goto(f"{live_server.url}/goals/plan/{world.plan.pk}/new/")
    page.fill("#id_title", "")
    page.locator("form.planner-form button[type=submit]").click()
    page.wait_for_selector(".ds-validation-message")
    assert Goal.objects.filter(plan=world.plan).count() == 2
    assert_no_axe_violations(page)

    # An import's preview.
    page.goto(f"{live_server.url}/transfer/plans/{world.plan.pk}/")
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "plan.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": world.workbook,
            }
        ],
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url("**/import/")
    page.wait_for_selector("table")
    assert_no_axe_violations(page)

    # An edit conflict: someone else saved the indicator after the planner opened it.
    page.goto(f"{live_server.url}/indicators/{world.indicator.pk}/edit/")
    indicator_update(
        indicator=Indicator.objects.get(pk=world.indicator.pk),
        expected_version=world.indicator.version,
        actor=people.administrator,
        name="HME-index (ändrat av någon annan)",
    )
    page.fill("#id_name", "HME-index, totalt")
    page.locator("form.planner-form button[type=submit]").click()
    page.wait_for_selector(".conflict")
    assert_no_axe_violations(page)

    # The report read in another language than the page's, and the reporting page showing only
    # what is not reported yet.
    page.goto(f"{live_server.url}/reports/plan/{world.decided.pk}/period/{world.t1.pk}/?lang=nn")
    page.wait_for_selector("article.report[lang=nn]")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/reports/reporting/?unreported=1")
    page.wait_for_selector("[data-reporting]")
    assert_no_axe_violations(page)

    # A long report and overview read a goal at a time, an unknown goal asked for.
    settings.REPORT_WEB_MAX_ROWS = 1
    page.goto(f"{live_server.url}/reports/plan/{world.decided.pk}/period/{world.t1.pk}/?goal=0")
    page.wait_for_selector("nav.goal-pages .ds-alert")
    assert_no_axe_violations(page)
    page.goto(live_server.url + reverse("reports:overview", args=[world.decided.pk, world.t1.pk]))
    page.wait_for_selector("nav.goal-pages")
    assert_no_axe_violations(page)

    # A large plan's export: the page that offers to make the file in the background, and a
    # background export that failed (its reason, a button to try again).
    settings.EXPORT_BACKGROUND_ROWS = 0
    page.goto(live_server.url + reverse("transfer:plan_export_xlsx", args=[world.plan.pk]))
    page.wait_for_selector("form[method=post] button[type=submit]")
    assert_no_axe_violations(page)
    plan_pk, job_pk = site_map.planners_export(world, "failed")
    page.goto(live_server.url + reverse("transfer:plan_export_job", args=[plan_pk, job_pk]))
    page.wait_for_selector(".ds-alert[role=alert]")
    assert_no_axe_violations(page)

    # The error page, logged in and not.
    response = page.goto(f"{live_server.url}/plans/999999/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Sidan finns inte"
    assert_no_axe_violations(page)
    anonymous = open_as(browser, live_server, people, "anonymous")
    response = anonymous.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    assert_no_axe_violations(anonymous)
