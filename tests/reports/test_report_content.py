"""What the report says besides goals and values, the same in the report page, the PDF, Excel and
the overview: the owning organisations, the summary read first, the plan's perspectives, the
lower plans' goals that contribute, the organisation's report language, and each role's actions
first on the report page."""

import datetime
import io
import re
from decimal import Decimal

import pikepdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from goals.evaluation import months
from goals.models import Goal
from goals.services import activity_create, activity_status_set, goal_create, goal_follow_up_save
from indicators.models import Indicator
from indicators.services import indicator_create, measurement_record
from planning.models import Organisation, Plan
from planning.services import organisation_create
from reports.excel import PER_GOAL, report_workbook
from reports.pdf import report_pdf
from reports.selectors import follow_up_report
from tests.deadlines import month_end
from tests.reports.conftest import page_texts, pdf_text, squash


def _plan(pk: int) -> Plan:
    return Plan.objects.select_related("organisation", "owner_unit").get(pk=pk)


@pytest.fixture
def joint(followed_up):
    """The fixture plan, owned with a region, with two perspectives written."""
    region = organisation_create(name="Region Testlän", kind="region", actor=None)
    followed_up.partner_organisations.set([region])
    Plan.objects.filter(pk=followed_up.pk).update(
        gender_equality="Alla indikatorer redovisas för kvinnor och män.",
        child_rights="Barnets bästa prövas i varje beslut om insatser.",
    )
    return _plan(followed_up.pk)


# --- The owners, on the cover -------------------------------------------------------------------


def test_the_cover_names_every_owning_organisation(joint, periods):
    report = follow_up_report(joint, periods[0])
    assert report.owners == ("Testkommun", "Region Testlän")
    cover = page_texts(report_pdf(report).content)[0]
    assert cover.startswith("Testkommun Region Testlän")


# --- The summary ---------------------------------------------------------------------------------


def test_the_summary_gives_the_counts_what_needs_attention_and_the_analyses(
    followed_up, goal, indicator, periods
):
    # T2: HME 65 (red, and worse than T1's 76); the course was due in May, not done.
    t2 = periods[1]
    measurement_record(indicator=indicator, period=t2, value=Decimal("65"), actor=None)
    course = activity_create(
        goal=goal,
        title="Vi utbildar i HLR",
        due_on=month_end(5),
        evaluated_months=months(8, 12),
        actor=None,
    )
    activity_status_set(
        activity=course, period=t2, status="delayed", comment="Kursen flyttad", actor=None
    )
    goal_follow_up_save(
        goal=goal,
        period=t2,
        assessment="not_expected",
        analysis="Sjukfrånvaron ökade under våren.\n\nVi satsar på friskvård i höst.",
        actor=None,
    )
    summary = follow_up_report(_plan(followed_up.pk), t2).summary
    assert summary.indicators_text == "1 indikator: 0 gröna, 0 gula, 1 röd, 0 utan värde."
    assert summary.goals_text == "1 mål: 1 förväntas inte uppfyllas."
    assert [(item.name, item.is_red, item.fell) for item in summary.attention] == [
        ("HME-index", True, True)
    ]
    assert summary.attention[0].fell_text == "sämre än T1 2023 (76)"
    assert [activity.title for activity in summary.overdue] == ["Vi utbildar i HLR"]
    # The analysis is quoted by its first paragraph.
    (analysis,) = summary.analyses
    assert (analysis.text, analysis.is_shortened) == ("Sjukfrånvaron ökade under våren.", True)
    assert summary.lead == (
        "1 indikator är röd eller sämre än förra perioden; 1 aktivitet är försenad."
    )


def test_a_period_with_nothing_wrong_says_so(followed_up, indicator, activity, periods):
    t2 = periods[1]
    measurement_record(indicator=indicator, period=t2, value=Decimal("85"), actor=None)
    activity_status_set(activity=activity, period=t2, status="done", actor=None)
    summary = follow_up_report(_plan(followed_up.pk), t2).summary
    assert (summary.attention, summary.overdue) == ((), ())
    assert summary.lead.startswith("Ingen indikator är röd")


# --- The perspectives ----------------------------------------------------------------------------


