"""Import and export of a plan as files (indicators.transfer): round trips, previews, refusals.

Files are real: workbooks written and read with openpyxl, CSV files as bytes. "Nothing changed"
is checked by counting every row of the plan's models and their history before and after.
"""

import io
import zipfile
from decimal import Decimal as D
from itertools import product

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from demo.loader import load_demo
from goals.evaluation import months
from goals.models import Activity, ActivityStatus, Goal
from indicators.models import Indicator, Measurement, Origin
from indicators.services import measurement_record
from planning.models import FollowUpPeriod, Plan, Role
from planning.services import (
    membership_grant,
    organisation_create,
    period_set_open,
    periods_ensure_year,
    plan_create,
)
from tests.deadlines import month_end
from transfer.resources import KINDS
from transfer.resources.files import UploadedFile
from transfer.services import (
    csv_filename,
    plan_export_csv,
    plan_export_csv_zip,
    plan_export_xlsx,
    plan_import,
)

MEASURED = ("Mätvärden", ["Mål nr", "Indikator", "Period", "Enhet", "Kön", "Värde", "Kommentar"])


@pytest.fixture
def demo_plan(db):
    load_demo()
    return Plan.objects.get(name="Verksamhetsplan Omsorg 2023")


@pytest.fixture
def demo_planner(demo_plan, django_user_model):
    return django_user_model.objects.get(username="planerare")


@pytest.fixture
def empty_plan(db):
    """A new plan of a new organisation, with its own T1–T3 2023, open for reporting."""
    organisation = organisation_create(name="Nykommun", actor=None)
    for period in periods_ensure_year(organisation=organisation, year=2023, actor=None):
        period_set_open(period=period, is_open=True, actor=None)
    return plan_create(
        organisation=organisation,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan Nykommun 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )


@pytest.fixture
def planner(django_user_model, organisation, units):
    user = django_user_model.objects.create_user("planner", password="pw")
    membership_grant(
        user=user, organisation=organisation, unit=units["operation"], role=Role.PLANNER, actor=None
    )
    return user


@pytest.fixture
def measured(indicator, periods, planner):
    """The fixture plan's HME index with a value in T1."""
    return measurement_record(
        indicator=indicator, period=periods[0], value=D("72"), comment="Enkät", actor=planner
    )


def xlsx(*sheets: tuple[str, list], rows: dict[str, list[list]] | None = None) -> bytes:
    """A workbook: sheets as (title, headers), with `rows` per title."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in (rows or {}).get(title, []):
            sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def cells(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def snapshot() -> dict[str, int]:
    """How many rows every model has, history included."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def run(plan, content: bytes, name: str = "plan.xlsx", actor=None, apply: bool = True, **kwargs):
    return plan_import(
        plan=plan, files=[UploadedFile(name, content)], actor=actor, apply=apply, **kwargs
    )


def problems(report) -> list[tuple[int, str, str]]:
    return [(row.number, problem.column, problem.message) for _s, row, problem in report.problems()]


# --- Round trips ----------------------------------------------------------------------------------


def test_xlsx_round_trip_into_an_empty_organisation(demo_plan, empty_plan):
    first = plan_export_xlsx(plan=demo_plan)
    report = run(empty_plan, first)
    assert report.ok and report.applied, report.problems()
    # Goals, sub-goals (the demo's eight DELMÅL), indicators, activities, statuses, values.
    assert report.count("new") == 6 + 8 + 12 + 23 + 16 + 11
    second = plan_export_xlsx(plan=empty_plan)
    assert list(cells(first)) == [
        "Mål",
        "Delmål",
        "Indikatorer",
        "Aktiviteter",
        "Aktivitetsstatus",
        "Mätvärden",
    ]
    assert cells(second) == cells(first)


def test_round_trip_keeps_bands_targets_and_timing(demo_plan, empty_plan):
    run(empty_plan, plan_export_xlsx(plan=demo_plan))
    fields = (
        "direction",
        "green_bound",
        "green_bound_inclusive",
        "red_bound",
        "red_bound_inclusive",
        "target_value",
        "target_text",
        "unit",
        "unit_label",
        "decimals",
        "scale_max",
        "scope",
    )

    def indicators(plan):
        return list(
            Indicator.objects.filter(goal__plan=plan)
            .order_by("goal__number", "position")
            .values_list("goal__number", "name", *fields)
        )

    def activities(plan):
        return list(
            Activity.objects.filter(goal__plan=plan)
            .order_by("goal__number", "position")
            .values_list(
                "title",
                "ongoing",
                "due_on",
                "due_precision",
                "evaluated_months",
            )
        )

    assert indicators(empty_plan) == indicators(demo_plan)
    assert activities(empty_plan) == activities(demo_plan)


