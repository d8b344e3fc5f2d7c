"""An activity's "Evaluated in" column in files: the names of the organisation's follow-up
periods in the file's language, read back by names, codes and the words files used before
(with their old meaning on the organisation's scheme); an unknown word refused with its sheet,
row and column, and nothing saved."""

import pytest

from goals.evaluation import months
from goals.models import Activity
from planning.models import Plan, preset_rows
from planning.services import organisation_create, periods_ensure_year, plan_create
from planning.services.schemes import scheme_save
from tests.transfer.test_services import cells, run, snapshot, xlsx
from transfer.services import plan_export_xlsx

GOALS = ("Mål", ["Nr", "Mål"])
ACTIVITIES = ("Aktiviteter", ["Mål nr", "Aktivitet", "När genomfört", "Utvärderas"])


@pytest.fixture
def quarter_plan(db):
    """A plan of an organisation that follows up by quarters."""
    organisation = organisation_create(name="Kvartalskommun", actor=None)
    scheme_save(organisation=organisation, rows=preset_rows("quarter"), actor=None)
    periods_ensure_year(organisation=organisation, year=2023, actor=None)
    return plan_create(
        organisation=organisation,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan Kvartalskommun 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )


def workbook(*activities: tuple[str, str]) -> bytes:
    return xlsx(
        GOALS,
        ACTIVITIES,
        rows={
            "Mål": [[1, "Trygg omsorg"]],
            "Aktiviteter": [[1, title, "Löpande", evaluated] for title, evaluated in activities],
        },
    )


def evaluated() -> dict[str, int]:
    return dict(Activity.objects.values_list("title", "evaluated_months"))


def test_names_codes_and_old_words_are_read_on_the_organisations_scheme(quarter_plan):
    report = run(
        quarter_plan,
        workbook(
            ("Namn", "Kvartal 2, Årsbokslut (kvartal 4)"),
            ("Namn på engelska", "Quarter 1/Quarter 3"),
            ("Koder", "Q2, Q4"),
            ("Gamla T1", "T1"),
            ("Gamla T2", "T2"),
            ("Gamla tertialrapporten och året", "Tertialrapport/Årsbokslut"),
            ("Helår", "helår"),
        ),
    )
    assert report.ok and report.applied, report.problems()
    assert evaluated() == {
        "Namn": months(6, 12),
        "Namn på engelska": months(3, 9),
        "Koder": months(6, 12),
        "Gamla T1": months(3),
        "Gamla T2": months(6, 9),  # T2 meant every period between the first and the last
        "Gamla tertialrapporten och året": months(3, 6, 9, 12),
        "Helår": months(12),
    }


@pytest.mark.parametrize(("language", "written"), [
    ("sv", "Kvartal 2, Årsbokslut (kvartal 4)"),
    ("nb", "2. kvartal, Årsmelding (kvartal 4)"),
    ("en", "Quarter 2, Year-end (quarter 4)"),
])  # fmt: skip
def test_export_names_the_periods_and_reads_back(quarter_plan, language, written):
    assert run(quarter_plan, workbook(("Kvartal 2 och året", "Q2/Q4"))).applied
    sheets = cells(plan_export_xlsx(plan=quarter_plan, language=language))
    sheet = next(rows for title, rows in sheets.items() if title[:6] in ("Aktivi", "Activi"))
    assert written in sheet[1]
    before = evaluated()
    report = run(quarter_plan, plan_export_xlsx(plan=quarter_plan, language=language))
    assert report.ok, report.problems()
    assert not [row for sheet in report.sheets for row in sheet.of("changed")]
    assert evaluated() == before == {"Kvartal 2 och året": months(6, 12)}


def test_an_unknown_word_is_refused_naming_sheet_row_and_column(quarter_plan, english):
    before = snapshot()
    report = run(
        quarter_plan,
        workbook(("Rätt", "Q1"), ("Fel", "Kvartal 2/Tertial 5")),
    )
    assert not report.applied
    found = [(sheet.source, row.number, problem.column, problem.message)
             for sheet, row, problem in report.problems()]  # fmt: skip
    assert found == [
        (
            "Aktiviteter",
            3,
            "Utvärderas",
            "“Tertial 5” is not a follow-up period of the organisation. Write one or more of "
            "“Quarter 1”, “Quarter 2”, “Quarter 3”, “Year-end (quarter 4)”, separated by commas.",
        )
    ]
    assert snapshot() == before  # nothing half-saved


def test_an_empty_cell_asks_for_a_period(quarter_plan, english):
    report = run(quarter_plan, workbook(("Ingen", "")))
    assert not report.applied
    assert [problem.column for _sheet, _row, problem in report.problems()] == ["Utvärderas"]
    assert not Activity.objects.exists()