def test_the_plans_perspectives_have_a_section_of_their_own(client, planner, joint, periods):
    report = follow_up_report(joint, periods[0])
    assert [(p.key, p.label) for p in report.perspectives] == [
        ("gender_equality", "Jämställdhet"),
        ("child_rights", "Barnets rättigheter"),
    ]
    client.force_login(planner)
    page = client.get(reverse("reports:report", args=[joint.pk, periods[0].pk])).text
    section = page.split('class="report-perspectives"', 1)[1].split("</section>", 1)[0]
    assert "Barnets bästa prövas i varje beslut om insatser." in section
    overview = client.get(reverse("reports:overview", args=[joint.pk, periods[0].pk])).text
    assert "Alla indikatorer redovisas för kvinnor och män." in overview
    texts = page_texts(report_pdf(report).content)
    contents = next(text for text in texts if text.startswith("Innehåll"))
    assert "Perspektiv" in contents
    chapter = next(text for text in texts if text.startswith("Perspektiv"))
    assert "Jämställdhet Alla indikatorer redovisas för kvinnor och män." in chapter
    sheet = load_workbook(io.BytesIO(report_workbook(report, PER_GOAL)))["Sammanfattning"]
    assert "Barnets bästa prövas i varje beslut om insatser." in [
        cell.value for row in sheet.iter_rows() for cell in row
    ]


def test_a_plan_without_perspectives_has_no_such_section(client, planner, followed_up, periods):
    assert follow_up_report(_plan(followed_up.pk), periods[0]).perspectives == ()
    client.force_login(planner)
    page = client.get(reverse("reports:report", args=[followed_up.pk, periods[0].pk])).text
    assert "report-perspectives" not in page


# --- The lower plans' goals -----------------------------------------------------------------------


def test_each_goal_shows_the_decided_lower_plans_goals_that_contribute(
    client, planner, followed_up, lower_plan, periods
):
    report = follow_up_report(_plan(followed_up.pk), periods[0])
    (found,) = report.goals[0].contributions
    assert (found.plan_name, found.owner, found.number, found.title) == (
        "Aktivitetsplan Hemtjänst 2023",
        "Hemtjänst",
        1,
        "Trygg hemtjänst",
    )
    assert (found.activities_done, found.activities_total) == (1, 2)
    assert found.share_done_text == "1 av 2 (50 %)"
    client.force_login(planner)
    page = client.get(reverse("reports:report", args=[followed_up.pk, periods[0].pk])).text
    assert "Aktivitetsplan Hemtjänst 2023" in page and "Trygg hemtjänst" in page
    assert "Kortare väntetider" not in page  # the draft's goal
    text = pdf_text(report_pdf(report).content)
    assert squash("Aktivitetsplan Hemtjänst 2023 (Hemtjänst): 1. Trygg hemtjänst") in text


def test_the_lower_plans_cost_the_same_queries_however_many(followed_up, lower_plan, periods):
    plan = _plan(followed_up.pk)
    with CaptureQueriesContext(connection) as one:
        follow_up_report(plan, periods[0])
    for number in range(2, 6):
        serving = goal_create(plan=lower_plan, number=number, title=f"Mål {number}", actor=None)
        Goal.objects.filter(pk=serving.pk).update(contributes_to=plan.goals.get())
        activity_create(
            goal=serving, title="Något", ongoing=True, evaluated_months=months(4, 12), actor=None
        )
    with CaptureQueriesContext(connection) as five:
        report = follow_up_report(plan, periods[0])
    assert len(report.goals[0].contributions) == 5
    assert len(five) == len(one)


