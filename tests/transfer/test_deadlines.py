"""An activity's deadline in a file: exported as ISO ("2023-05" for a month, "2023-05-15" for a
day), imported in every form a planner writes it (ISO, "15 maj 2023", "maj 2023", "mai 2023",
"May 2023", a month alone in the plan's first year, "Löpande"); a bad cell is refused naming
its sheet, row and column, and nothing of the file is saved."""

import datetime

import pytest

from goals.models import Activity
from tests.transfer.test_services import cells, run, snapshot, xlsx
from transfer.exporting import plan_export_xlsx

HEADERS = ["Mål nr", "Aktivitet", "När genomfört", "Utvärderas"]
WRITTEN = {
    "ISO dag": ("2023-05-31", datetime.date(2023, 5, 31), "day"),
    "ISO månad": ("2023-05", datetime.date(2023, 5, 31), "month"),
    "Dag i ord": ("15 maj 2023", datetime.date(2023, 5, 15), "day"),
    "Månad i ord": ("maj 2023", datetime.date(2023, 5, 31), "month"),
    "Norsk månad": ("mai 2023", datetime.date(2023, 5, 31), "month"),
    "Engelsk månad": ("May 2023", datetime.date(2023, 5, 31), "month"),
    "Gammal form": ("maj", datetime.date(2023, 5, 31), "month"),
    "Gammal siffra": (11, datetime.date(2023, 11, 30), "month"),
    "Löpande": ("Löpande", None, "month"),
    "Løpende": ("Løpende", None, "month"),
}


def test_every_written_deadline_is_imported(plan, goal):
    rows = [[1, title, when, "Årsbokslut"] for title, (when, _d, _p) in WRITTEN.items()]
    report = run(plan, xlsx(("Aktiviteter", HEADERS), rows={"Aktiviteter": rows}))
    assert report.ok and report.applied, report.problems()
    imported = {a.title: (a.due_on, a.due_precision) for a in Activity.objects.all()}
    assert imported == {
        title: (due_on, precision) for title, (_w, due_on, precision) in WRITTEN.items()
    }
    assert {a.title for a in Activity.objects.filter(ongoing=True)} == {"Löpande", "Løpende"}


def test_the_export_writes_iso_months_and_days_and_reads_them_back(plan, goal):
    Activity.objects.bulk_create(
        [
            Activity(goal=goal, title="Månad", due_on=datetime.date(2023, 5, 31), position=0),
            Activity(
                goal=goal, title="Dag", due_on=datetime.date(2023, 5, 15), due_precision="day",
                position=1,
            ),
        ]
    )  # fmt: skip
    sheet = cells(plan_export_xlsx(plan=plan))["Aktiviteter"]
    column = sheet[0].index("När genomfört")
    assert [row[column] for row in sheet[1:]] == ["2023-05", "2023-05-15"]


@pytest.mark.parametrize("bad", ["Midsommar", "2023-13", "31 februari 2023", "maj 2030"])
def test_a_bad_deadline_is_refused_by_sheet_row_and_column_and_nothing_is_saved(
    plan, goal, english, bad
):
    before = snapshot()
    rows = [[1, "Bra rad", "maj 2023", "Årsbokslut"], [1, "Dålig rad", bad, "Årsbokslut"]]
    report = run(plan, xlsx(("Aktiviteter", HEADERS), rows={"Aktiviteter": rows}))
    assert not report.applied and not report.ok
    found = [
        (sheet.source, row.number, problem.column) for sheet, row, problem in report.problems()
    ]
    assert found == [("Aktiviteter", 3, "När genomfört")]
    assert snapshot() == before  # the good row is not saved either
