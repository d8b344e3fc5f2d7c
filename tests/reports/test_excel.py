"""The Excel export, read back with openpyxl: one sheet per goal, or one flat sheet."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from goals.models import ActivityStatus, Goal
from indicators.colour import Colour
from indicators.models import Measurement
from reports.excel import FLAT, FLAT_HEADERS, PER_GOAL, report_workbook, sheet_name
from reports.selectors import follow_up_report
from tests.reports.conftest import demo_period


@pytest.fixture
def demo(demo_of_the_module):
    """The demo, loaded once for this module's tests."""
    return demo_of_the_module


def workbook(plan, kind: str, layout: str):
    content = report_workbook(follow_up_report(plan, demo_period(kind)), layout)
    return load_workbook(io.BytesIO(content))


def rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_a_sheet_per_goal_with_indicators_activities_and_analysis(demo):
    book = workbook(demo, "T2", PER_GOAL)
    # The summary first, then a sheet per goal.
    assert len(book.sheetnames) == 1 + Goal.objects.filter(plan=demo).count() == 7
    assert book.sheetnames[0] == "Sammanfattning"
    assert book.sheetnames[2] == "2. Nöjda och friska medarbetare"
    assert all(len(name) <= 31 for name in book.sheetnames)
    sheet = book["2. Nöjda och friska medarbetare"]
    table = rows(sheet)
    sick_leave = next(row for row in table if row[0] == "Total sjukfrånvaro")
    # The value is a number (with its decimals as the cell's format), not text.
    assert sick_leave[3] == pytest.approx(6.4)
    assert sheet.cell(row=table.index(sick_leave) + 1, column=4).number_format == "0.0"
    assert sick_leave[4] == "T2 2023"  # the period's own value
    assert sick_leave[6] == Colour.YELLOW.label and sick_leave[7] == "> 6,0 och < 7,0"
    # What the trend compared with, and which earlier value that is, as the report says it.
    assert sick_leave[8] == "T1 2023 (föregående period)" and sick_leave[9] == pytest.approx(7.8)
    activities = [row[0] for row in table]
    assert "Vi utbildar medarbetare i MHFA, Mental Health First Aid" in activities
    delayed = str(ActivityStatus.Status.DELAYED.label)
    mhfa = next(row for row in table if str(row[0]).startswith("Vi utbildar medarbetare i MHFA"))
    assert mhfa[3] == delayed


def test_the_summary_sheet_gives_the_counts_and_what_needs_attention(demo):
    table = rows(workbook(demo, "T2", PER_GOAL)["Sammanfattning"])
    assert table[0][0].startswith("Uppföljningsrapport T2 2023")
    texts = [cell for row in table for cell in row if cell]
    assert "12 indikatorer: 2 gröna, 1 gul, 2 röda, 7 utan värde." in texts
    assert "Behöver uppmärksamhet" in texts and "Utredningstid barn och unga" in texts
    assert "Försenade aktiviteter" in texts


def test_one_flat_sheet_with_a_row_per_indicator_and_activity(demo):
    book = workbook(demo, "T3", FLAT)
    assert len(book.sheetnames) == 1
    table = rows(book.active)
    header, body = table[0], table[1:]
    assert header == [str(title) for title in FLAT_HEADERS]
    assert len(body) == 12 + 23  # every indicator and, at year-end, every activity
    assert {row[0] for row in body} == {1, 2, 3, 4, 5, 6}
    budget = next(row for row in body if row[3] == "Budgetavvikelse")
    assert budget[6] == pytest.approx(-1850)
    assert budget[7] == "från T2 2023"  # no T3 value: T2's is carried, and says so
    assert book.active.auto_filter.ref.startswith("A1:")


def test_values_keep_every_decimal(demo):
    Measurement.objects.filter(indicator__name="Total sjukfrånvaro", period__kind="T2").update(
        value=Decimal("6.4567")
    )
    table = rows(workbook(demo, "T2", FLAT).active)
    assert next(row for row in table if row[3] == "Total sjukfrånvaro")[6] == pytest.approx(6.4567)


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    first = sheet_name("1. Mål: [A/B] * ? \\ med ett mycket långt namn som fortsätter", taken)
    second = sheet_name("1. Mål: [A/B] * ? \\ med ett mycket långt namn som fortsätter", taken)
    assert len(first) <= 31 and len(second) <= 31
    assert not set("[]:*?/\\") & set(first + second)
    assert first != second and second.endswith("(2)")


def test_unknown_layout_is_refused(demo):
    with pytest.raises(ValueError):
        report_workbook(follow_up_report(demo, demo_period("T1")), "pie")


def test_carried_values_and_statuses_are_marked_in_the_cells(demo):
    """T2 without its own sick-leave value shows T1's, marked; so does an unreported status."""
    Measurement.objects.filter(indicator__name="Total sjukfrånvaro", period__kind="T2").delete()
    ActivityStatus.objects.filter(
        activity__title__startswith="Vi utbildar medarbetare i MHFA", period__kind="T2"
    ).delete()
    table = rows(workbook(demo, "T2", PER_GOAL)["2. Nöjda och friska medarbetare"])
    sick_leave = next(row for row in table if row[0] == "Total sjukfrånvaro")
    assert sick_leave[3] == pytest.approx(7.8)
    assert sick_leave[4] == "från T1 2023"
    assert sick_leave[6] == Colour.RED.label
    mhfa = next(row for row in table if str(row[0]).startswith("Vi utbildar medarbetare i MHFA"))
    t1_status = ActivityStatus.objects.get(
        activity__title__startswith="Vi utbildar medarbetare i MHFA", period__kind="T1"
    )
    assert mhfa[3] == f"{t1_status.get_status_display()} (från T1 2023)"