def test_csv_round_trip_is_byte_identical(demo_plan, empty_plan):
    first = {kind: plan_export_csv(plan=demo_plan, kind=kind) for kind in KINDS}
    files = [UploadedFile(csv_filename(demo_plan, kind), first[kind]) for kind in KINDS]
    report = plan_import(plan=empty_plan, files=files, actor=None, apply=True)
    assert report.ok and report.applied, report.problems()
    for kind in KINDS:
        assert plan_export_csv(plan=empty_plan, kind=kind) == first[kind], kind


def test_csv_is_what_a_nordic_excel_opens(demo_plan):
    content = plan_export_csv(plan=demo_plan, kind="measurements")
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "Mål nr;Indikator;Period;Enhet;Kön;Värde;Bedömt resultat;Kommentar;Källa"
    )
    assert "2;Total sjukfrånvaro;Tertial 1 2023;;Totalt;7,8;" in text  # the period by its name
    # A budget deficit is a number, not text to escape.
    assert ";-1850;" in text


def test_text_that_looks_like_a_formula_stays_text(plan, goal, empty_plan):
    goal.description = '=HYPERLINK("http://example.com")'
    goal.save()
    workbook = plan_export_xlsx(plan=plan)
    sheet = load_workbook(io.BytesIO(workbook))["Mål"]
    assert sheet["D2"].data_type == "s"
    assert sheet["D2"].value == goal.description
    csv_text = plan_export_csv(plan=plan, kind="goals").decode("utf-8-sig")
    assert ";\"'=HYPERLINK(" in csv_text
    for content, name in ((workbook, "plan.xlsx"), (csv_text.encode(), "Mål.csv")):
        report = run(empty_plan, content, name, apply=False)
        assert report.ok, report.problems()