def test_each_indicator_names_who_is_responsible_and_who_reports_at_the_same_queries(
    followed_up, indicator, goal, periods, planner, unit_manager, units
):
    """The people are read by a query each for all the indicators (not joined to them), and
    only when an indicator names one: naming them costs the same queries however many."""
    plan = _plan(followed_up.pk)
    with CaptureQueriesContext(connection) as nobody:
        follow_up_report(plan, periods[0])
    Indicator.objects.filter(pk=indicator.pk).update(
        responsible_user=planner, responsible_role="Kvalitetschef", reporting_user=unit_manager,
        reporting_unit=units["unit_a"],
    )  # fmt: skip
    with CaptureQueriesContext(connection) as one:
        (row,) = follow_up_report(plan, periods[0]).goals[0].indicators
    assert row.responsible == "Anna Lindqvist, Kvalitetschef"
    assert row.reporter == f"Erik Nilsson, {units['unit_a'].name}"
    for number in range(3):
        indicator_create(
            goal=goal, name=f"Mått {number}", green_bound=Decimal(80),
            responsible_user=unit_manager, reporting_user=planner, actor=None,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as four:
        rows = follow_up_report(plan, periods[0]).goals[0].indicators
    assert [row.responsible for row in rows[1:]] == ["Erik Nilsson"] * 3
    assert [row.reporter for row in rows[1:]] == ["Anna Lindqvist"] * 3
    assert len(four) == len(one) == len(nobody) + 2


# --- The organisation's report language ----------------------------------------------------------


@pytest.fixture
def norwegian(followed_up):
    Organisation.objects.filter(pk=followed_up.organisation_id).update(report_language="nb")
    Plan.objects.filter(pk=followed_up.pk).update(
        decision_date=datetime.date(2022, 11, 29), decision_paragraph="§ 190"
    )
    return _plan(followed_up.pk)


def test_the_report_is_in_the_organisations_language_whatever_the_reader_reads(
    client, committee_member, norwegian, periods
):
    client.force_login(committee_member)
    url = reverse("reports:report", args=[norwegian.pk, periods[0].pk])
    page = client.get(url, headers={"accept-language": "sv"}).text
    assert '<html lang="sv"' in page  # the reader's own pages stay Swedish
    assert '<article class="report" lang="nb">' in page
    assert ">Oppfølgingsrapport T1 2023: Verksamhetsplan Omsorg 2023</h1>" in page
    assert "29.11.2022 § 190" in page  # the decision date as Norwegian writes it
    assert "Ladda ned PDF" in page  # the reader's tools in the reader's language
    assert f'href="{reverse("reports:pdf", args=[norwegian.pk, periods[0].pk])}?lang=nb"' in page
    pdf = client.get(reverse("reports:pdf", args=[norwegian.pk, periods[0].pk])).content
    assert str(pikepdf.Pdf.open(io.BytesIO(pdf)).Root.Lang) == "nb"
    texts = page_texts(pdf)
    assert texts[1].startswith("Sammendrag") and re.search(r"Side 2 av \d+$", texts[1])


def test_a_reader_may_ask_for_another_language(client, committee_member, norwegian, periods):
    client.force_login(committee_member)
    url = reverse("reports:report", args=[norwegian.pk, periods[0].pk])
    page = client.get(url, {"lang": "sv"}).text
    assert '<article class="report" lang="sv">' in page
    assert "2022-11-29 § 190" in page
    # The choice of languages names each in its own language, the current one marked.
    assert f'<a href="{url}?lang=nb" lang="nb" hreflang="nb">Norsk (bokmål)</a>' in page
    assert f'href="{url}?lang=sv" lang="sv" hreflang="sv" aria-current="true"' in page
    pdf = client.get(reverse("reports:pdf", args=[norwegian.pk, periods[0].pk]), {"lang": "en"})
    assert str(pikepdf.Pdf.open(io.BytesIO(pdf.content)).Root.Lang) == "en"
    # A language Styrkort does not have falls back to the organisation's.
    assert '<article class="report" lang="nb">' in client.get(url, {"lang": "de"}).text


# --- Each role's actions first --------------------------------------------------------------------


def _actions(page: str) -> list[str]:
    """The labels of the page's buttons and links styled as buttons, in order."""
    main = page.split('<main id="main"', 1)[1]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r'class="ds-button"[^>]*>(.*?)</(?:a|button)>', main, re.S)
    ]


def test_a_committee_member_is_offered_the_pdf_first_and_no_planners_tools(
    client, committee_member, followed_up, periods
):
    client.force_login(committee_member)
    page = client.get(reverse("reports:report", args=[followed_up.pk, periods[0].pk])).text
    assert _actions(page)[0] == "Ladda ned PDF"
    for tool in ("reports:excel", "reports:publish", "reports:readiness"):
        assert reverse(tool, args=[followed_up.pk, periods[0].pk]) not in page, tool
    assert "Verktyg för planeraren" not in page


def test_a_unit_manager_is_offered_their_part_after_the_pdf(
    client, unit_manager, followed_up, periods
):
    client.force_login(unit_manager)
    page = client.get(reverse("reports:report", args=[followed_up.pk, periods[0].pk])).text
    assert _actions(page) == [
        "Ladda ned PDF",
        "Rapportera aktiviteter och värden",
        "Markera din del som klar",
    ]
    assert reverse("reports:publish", args=[followed_up.pk, periods[0].pk]) not in page


def test_a_planner_gets_the_pdf_first_then_the_planners_tools(
    client, planner, followed_up, periods
):
    client.force_login(planner)
    page = client.get(reverse("reports:report", args=[followed_up.pk, periods[0].pk])).text
    actions = _actions(page)
    assert actions[0] == "Ladda ned PDF"
    assert actions[1:5] == [
        "Klara delar",
        "Publicera den beslutade rapporten",
        "Excel, ett blad per mål",
        "Excel, ett blad",
    ]
    assert "Verktyg för planeraren" in page
