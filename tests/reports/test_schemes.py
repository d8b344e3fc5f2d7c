"""Follow-up schemes other than tertials on the reporting page and in the report: Gotland's
cumulative interim reports (Delår 1, Delår 2 January–August, Helår) and quarters. An indicator is
asked for only in the periods its frequency covers, and its trend compares like with like."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.versioning import save_validated
from indicators.models import Indicator
from indicators.services import measurement_record
from planning.models import Plan, Role
from planning.selectors import scope_for
from planning.services import membership_grant
from reports.excel import FLAT, report_workbook
from reports.selectors import follow_up_report
from reports.selectors.reporting import indicator_row_or_404, reporting_index
from tests.indicators.schemes import (
    first_goal,
    measure,
    periods_of,
    scheme_organisation,
    scheme_plan,
)

F = Indicator.Frequency
ENGLISH = {"accept-language": "en"}


def decided(plan: Plan) -> Plan:
    plan.status = Plan.Status.DECIDED
    plan.decision_date = datetime.date(2024, 11, 26)
    return save_validated(plan, actor=None)


def world(preset: str) -> dict:
    organisation = scheme_organisation(f"Kommun ({preset})", preset)
    plan = decided(scheme_plan(organisation))
    goal = first_goal(plan)
    planner = get_user_model().objects.create_user(f"planner-{preset}", password="pw")
    membership_grant(
        user=planner, organisation=organisation, unit=plan.owner_unit, role=Role.PLANNER, actor=None
    )
    return {
        "organisation": organisation,
        "plan": plan,
        "planner": planner,
        "periods": periods_of(organisation),
        "every": measure(goal, "Sjukfrånvaro", F.EVERY_PERIOD),
        "yearly": measure(goal, "HME-index", F.YEARLY),
        "ytd": measure(goal, "Kostnad per brukare", F.YEAR_TO_DATE),
        "seasonal": measure(goal, "Korttidsfrånvaro", F.EVERY_PERIOD, seasonal=True),
    }


@pytest.fixture
def gotland(db):
    return world("interim")


@pytest.fixture
def quarters(db):
    return world("quarter")


def record(w, name: str, period: str, value: str):
    return measurement_record(
        indicator=w[name], period=w["periods"][period], value=Decimal(value), actor=None
    )


def asked_names(w, year: int = 2026) -> dict[str, list[str]]:
    """Per period of `year`, the indicators the planner is asked to report, by their key."""
    names = {w[key].pk: key for key in ("every", "yearly", "ytd", "seasonal")}
    found = {}
    for block in reporting_index(w["planner"], scope_for(w["planner"])):
        if block.period.year == year:
            found[block.period.kind] = [
                names[row.pk]
                for goal in block.goals
                for row in goal.rows
                if row.kind == "indicator"
            ]
    return found


# --- Reporting: only what the period asks for ------------------------------------------------


def test_gotland_asks_a_yearly_indicator_only_at_the_year_end_and_year_to_date_in_every_period(
    gotland,
):
    assert asked_names(gotland) == {
        "D1": ["every", "ytd", "seasonal"],
        "D2": ["every", "ytd", "seasonal"],
        "HEL": ["every", "yearly", "ytd", "seasonal"],
    }


def test_quarters_ask_yearly_and_year_to_date_indicators_only_in_the_last_quarter(quarters):
    assert asked_names(quarters) == {
        "Q1": ["every", "seasonal"],
        "Q2": ["every", "seasonal"],
        "Q3": ["every", "seasonal"],
        "Q4": ["every", "yearly", "ytd", "seasonal"],
    }


def test_an_indicator_not_asked_in_the_period_is_not_left_to_report(gotland):
    record(gotland, "every", "D1 2026", "5.0")
    record(gotland, "ytd", "D1 2026", "5.0")
    d1 = next(
        block
        for block in reporting_index(gotland["planner"], scope_for(gotland["planner"]))
        if str(block.period) == "D1 2026"
    )
    assert (d1.values_entered, d1.values_total) == (2, 3)  # the yearly one is not counted
    assert d1.left == 1  # only the seasonal one is left


def test_the_value_of_an_indicator_not_asked_in_the_period_cannot_be_reported(gotland):
    planner, scope = gotland["planner"], scope_for(gotland["planner"])
    d1, hel = gotland["periods"]["D1 2026"], gotland["periods"]["HEL 2026"]
    with pytest.raises(Http404):
        indicator_row_or_404(planner, scope, d1.pk, gotland["yearly"].pk)
    assert indicator_row_or_404(planner, scope, hel.pk, gotland["yearly"].pk).can_write


def test_the_reporting_page_lists_only_the_indicators_asked_in_the_period(client, gotland):
    client.force_login(gotland["planner"])
    d1 = gotland["periods"]["D1 2026"]
    page = client.get(reverse("reports:reporting") + f"?period={d1.pk}", headers=ENGLISH).text
    assert "Kostnad per brukare" in page
    assert "HME-index" not in page


# --- The trend: like with like, saying what it compared ---------------------------------------


def trend(w, name: str, period: str):
    report = follow_up_report(w["plan"], w["periods"][period])
    row = next(row for goal in report.goals for row in goal.indicators if row.pk == w[name].pk)
    return row


def test_a_cumulative_period_is_compared_with_the_same_period_last_year(gotland):
    record(gotland, "every", "D2 2025", "6.5")
    record(gotland, "every", "D1 2026", "7.5")
    record(gotland, "every", "D2 2026", "5.5")
    with translation.override("en"):
        row = trend(gotland, "every", "D2 2026")
    assert row.previous.period_label == "D2 2025"
    assert row.previous.change == "better"
    assert row.previous.rule == "same_period"
    assert row.previous.text == (
        "compared with Interim report January–August 2025 (same period last year)"
    )


def test_a_year_to_date_indicator_is_compared_with_the_same_period_last_year(gotland):
    record(gotland, "ytd", "D1 2025", "9.0")
    record(gotland, "ytd", "D1 2026", "8.0")
    with translation.override("en"):
        row = trend(gotland, "ytd", "D1 2026")
    assert row.previous.period_label == "D1 2025"
    assert row.previous.change == "better"
    assert row.previous.text == "compared with Interim report 1 2025 (same period last year)"


def test_a_non_seasonal_indicator_under_quarters_is_compared_with_the_previous_quarter(quarters):
    record(quarters, "every", "Q2 2025", "9.0")
    record(quarters, "every", "Q1 2026", "6.5")
    record(quarters, "every", "Q2 2026", "7.5")
    with translation.override("en"):
        row = trend(quarters, "every", "Q2 2026")
    assert row.previous.period_label == "Q1 2026"
    assert row.previous.change == "worse"
    assert row.previous.text == "compared with Quarter 1 2026 (previous period)"


def test_a_seasonal_indicator_under_quarters_is_compared_with_the_same_quarter_last_year(
    quarters,
):
    record(quarters, "seasonal", "Q2 2025", "9.0")
    record(quarters, "seasonal", "Q1 2026", "6.5")
    record(quarters, "seasonal", "Q2 2026", "7.5")
    with translation.override("en"):
        row = trend(quarters, "seasonal", "Q2 2026")
    assert row.previous.period_label == "Q2 2025"
    assert row.previous.change == "better"
    assert row.previous.text == "compared with Quarter 2 2025 (same period last year)"


def test_a_yearly_indicator_is_compared_with_the_previous_year_end(quarters):
    record(quarters, "yearly", "Q4 2025", "6.5")
    record(quarters, "yearly", "Q4 2026", "5.5")
    with translation.override("en"):
        row = trend(quarters, "yearly", "Q4 2026")
    assert row.previous.period_label == "Q4 2025"
    assert row.previous.text == "compared with Year-end (quarter 4) 2025 (previous year-end)"


def test_without_an_earlier_value_the_trend_says_there_is_nothing_to_compare_with(gotland):
    record(gotland, "every", "D2 2026", "5.5")
    with translation.override("en"):
        row = trend(gotland, "every", "D2 2026")
    assert row.previous.change == "none"
    assert row.previous.text == "No value of the same period last year to compare with"


# --- The report ----------------------------------------------------------------------------


def test_an_indicator_not_asked_in_the_period_shows_its_latest_value_with_its_period(gotland):
    record(gotland, "yearly", "HEL 2025", "5.0")
    with translation.override("en"):
        row = trend(gotland, "yearly", "D2 2026")
    assert not row.is_asked
    assert row.value == Decimal("5.0")
    assert row.is_carried and row.carried_text == "from HEL 2025"
    assert row.not_asked_text == (
        "Once a year: not asked for in Interim report January–August 2026."
    )


def test_the_report_page_says_what_each_trend_compared(client, gotland):
    record(gotland, "every", "D2 2025", "6.5")
    record(gotland, "every", "D2 2026", "5.5")
    record(gotland, "yearly", "HEL 2025", "5.0")
    client.force_login(gotland["planner"])
    d2 = gotland["periods"]["D2 2026"]
    html = client.get(
        reverse("reports:report", args=[gotland["plan"].pk, d2.pk]) + "?lang=en", headers=ENGLISH
    ).text
    assert (
        '<span class="small trend-basis" data-fact="trend-basis">compared with Interim report '
        "January–August 2025 (same period last year)</span>"
    ) in html
    assert (
        '<span class="small not-asked" data-fact="not-asked">Once a year: not asked for in '
        "Interim report January–August 2026.</span>"
    ) in html
    overview = client.get(
        reverse("reports:overview", args=[gotland["plan"].pk, d2.pk]), headers=ENGLISH
    ).text
    assert (
        '<span data-fact="trend-basis">compared with Interim report January–August 2025 (same '
        "period last year)</span>"
    ) in overview


def test_the_excel_report_says_what_each_trend_compared(quarters):
    record(quarters, "seasonal", "Q2 2025", "9.0")
    record(quarters, "seasonal", "Q1 2026", "6.5")
    record(quarters, "seasonal", "Q2 2026", "7.5")
    record(quarters, "every", "Q1 2026", "6.5")
    record(quarters, "every", "Q2 2026", "7.5")
    with translation.override("en"):
        report = follow_up_report(quarters["plan"], quarters["periods"]["Q2 2026"])
        content = report_workbook(report, FLAT)
    table = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(content)).active]
    header = table[0]
    compared = header.index("Compared with")
    by_name = {row[header.index("Indicator")]: row for row in table[1:]}
    assert by_name["Korttidsfrånvaro"][compared] == "Q2 2025 (same period last year)"
    assert by_name["Korttidsfrånvaro"][compared + 1] == Decimal("9")
    every = by_name[quarters["every"].name]
    assert every[compared] == "Q1 2026 (previous period)"
    yearly = by_name[quarters["yearly"].name]
    assert yearly[compared] == "No earlier year-end value to compare with"