def test_zip_of_csv_files_round_trip(demo_plan, empty_plan):
    archive = plan_export_csv_zip(plan=demo_plan)
    assert len(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == 6
    report = run(empty_plan, archive, "plan.zip")
    assert report.ok and report.applied
    assert cells(plan_export_xlsx(plan=empty_plan)) == cells(plan_export_xlsx(plan=demo_plan))


def test_reimporting_an_export_changes_nothing(demo_plan, demo_planner):
    before = snapshot()
    report = run(demo_plan, plan_export_xlsx(plan=demo_plan), actor=demo_planner)
    assert report.ok and report.applied
    assert report.count("new") == report.count("update") == 0
    assert report.count("skip") == 6 + 8 + 12 + 23 + 16 + 11
    assert snapshot() == before


def test_english_headers_and_words_in_english(demo_plan, empty_plan):
    content = plan_export_xlsx(plan=demo_plan, language="en")
    sheets = cells(content)
    assert list(sheets) == [
        "Goals",
        "Sub-goals",
        "Indicators",
        "Activities",
        "Activity status",
        "Measurements",
    ]
    assert sheets["Activities"][0][:7] == (
        "Goal no.",
        "Activity no.",
        "Sub-goal",
        "Activity",
        "Responsible",
        "Done by",
        "Evaluated in",
    )
    assert sheets["Activities"][1][5:7] == ("2023-10", "Tertial 1, Tertial 2, Year-end (tertial 3)")
    # Bands are always written as a Swedish user writes them: no "3,920" for 3920.
    costs = [row for row in sheets["Indicators"] if row[2] == "Kostnad individ- och familjeomsorg"]
    assert costs[0][16:19] == ("≥ 5\xa0680", "> 3\xa0920 och < 5\xa0680", "≤ 3\xa0920")
    report = run(empty_plan, content)
    assert report.ok and report.applied
    assert cells(plan_export_xlsx(plan=empty_plan)) == cells(plan_export_xlsx(plan=demo_plan))


# --- What a Swedish user writes -------------------------------------------------------------------

DOCUMENT_GOALS = [[1, "Digitalisera verksamheterna"], [2, "Nöjda och friska medarbetare"]]
DOCUMENT_INDICATORS = [
    [2, "Nöjda och friska medarbetare", "HME-index >80", "HME-index", "<70", "71-79", "≥80"],
    [
        2,
        "Nöjda och friska medarbetare",
        "Total sjukfrånvaro < 6 %",
        "Total sjukfrånvaro",
        "≥7,0",
        "6,1-6,9",
        "< 6 %",
    ],
    [1, "Digitalisera", "100%", "Andel med handlingsplan", "<100%", "", "100%"],
]
DOCUMENT_ACTIVITIES = [
    [1, "Utveckla 3 nya e-tjänster", "Verksamhetschef", "Oktober", "Tertialrapport/Årsbokslut"],
    [1, "Digitala möten", "All personal", "Löpande", "Årsbokslut"],
    [2, "Vi utbildar medarbetare i MHFA", "Alla chefer", "juni", "Tertialrapport"],
]


def document_workbook() -> bytes:
    return xlsx(
        ("Mål", ["Nr", "Mål"]),
        ("Indikatorer", ["Mål nr", "DELMÅL", "MÅLVÄRDE", "Indikator", "RÖD", "GUL", "GRÖN"]),
        ("Aktiviteter", ["Mål nr", "Aktivitet", "Ansvarig", "När genomfört", "Utvärderas"]),
        MEASURED,
        rows={
            "Mål": DOCUMENT_GOALS,
            "Indikatorer": DOCUMENT_INDICATORS,
            "Aktiviteter": DOCUMENT_ACTIVITIES,
            "Mätvärden": [[2, "Total sjukfrånvaro", "T1 2023", "", "", "7,8", "Hög"]],
        },
    )


def test_a_document_as_written(empty_plan):
    report = run(empty_plan, document_workbook())
    assert report.ok and report.applied, report.problems()
    hme = Indicator.objects.get(name="HME-index")
    assert (hme.direction, hme.green_bound, hme.green_bound_inclusive) == ("higher", 80, True)
    assert (hme.red_bound, hme.red_bound_inclusive, hme.target_value) == (70, False, 80)
    assert hme.target_text == "HME-index >80"
    sick = Indicator.objects.get(name="Total sjukfrånvaro")
    assert (sick.direction, sick.green_bound, sick.green_bound_inclusive) == ("lower", 6, True)
    assert (sick.red_bound, sick.red_bound_inclusive, sick.target_value) == (7, True, 6)
    plan_share = Indicator.objects.get(name="Andel med handlingsplan")
    assert (plan_share.green_bound, plan_share.red_bound) == (100, None)
    timing = {a.title: (a.ongoing, a.due_on, a.evaluated_months) for a in Activity.objects.all()}
    assert timing == {
        # A month alone (the old form) is that month in the plan's first year.
        "Utveckla 3 nya e-tjänster": (False, month_end(10), months(4, 8, 12)),
        "Digitala möten": (True, None, months(12)),
        "Vi utbildar medarbetare i MHFA": (False, month_end(6), months(4, 8)),
    }
    assert Measurement.objects.get().value == D("7.8")
    assert Measurement.objects.get().origin == Origin.IMPORT


def test_what_the_threshold_reader_resolved_is_shown(empty_plan):
    report = run(empty_plan, document_workbook(), apply=False)
    hme = next(row for row in report.sheets[1].rows if row.label.endswith("HME-index"))
    assert any("70" in notice and "71" in notice for notice in hme.notices), hme.notices


def test_norwegian_headers_are_accepted(measured, plan, english):
    content = xlsx(
        ("Måleverdier", ["Mål nr", "Indikator", "Periode", "Enhet", "Kjønn", "Verdi", "Kommentar"]),
        rows={"Måleverdier": [[1, "HME-index", "T1 2023", "", "Totalt", "74,5", "Enkät"]]},
    )
    report = run(plan, content, language="nb")
    assert report.ok and report.applied, report.problems()
    assert Measurement.objects.get().value == D("74.5")


def test_a_renamed_sheet_is_known_by_its_headers(measured, plan):
    content = xlsx(
        ("Blad1", MEASURED[1]),
        rows={"Blad1": [[1, "HME-index", "T1 2023", "", "Totalt", 75, "Enkät"]]},
    )
    report = run(plan, content)
    assert report.ok and report.applied
    assert report.sheets[0].kind == "measurements"


# --- The preview ----------------------------------------------------------------------------------


def open_t3(plan) -> None:
    """Open the demo's year-end (T3 2023) for reporting, as when it is reported."""
    t3 = FollowUpPeriod.objects.get(organisation=plan.organisation, year=2023, kind="T3")
    period_set_open(period=t3, is_open=True, actor=None)


def test_preview_lists_created_changed_and_unchanged_rows(demo_plan, demo_planner):
    open_t3(demo_plan)
    content = plan_export_xlsx(plan=demo_plan)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Mätvärden"]
    sick_t2 = next(
        row
        for row in sheet.iter_rows(min_row=2)
        if row[1].value == "Total sjukfrånvaro" and row[2].value == "Tertial 2 2023"
    )
    sick_t2[5].value = 6.2
    sheet.append(
        [2, "Total sjukfrånvaro", "T3 2023", None, "Totalt", 5.9, None, "Årsbokslut", None]
    )
    output = io.BytesIO()
    workbook.save(output)
    before = snapshot()

    report = run(demo_plan, output.getvalue(), actor=demo_planner, apply=False)

    assert report.ok and not report.applied
    assert snapshot() == before
    counts = {s.kind: (len(s.created), len(s.changed), len(s.unchanged)) for s in report.sheets}
    assert counts == {
        "goals": (0, 0, 6),
        "sub_goals": (0, 0, 8),
        "indicators": (0, 0, 12),
        "activities": (0, 0, 23),
        "activity_statuses": (0, 0, 16),
        "measurements": (1, 1, 10),
    }
    measurements = report.sheets[-1]
    (changed,) = measurements.changed
    assert changed.number == sick_t2[0].row
    assert changed.label == "2 · Total sjukfrånvaro · Tertial 2 2023 · Totalt"
    assert [(c.column, c.before, c.after) for c in changed.changes] == [("Värde", "6,4", "6,2")]
    (created,) = measurements.created
    assert (created.number, created.label) == (
        sheet.max_row,
        "2 · Total sjukfrånvaro · T3 2023 · Totalt",
    )


def test_applying_records_who_and_raises_versions(demo_plan, demo_planner):
    content = plan_export_xlsx(plan=demo_plan)
    workbook = load_workbook(io.BytesIO(content))
    for row in workbook["Mätvärden"].iter_rows(min_row=2):
        if row[1].value == "Total sjukfrånvaro" and row[2].value == "Tertial 2 2023":
            row[5].value = 6.2
    output = io.BytesIO()
    workbook.save(output)
    value = Measurement.objects.get(indicator__name="Total sjukfrånvaro", period__kind="T2")

    report = run(demo_plan, output.getvalue(), actor=demo_planner)

    assert report.applied
    value.refresh_from_db()
    assert (value.value, value.version, value.origin) == (D("6.2"), 2, Origin.IMPORT)
    latest = value.history.latest()
    assert (latest.history_user, latest.value) == (demo_planner, D("6.2"))


def test_a_change_after_the_preview_stops_the_import(measured, plan, planner, periods, english):
    content = xlsx(MEASURED, rows={"Mätvärden": [[1, "HME-index", "T1 2023", "", "", 80, "Ny"]]})
    preview = run(plan, content, actor=planner, apply=False)
    assert preview.ok and preview.count("update") == 1
    measurement_record(indicator=measured.indicator, period=periods[0], value=D("75"), actor=None)

    report = run(plan, content, actor=planner, expected_versions=preview.versions)

    assert not report.applied
    assert "after the preview" in problems(report)[0][2]
    assert Measurement.objects.get().value == D("75")


def test_structure_of_a_decided_plan_stays_as_decided(demo_plan, demo_planner, english):
    open_t3(demo_plan)
    content = xlsx(
        ("Mål", ["Nr", "Mål"]),
        MEASURED,
        rows={
            "Mål": [[7, "Ett nytt mål"]],
            "Mätvärden": [[2, "Total sjukfrånvaro", "T3 2023", "", "", 5.9, "Bra"]],
        },
    )
    before = snapshot()
    report = run(demo_plan, content, actor=demo_planner)
    assert not report.applied
    assert problems(report) == [(2, "", report.problems()[0][2].message)]
    assert "decided and locked" in problems(report)[0][2]
    assert snapshot() == before
    # Values are followed up in a decided plan as usual.
    values_only = xlsx(
        MEASURED, rows={"Mätvärden": [[2, "Total sjukfrånvaro", "T3 2023", "", "", 5.9, "Bra"]]}
    )
    assert run(demo_plan, values_only, actor=demo_planner).applied


def test_changed_bands_are_shown_as_texts(indicator, plan):
    content = xlsx(
        ("Indikatorer", ["Mål nr", "Indikator", "Röd", "Gul", "Grön"]),
        rows={"Indikatorer": [[1, "HME-index", "< 60", "60–75", "≥ 75"]]},
    )
    report = run(plan, content, apply=False)
    (changed,) = report.sheets[0].changed
    assert [(c.column, c.before, c.after) for c in changed.changes] == [
        ("Röd, Gul, Grön", "< 70 / ≥ 70 och < 80 / ≥ 80", "< 60 / ≥ 60 och < 75 / ≥ 75")
    ]


def test_one_bad_row_saves_nothing(empty_plan, english):
    content = xlsx(
        ("Mål", ["Nr", "Mål"]),
        rows={"Mål": [[number, f"Mål {number}"] for number in range(1, 40)] + [["sju", "Fel"]]},
    )
    report = run(empty_plan, content)
    assert not report.applied
    assert report.count("new") == 39
    assert problems(report) == [
        (41, "Nr", "“sju” is not a whole number. Write a whole number such as 3.")
    ]
    assert not Goal.objects.exists()


def test_a_repeated_row_is_a_problem(empty_plan, english):
    content = xlsx(("Mål", ["Nr", "Mål"]), rows={"Mål": [[1, "Ett"], [None, None], [1, "Igen"]]})
    report = run(empty_plan, content, language="sv")
    assert problems(report) == [(4, "Nr", "The same “Nr” as row 2: each may appear only once.")]
    assert not Goal.objects.exists()


# --- Bad input: a clear message, and nothing changed ----------------------------------------------


@pytest.fixture
def unchanged(measured):
    """Asserts after the test that no row of any model was added, changed or deleted."""
    before = snapshot()
    value = (measured.value, measured.version)
    yield
    measured.refresh_from_db()
    assert snapshot() == before
    assert (measured.value, measured.version) == value


def refused(plan, content: bytes, name: str = "plan.xlsx") -> list[str]:
    report = run(plan, content, name)
    assert not report.applied and not report.ok
    return report.errors


def test_wrong_file_type(plan, unchanged, english):
    assert refused(plan, b"%PDF-1.7 a report", "plan.pdf") == [
        "“plan.pdf” is not an Excel workbook (.xlsx) or a CSV file. Export the plan from "
        "Styrkort to get a file in the right format."
    ]
    (old_excel,) = refused(plan, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "plan.xls")
    assert "old Excel format (.xls)" in old_excel
    document = io.BytesIO()
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    (not_a_workbook,) = refused(plan, document.getvalue(), "plan.xlsx")
    assert "could not be read as an Excel workbook" in not_a_workbook


def test_empty_file(plan, unchanged, english):
    assert refused(plan, b"", "plan.xlsx") == ["The file “plan.xlsx” is empty."]
    headers_only = xlsx(MEASURED)
    assert refused(plan, headers_only) == ["The file “plan.xlsx” has no rows to import."]


def test_missing_column(plan, unchanged, english):
    content = xlsx(
        ("Mätvärden", ["Mål nr", "Indikator", "Period"]),
        rows={"Mätvärden": [[1, "HME-index", "T1 2023"]]},
    )
    assert refused(plan, content) == [
        "“Mätvärden” lacks the column “Värde”. Add it, with its header in the first row, or "
        "export the plan to get a file with every column."
    ]


def test_renamed_column(plan, unchanged, english):
    content = xlsx(
        ("Mätvärden", ["Mål nr", "Indikator", "Period", "Vårde"]),
        rows={"Mätvärden": [[1, "HME-index", "T1 2023", 70]]},
    )
    errors = refused(plan, content)
    assert errors[0].startswith(
        "“Mätvärden” has a column “Vårde” that Styrkort does not know. Did you mean “Värde”?"
    )
    assert "“Mätvärden” lacks the column “Värde”." in errors[1]


def test_a_file_too_large_is_refused_before_it_is_read(plan, unchanged, english, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a file too large must not be parsed")

    monkeypatch.setattr("transfer.resources.xlsx.parse", never)
    content = b"PK\x03\x04" + b"\0" * settings.IMPORT_MAX_FILE_BYTES
    assert refused(plan, content) == [
        "The file “plan.xlsx” is 10.0 MB; at most 10 MB can be imported. Import fewer rows at a "
        "time, e.g. one sheet or one year per file."
    ]


def test_formulas_are_refused(plan, unchanged, english):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mätvärden"
    sheet.append(MEASURED[1])
    sheet.append([1, "HME-index", "T1 2023", None, "Totalt", "=70+5", "Uträknat"])
    output = io.BytesIO()
    workbook.save(output)
    assert refused(plan, output.getvalue()) == [
        "The sheet “Mätvärden” has formulas in F2. Styrkort reads values, never formulas: "
        "replace the formulas by their values (copy the cells and paste them as values) and "
        "upload again."
    ]


def test_merged_cells_are_refused(plan, unchanged, english):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mätvärden"
    sheet.append(MEASURED[1])
    sheet.append([1, "HME-index", "T1 2023", None, "Totalt", 70, "Ett"])
    sheet.append([None, None, "T2 2023", None, "Totalt", 71, "Två"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    output = io.BytesIO()
    workbook.save(output)
    assert refused(plan, output.getvalue()) == [
        "The sheet “Mätvärden” has merged cells (A2:A3, B2:B3). Styrkort reads one value per "
        "cell: unmerge the cells, write the value in every row and upload again."
    ]


def row_problems(plan, content: bytes, **kwargs) -> list[tuple[int, str, str]]:
    report = run(plan, content, **kwargs)
    assert not report.applied
    return problems(report)


def test_text_in_a_number_column(plan, unchanged, english):
    content = xlsx(MEASURED, rows={"Mätvärden": [[1, "HME-index", "T1 2023", "", "", "sjuttio"]]})
    assert row_problems(plan, content) == [
        (
            2,
            "Värde",
            "“sjuttio” is not a number. Write a number such as 6,4 (with a decimal comma or "
            "point), or leave the cell empty.",
        )
    ]


def test_unknown_organisational_unit(plan, unchanged, english):
    content = xlsx(
        MEASURED, rows={"Mätvärden": [[1, "HME-index", "T1 2023", "Hemtjänsten", "", 70]]}
    )
    assert row_problems(plan, content) == [
        (
            2,
            "Enhet",
            "Testkommun has no unit “Hemtjänsten”. Write the name of one of its units, or leave "
            "the cell empty.",
        )
    ]


def test_unknown_unit_of_measure(plan, unchanged, english):
    content = xlsx(
        ("Indikatorer", ["Mål nr", "Indikator", "Måttenhet", "Röd", "Gul", "Grön"]),
        rows={"Indikatorer": [[1, "HME-index", "kg", "< 70", "70–80", "≥ 80"]]},
    )
    ((row, column, message),) = row_problems(plan, content, language="sv")
    assert (row, column) == (2, "Måttenhet")
    assert message.startswith("“kg” is not one of the choices. Write one of: %, dagar, index,")


def test_unknown_user(plan, activity, unchanged, english):
    content = xlsx(
        ("Aktiviteter", ["Mål nr", "Aktivitet", "Ansvarig person"]),
        rows={"Aktiviteter": [[1, "Vi utbildar medarbetare i MHFA", "kalle"]]},
    )
    assert row_problems(plan, content) == [
        (
            2,
            "Ansvarig person",
            "No user “kalle” has a role in Testkommun. Write the username of a person with a "
            "role in the organisation, or leave the cell empty.",
        )
    ]


def test_unknown_period(plan, unchanged, english):
    content = xlsx(
        MEASURED,
        rows={
            "Mätvärden": [
                [1, "HME-index", "T1 2031", "", "", 70],
                [1, "HME-index", "Tertial ett", "", "", 70],
            ]
        },
    )
    assert row_problems(plan, content) == [
        (
            2,
            "Period",
            "Testkommun has no follow-up period T1 2031. Write one of its periods: Tertial 1 "
            "2023 (T1), Tertial 2 2023 (T2), Year-end (tertial 3) 2023 (T3).",
        ),
        (
            3,
            "Period",
            "“Tertial ett” is not a period. Write the period's name or short code and the year, "
            "e.g. “Tertial 1 2023”, “T1 2023”.",
        ),
    ]


def test_unknown_goal_and_indicator(plan, unchanged, english):
    content = xlsx(
        MEASURED,
        rows={
            "Mätvärden": [[1, "HME", "T1 2023", "", "", 70], [9, "HME-index", "T1 2023", "", "", 7]]
        },
    )
    assert [(row, column) for row, column, _m in row_problems(plan, content)] == [
        (2, "Indikator"),
        (3, "Indikator"),
    ]


def test_bands_that_contradict_each_other(plan, indicator, unchanged, english):
    content = xlsx(
        ("Indikatorer", ["Mål nr", "Indikator", "Röd", "Gul", "Grön"]),
        rows={"Indikatorer": [[1, "HME-index", "< 90", "", "≥ 80"]]},
    )
    ((row, column, message),) = row_problems(plan, content)
    assert (row, column) == (2, "Röd, Gul, Grön")
    assert "overlap" in message


def test_unreadable_month_and_follow_up(plan, activity, unchanged, english):
    content = xlsx(
        ("Aktiviteter", ["Mål nr", "Aktivitet", "När genomfört", "Utvärderas"]),
        rows={"Aktiviteter": [[1, "Vi utbildar medarbetare i MHFA", "Midsommar", "Kvartal"]]},
    )
    found = row_problems(plan, content, language="sv")
    assert [(row, column) for row, column, _m in found] == [
        (2, "När genomfört"),
        (2, "Utvärderas"),
    ]
    assert found[0][2].startswith("“Midsommar” is not a deadline.")


@pytest.fixture
def next_year(organisation):
    return periods_ensure_year(organisation=organisation, year=2024, actor=None)


def test_period_of_another_year_than_the_plan(plan, next_year, unchanged, english):
    content = xlsx(MEASURED, rows={"Mätvärden": [[1, "HME-index", "T1 2024", "", "", 70]]})
    report = run(plan, content)
    assert not report.applied
    assert problems(report)[0][:2] == (2, "Period")
    assert FollowUpPeriod.objects.filter(year=2024).count() == 3


# --- Queries --------------------------------------------------------------------------------------


def test_export_queries_do_not_grow_with_rows(
    plan, indicator, activity, periods, django_assert_num_queries
):
    measurement_record(indicator=indicator, period=periods[0], value=D("70"), actor=None)
    ActivityStatus.objects.create(
        activity=activity, period=periods[0], status="done", reported_at=timezone.now()
    )
    # A query per sheet (goals, sub-goals, indicators, activities, statuses, values), the
    # activities' numbers for the activities and their statuses, and the follow-up scheme that
    # names the periods the activities are evaluated in.
    with django_assert_num_queries(9) as one:
        plan_export_xlsx(plan=plan)
    for number in range(2, 12):
        goal = Goal.objects.create(plan=plan, number=number, title=f"Mål {number}")
        other = Indicator.objects.create(goal=goal, name=f"I{number}", green_bound=D("1"))
        Activity.objects.create(goal=goal, title=f"A{number}", due_on=month_end(5))
        for period in periods:
            measurement_record(indicator=other, period=period, value=D(number), actor=None)
            ActivityStatus.objects.create(
                activity=goal.activities.get(),
                period=period,
                status="done",
                reported_at=timezone.now(),
            )
    with django_assert_num_queries(len(one.captured_queries)):
        content = plan_export_xlsx(plan=plan)
    assert len(cells(content)["Mätvärden"]) == 1 + 1 + 10 * 3


def import_queries(plan, planner, periods: list[str]) -> list[str]:
    rows = [
        [1, "HME-index", period, "", gender, 70, ""]
        for period, gender in product(periods, ["Totalt", "Kvinnor", "Män"])
    ]
    content = xlsx(MEASURED, rows={"Mätvärden": rows})
    with CaptureQueriesContext(connection) as captured:
        assert run(plan, content, actor=planner, apply=False).ok
    return [query["sql"] for query in captured.captured_queries]


def test_import_looks_things_up_once_not_per_row(plan, indicator, periods, planner):
    """Goals, indicators, periods and existing values are read once per import, whatever the
    number of rows; new values are validated row by row and inserted in batches (one insert of
    values and one of their history records per batch of `MeasurementResource.batch_size`), so
    that nine rows take no more statements than three."""
    three = import_queries(plan, planner, ["T1 2023"])
    nine = import_queries(plan, planner, ["T1 2023", "T2 2023", "T3 2023"])
    lookups = ('FROM "indicators_indicator"', 'FROM "planning_followupperiod"', 'FROM "goals_goal"')
    for table in lookups:
        full_reads = [sql for sql in nine if table in sql and 'SELECT 1 AS "a"' not in sql]
        assert len(full_reads) == 1, table
    # Whether a period's report is published is asked once per period (two more here).
    assert len(nine) - len(three) == 2
