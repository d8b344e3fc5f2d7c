"""The report pages in real Chromium: the planner writes an analysis, marks parts ready,
publishes; the committee member downloads; the organisation's report shows its progress.
Every page passes axe and works at phone size."""

import pytest
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from goals.models import GoalFollowUp
from planning.models import Plan
from reports.models import PublishedReport, ReportJob
from tests.browser import PHONE, assert_no_axe_violations, assert_no_sideways_scrolling, new_page
from tests.reports import test_e2e_reporting as shared
from tests.reports.conftest import demo_period
from tests.reports.test_e2e_reporting import log_in


@pytest.fixture
def demo(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    shared.call_command("load_demo")


def report_url(live_server, kind: str = "T1") -> str:
    plan = Plan.objects.get(name="Verksamhetsplan Omsorg 2023")
    return f"{live_server.url}/reports/plan/{plan.pk}/period/{demo_period(kind).pk}/"


def test_planner_writes_analysis_marks_ready_and_publishes(browser, live_server, demo):
    page = new_page(browser)
    log_in(page, live_server, "planerare")
    page.goto(report_url(live_server))
    expect(page.locator("h1")).to_contain_text("T1 2023")
    expect(page.locator(".report-goal")).to_have_count(6)
    # A chart for each indicator with a measured value, one line for each without (7 of 12).
    expect(page.locator("svg.report-chart")).to_have_count(5)
    expect(page.locator(".chart-missing")).to_have_count(7)
    assert_no_axe_violations(page)

    page.locator("a[href$='/analysis/']").nth(1).click()
    page.wait_for_url("**/analysis/")  # the next page, before axe reads it
    assert_no_axe_violations(page)
    page.get_by_label(_("Assessment")).select_option("not_expected")
    page.locator("#id_analysis").fill("Sjukfrånvaron är för hög; åtgärder i maj.")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".report-goal").nth(1)).to_contain_text("åtgärder i maj")
    assert page.url.endswith("-goal-2")
    assert GoalFollowUp.objects.get(goal__number=2).assessment == "not_expected"

    page.locator(".report-actions a[href$='/readiness/']").click()
    page.wait_for_url("**/readiness/")  # the next page, before axe reads it
    assert_no_axe_violations(page)
    mark = _("Mark %(unit)s ready") % {"unit": "Hemtjänst"}
    withdraw = _("Withdraw the mark of %(unit)s") % {"unit": "Hemtjänst"}
    page.get_by_role("button", name=mark).click()
    expect(page.get_by_role("button", name=withdraw)).to_be_visible()

    page.goto(report_url(live_server))
    page.locator(".report-actions a[href$='/publish/']").click()
    page.wait_for_url("**/publish/")  # the next page, before axe reads it
    assert_no_axe_violations(page)
    page.locator("#id_decision_date").fill("2023-05-30")
    page.locator("#id_decision_paragraph").fill("§ 45")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(_("Published reports"))
    assert_no_axe_violations(page)
    assert PublishedReport.objects.get().decision_label == "2023-05-30 § 45"


def test_committee_member_reads_the_report_on_a_phone(browser, live_server, demo):
    page = new_page(browser, PHONE)
    log_in(page, live_server, "ledamot")
    page.goto(report_url(live_server, "T2"))
    expect(page.locator(".colour--red").first).to_be_visible()
    assert_no_sideways_scrolling(page)
    assert_no_axe_violations(page)
    # The report's PDF is the first thing offered; the planner's tools are not.
    download_pdf = page.locator("main .ds-button").first
    expect(download_pdf).to_have_text(_("Download PDF"))
    expect(page.locator("a[href*='layout=flat']")).to_have_count(0)
    answer = page.request.get(live_server.url + download_pdf.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    assert "T2-2023.pdf" in answer.headers["content-disposition"]


def test_organisation_report_shows_progress_and_the_file(browser, live_server, demo):
    page = new_page(browser)
    log_in(page, live_server, "ledamot")
    page.goto(report_url(live_server))
    page.locator("main a[href*='/organisation/']").click()
    page.wait_for_url("**/organisation/**")  # the next page, before axe reads it
    assert_no_axe_violations(page)
    page.get_by_role("button", name=_("Generate the report")).click()
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "100")
    expect(page.get_by_role("link", name=_("Download the PDF"))).to_be_visible()
    assert_no_axe_violations(page)
    assert ReportJob.objects.get().status == "done"
