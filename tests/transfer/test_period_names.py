"""Values carry their periods by the names of the organisation's scheme: exported as the name in
the file's language and the year, imported from the name in any language, the short code or the
words documents use; a period the scheme does not have is refused, naming those it has."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from indicators.models import Indicator, Measurement
from indicators.services import measurement_record
from tests.indicators.schemes import (
    first_goal,
    measure,
    periods_of,
    scheme_organisation,
    scheme_plan,
)
from tests.transfer.test_services import run, xlsx
from transfer.services import plan_export_xlsx

VALUES = ("Mätvärden", ["Mål nr", "Indikator", "Period", "Enhet", "Kön", "Värde"])


@pytest.fixture
def gotland(db):
    organisation = scheme_organisation("Region Gotland", "interim")
    plan = scheme_plan(organisation)
    goal = first_goal(plan)
    return {
        "plan": plan,
        "periods": periods_of(organisation),
        "every": measure(goal, "Sjukfrånvaro"),
        "yearly": measure(goal, "HME-index", Indicator.Frequency.YEARLY),
    }


def imported(plan, rows: list[list], language: str = "sv") -> dict[str, D]:
    report = run(plan, xlsx(VALUES, rows={"Mätvärden": rows}), language=language)
    assert report.applied, list(report.problems())
    return {
        f"{m.indicator.name} {m.period}": m.value
        for m in Measurement.objects.select_related("indicator", "period")
    }


def test_values_are_imported_by_the_period_names_in_swedish_norwegian_and_english(gotland):
    found = imported(
        gotland["plan"],
        [
            [1, "Sjukfrånvaro", "Delår 1 2026", "", "", 6.1],  # Swedish
            [1, "Sjukfrånvaro", "Delårsrapport januar-august 2026", "", "", 6.2],  # bokmål
            [1, "Sjukfrånvaro", "Full year 2025", "", "", 6.3],  # English
            [1, "Sjukfrånvaro", "INTERIM REPORT 1 2025", "", "", 6.4],  # any case
        ],
    )
    assert found == {
        "Sjukfrånvaro D1 2026": D("6.1"),
        "Sjukfrånvaro D2 2026": D("6.2"),
        "Sjukfrånvaro HEL 2025": D("6.3"),
        "Sjukfrånvaro D1 2025": D("6.4"),
    }


def test_values_are_imported_by_the_short_code_and_by_the_words_documents_use(gotland):
    found = imported(
        gotland["plan"],
        [
            [1, "Sjukfrånvaro", "D2 2025", "", "", 5.1],  # the code
            [1, "Sjukfrånvaro", "hel 2026", "", "", 5.2],  # the code, any case
            [1, "Sjukfrånvaro", "Delår 2 2026", "", "", 5.3],  # the second period of 2026
            [1, "HME-index", "Årsbokslut 2025", "", "", 75],  # the year-end
            [1, "HME-index", "2026", "", "", 78],  # a bare year: the year-end
        ],
    )
    assert found == {
        "Sjukfrånvaro D2 2025": D("5.1"),
        "Sjukfrånvaro HEL 2026": D("5.2"),
        "Sjukfrånvaro D2 2026": D("5.3"),
        "HME-index HEL 2025": D("75"),
        "HME-index HEL 2026": D("78"),
    }


def test_a_period_not_in_the_scheme_is_refused_naming_sheet_row_column_and_the_periods(
    gotland, english
):
    content = xlsx(
        VALUES,
        rows={
            "Mätvärden": [
                [1, "Sjukfrånvaro", "T1 2026", "", "", 6.1],  # a tertial: not Gotland's
                [1, "Sjukfrånvaro", "Delår 1 2019", "", "", 6.1],  # a year without periods
            ]
        },
    )
    report = run(gotland["plan"], content, language="sv")
    assert not report.applied
    found = [(s.source, r.number, p.column, p.message) for s, r, p in report.problems()]
    assert found[0] == (
        "Mätvärden",
        2,
        "Period",
        "Region Gotland has no follow-up period T1 2026. Write one of its periods: Delår 1 2026 "
        "(D1), Delårsrapport januari–augusti 2026 (D2), Helår 2026 (HEL).",
    )
    assert found[1][:3] == ("Mätvärden", 3, "Period")
    assert "has no follow-up period Delår 1 2019" in found[1][3]
    assert "Delår 1 2025 (D1)" in found[1][3]
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("sv", "Delårsrapport januari–augusti 2026"),
        ("nb", "Delårsrapport januar–august 2026"),
        ("en", "Interim report January–August 2026"),
    ],
)
def test_export_writes_the_periods_name_in_the_files_language(gotland, language, written):
    measurement_record(
        indicator=gotland["every"], period=gotland["periods"]["D2 2026"], value=D("6"), actor=None
    )
    content = plan_export_xlsx(plan=gotland["plan"], language=language)
    sheet = load_workbook(io.BytesIO(content)).worksheets[-1]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [written]
    # ...and the file imports again as it is, every row unchanged.
    report = run(gotland["plan"], content, language=language)
    assert report.applied
    assert {s.kind: len(s.unchanged) for s in report.sheets}["measurements"] == 1


@pytest.mark.parametrize("written", ["Hittills i år", "ackumulerat", "Hittil i år", "Year to date"])
def test_the_year_to_date_frequency_is_read_in_every_language(gotland, written):
    content = xlsx(
        ("Indikatorer", ["Mål nr", "Indikator", "Mäts", "Typ av mål"]),
        rows={"Indikatorer": [[1, "Kostnad per brukare", written, "Följs"]]},
    )
    assert run(gotland["plan"], content).applied
    assert Indicator.objects.get(name="Kostnad per brukare").frequency == "year_to_date"
