"""The exchange format's pieces: cells as a Nordic user writes them, headers in four languages,
and the resources' columns."""

import datetime
import itertools
from decimal import Decimal as D

import pytest
from django.utils import translation

from goals.evaluation import months, rows_mask
from goals.models import Activity
from indicators.models import Gender
from planning.models import SchemeRow, preset_rows
from tests.deadlines import month_end
from transfer.resources import RESOURCES, GoalResource, IndicatorResource
from transfer.resources import vocabulary as words
from transfer.resources.evaluated import evaluated_text, read_evaluated
from transfer.resources.files import FileRefused, OutTable, UploadedFile, read_file, write_csv
from transfer.resources.goals import read_timing, timing_text
from transfer.resources.indicators import band_texts
from transfer.resources.widgets import parse_decimal, parse_integer

# --- Numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("6,4", D("6.4")),
        ("6.4", D("6.4")),
        (" 7,8 % ", D("7.8")),
        ("3 920", D("3920")),
        ("3\u00a0920", D("3920")),
        ("1 850,5", D("1850.5")),
        ("−1850", D("-1850")),
        ("1.234,5", D("1234.5")),
        ("1,234.5", D("1234.5")),
        (6.4, D("6.4")),
        (0.1 + 0.2, D("0.3")),
        (72, D("72")),
        ("", None),
        (None, None),
    ],
)
def test_numbers_as_written(written, number):
    assert parse_decimal(written) == number


@pytest.mark.parametrize("written", ["sex", "6,4,5", "1 2", "NaN", "Infinity", "232 tkr", True])
def test_not_numbers(written, english):
    with pytest.raises(ValueError, match="is not a number"):
        parse_decimal(written)


def test_whole_numbers():
    assert [parse_integer(value) for value in (3, "3", "3,0", 3.0, "")] == [3, 3, 3, 3, None]
    with pytest.raises(ValueError):
        parse_integer("3,5")


# --- Activities: when and where evaluated ---------------------------------------------------------


DAY, MONTH = "day", "month"


@pytest.mark.parametrize(
    ("written", "timing"),
    [
        ("Löpande", (True, None, MONTH)),
        ("löpande", (True, None, MONTH)),
        ("Løpende", (True, None, MONTH)),
        ("løpande", (True, None, MONTH)),
        ("Ongoing", (True, None, MONTH)),
        ("2026-05-31", (False, datetime.date(2026, 5, 31), DAY)),
        ("2026-05-15", (False, datetime.date(2026, 5, 15), DAY)),
        ("2026-05", (False, datetime.date(2026, 5, 31), MONTH)),
        ("15 maj 2026", (False, datetime.date(2026, 5, 15), DAY)),
        ("15. mai 2026", (False, datetime.date(2026, 5, 15), DAY)),
        ("maj 2026", (False, datetime.date(2026, 5, 31), MONTH)),
        ("mai 2026", (False, datetime.date(2026, 5, 31), MONTH)),
        ("May 2026", (False, datetime.date(2026, 5, 31), MONTH)),
        ("Februari 2028", (False, datetime.date(2028, 2, 29), MONTH)),
        (datetime.datetime(2026, 5, 15), (False, datetime.date(2026, 5, 15), DAY)),
        # The old form, a month alone: that month in the plan's first year.
        ("Oktober", (False, datetime.date(2026, 10, 31), MONTH)),
        ("maj", (False, datetime.date(2026, 5, 31), MONTH)),
        ("juni", (False, datetime.date(2026, 6, 30), MONTH)),
        ("okt.", (False, datetime.date(2026, 10, 31), MONTH)),
        ("desember", (False, datetime.date(2026, 12, 31), MONTH)),
        ("October", (False, datetime.date(2026, 10, 31), MONTH)),
        (2, (False, datetime.date(2026, 2, 28), MONTH)),
        ("5", (False, datetime.date(2026, 5, 31), MONTH)),
        ("", (False, None, MONTH)),
    ],
)
def test_timing_as_written(written, timing):
    assert read_timing(written, "sv", 2026) == timing


@pytest.mark.parametrize("written", ["Midsommar", "2026-13", "2026-02-30", "32 maj 2026", "13"])
def test_an_unknown_deadline_is_refused_with_examples(english, written):
    with pytest.raises(ValueError, match=r"is not a deadline.*2026-05.*2026-05-15.*Löpande"):
        read_timing(written, "sv", 2026)


TERTIAL = preset_rows("tertial")
QUARTER = preset_rows("quarter")


@pytest.mark.parametrize(
    ("written", "scheme", "evaluated"),
    [
        # The old words, with their old meaning on the organisation's scheme.
        ("Tertialrapport/Årsbokslut", TERTIAL, months(4, 8, 12)),
        ("Tertialrapport", TERTIAL, months(4, 8)),
        ("Årsbokslut", TERTIAL, months(12)),
        ("T1", TERTIAL, months(4)),
        ("T2, Årsbokslut", TERTIAL, months(8, 12)),
        ("Tertialrapport/Årsmelding", TERTIAL, months(4, 8, 12)),
        ("Interim report and year-end report", TERTIAL, months(4, 8, 12)),
        ("helår", TERTIAL, months(12)),
        ("year-end", QUARTER, months(12)),
        ("T1", QUARTER, months(3)),
        ("T2", QUARTER, months(6, 9)),  # T2 meant the periods between the first and the last
        ("Tertialrapport", QUARTER, months(3, 6, 9)),
        # The scheme's names in any language, and its codes.
        ("Tertial 1, Årsbokslut (tertial 3)", TERTIAL, months(4, 12)),
        ("2. tertial", TERTIAL, months(8)),
        ("Kvartal 2, Year-end (quarter 4)", QUARTER, months(6, 12)),
        ("q2; Q4", QUARTER, months(6, 12)),
        ("Kvartal 2 och kvartal 3", QUARTER, months(6, 9)),
        ("", TERTIAL, 0),
    ],
)
def test_evaluated_as_written(written, scheme, evaluated):
    assert read_evaluated(written, scheme, "sv") == evaluated


def test_a_period_name_holding_a_separator_is_read_whole():
    scheme = [
        SchemeRow("JF", 1, 2, False, "Januari och februari", "Januar og februar",
                  "Januar og februar", "January and February"),
        SchemeRow("HEL", 3, 12, False, "Resten", "Resten", "Resten", "The rest"),
    ]  # fmt: skip
    assert read_evaluated("Januari och februari/Resten", scheme, "sv") == months(2, 12)


def test_an_unknown_follow_up(english):
    with pytest.raises(ValueError, match="“Kvartal” is not a follow-up period") as error:
        read_evaluated("Tertialrapport/Kvartal", TERTIAL, "en")
    assert "“Tertial 1”, “Tertial 2”, “Year-end (tertial 3)”" in str(error.value)


def test_t2_is_unknown_where_no_period_lies_between_the_first_and_the_last(english):
    with pytest.raises(ValueError, match="is not a follow-up period"):
        read_evaluated("T2", preset_rows("half_year"), "sv")


@pytest.mark.parametrize("language", words.LANGUAGES)
@pytest.mark.parametrize("preset", ["tertial", "quarter", "interim", "monthly"])
def test_timing_and_evaluation_texts_read_back(language, preset):
    scheme = preset_rows(preset)
    for chosen in itertools.chain.from_iterable(
        itertools.combinations(scheme, size) for size in (1, 2, len(scheme))
    ):
        for ongoing, due_on, precision in (
            (True, None, MONTH),
            (False, month_end(6), MONTH),
            (False, datetime.date(2023, 6, 15), DAY),
        ):
            activity = Activity(
                ongoing=ongoing,
                due_on=due_on,
                due_precision=precision,
                evaluated_months=rows_mask(chosen),
            )
            text = evaluated_text(activity, scheme, language)
            assert text == ", ".join(row.name(language) for row in chosen)
            assert read_evaluated(text, scheme, "sv") == rows_mask(chosen)
            assert read_timing(timing_text(activity, language), "sv", 2023) == (
                ongoing,
                due_on,
                precision,
            )


def test_a_deadline_is_exported_as_iso_month_or_day():
    month = Activity(ongoing=False, due_on=month_end(5), due_precision=MONTH)
    day = Activity(ongoing=False, due_on=datetime.date(2023, 5, 15), due_precision=DAY)
    assert (timing_text(month, "sv"), timing_text(day, "en")) == ("2023-05", "2023-05-15")


def test_the_seeds_words_in_swedish():
    activity = Activity(
        ongoing=False, due_on=month_end(10), due_precision=MONTH, evaluated_months=months(4, 8, 12)
    )
    assert (timing_text(activity, "sv"), evaluated_text(activity, TERTIAL, "sv")) == (
        "2023-10",
        "Tertial 1, Tertial 2, Årsbokslut (tertial 3)",
    )


# --- Periods, headers, sheets, choices ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("T1 2023", ("T1", 2023)),
        ("t1 2023", ("T1", 2023)),
        ("T1-2023", ("T1", 2023)),
        ("2023 T3", ("T3", 2023)),
        ("Q4 2024", ("Q4", 2024)),
        ("Tertial 1", None),
        # The year's last period, by its year or its words; the nth period by its ordinal.
        ("2023", ("year-end", 2023)),
        ("Helår 2025", ("year-end", 2025)),
        ("Årsbokslut 2025", ("year-end", 2025)),
        ("Delår 2 2025", ("#2", 2025)),
        ("Tertial 1 2025", ("#1", 2025)),
        ("Delår 2025", None),
    ],
)
def test_periods_as_written(written, parts):
    assert words.period_parts(written) == parts


@pytest.mark.parametrize("header", ["Värde", "värde", " VÄRDE: ", "Verdi", "Value", "value"])
def test_headers_in_any_language(header):
    assert words.column_key(header, RESOURCES["measurements"].column_keys()) == "value"


def test_a_header_of_another_sheet_is_not_taken():
    assert words.column_key("Grön", RESOURCES["measurements"].column_keys()) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Mätvärden", "measurements"),
        ("Måleverdiar", "measurements"),
        ("Measurements.csv", "measurements"),
        ("verksamhetsplan-omsorg-2023-Aktivitetsstatus.csv", "activity_statuses"),
        ("verksamhetsplan-omsorg-2023-Aktiviteter.csv", "activities"),
        ("plan - Mål.csv", "goals"),
        ("Blad1", None),
    ],
)
def test_sheets_and_files_by_name(name, kind):
    assert words.kind_of_name(name) == kind


def test_choices_in_any_language():
    found = words.choice_words(Gender)
    assert {found[w] for w in ("kvinnor", "kvinner", "women", "k")} == {"K"}
    assert found["totalt"] == "T"


def test_headers_language_of_a_table():
    keys = RESOURCES["measurements"].column_keys()
    assert words.headers_language(["Mål nr", "Indikator", "Periode", "Verdi"], keys) == "nb"
    assert words.headers_language(["Goal no.", "Value"], keys) == "en"
    assert words.headers_language(["x", "y"], keys) is None


# --- Resources ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "headers"),
    [
        ("sv", ["Nr", "Numrering", "Mål", "Beskrivning", "Omfattning", "Perspektiv"]),
        ("nb", ["Nr", "Nummerering", "Mål", "Beskrivelse", "Omfang", "Perspektiv"]),
        ("nn", ["Nr", "Nummerering", "Mål", "Skildring", "Omfang", "Perspektiv"]),
        ("en", ["No.", "Numbering", "Goal", "Description", "Scope", "Perspective"]),
    ],
)
def test_export_headers_in_the_users_language(plan, language, headers):
    assert GoalResource(plan=plan, language=language).get_export_headers() == headers


def test_every_column_has_a_header_in_every_language():
    for resource in RESOURCES.values():
        for key in resource.column_keys():
            labels = [words.column_label(key, language) for language in words.LANGUAGES]
            assert all(labels), key
        assert set(resource.required_columns) <= set(resource.column_keys())
        assert set(resource.key_columns) <= set(resource.column_keys())


def test_bands_are_written_as_a_swedish_user_writes_them(indicator):
    indicator.red_bound, indicator.green_bound, indicator.decimals = D("3920"), D("5680"), 1
    indicator.direction = "higher"
    with translation.override("en"):
        texts = band_texts(indicator)
    assert texts == {
        "red": "< 3\u00a0920,0",
        "yellow": "≥ 3\u00a0920,0 och < 5\u00a0680,0",
        "green": "≥ 5\u00a0680,0",
    }


def test_indicator_export_row(plan, indicator):
    (row,) = IndicatorResource(plan=plan, language="sv").export()
    assert row[:3] == (1, "", "HME-index")
    assert row[6] == "index"
    assert row[12:19] == (
        "Färgintervall: gränser för rött, gult och grönt",
        "Högre är bättre",
        80,
        "",
        "< 70",
        "≥ 70 och < 80",
        "≥ 80",
    )


# --- Files ----------------------------------------------------------------------------------------


def test_csv_escapes_what_a_spreadsheet_would_run():
    table = OutTable("Mål", ["Nr", "Mål"], [[1, "=1+1"], [2, "+25 invånare"], [-3, "@x"]])
    text = write_csv(table, "sv").decode("utf-8-sig")
    assert text.splitlines() == ["Nr;Mål", "1;'=1+1", "2;'+25 invånare", "-3;'@x"]
    (read,) = [read_file(UploadedFile("Mål.csv", text.encode()))][0]
    assert [cells for _number, cells in read.rows] == [
        ["1", "=1+1"],
        ["2", "+25 invånare"],
        ["-3", "@x"],
    ]


def test_csv_in_english_uses_commas_and_decimal_points():
    table = OutTable("Goals", ["Value"], [[D("6.4")]])
    assert write_csv(table, "en").decode("utf-8-sig").splitlines() == ["Value", "6.4"]
    assert write_csv(table, "sv").decode("utf-8-sig").splitlines() == ["Value", "6,4"]


def test_csv_saved_by_a_swedish_excel_is_read():
    """Excel's "CSV (semicolon separated)" in Windows-1252, and a tab-separated file."""
    content = "Mål nr;Indikator;Värde\r\n1;Nöjdhet;7,5\r\n".encode("cp1252")
    (table,) = read_file(UploadedFile("Mätvärden.csv", content))
    assert table.headers == ["Mål nr", "Indikator", "Värde"]
    assert table.rows == [(2, ["1", "Nöjdhet", "7,5"])]
    tabbed = "Mål nr\tVärde\n1\t7,5\n".encode()
    assert read_file(UploadedFile("x.csv", tabbed))[0].headers == ["Mål nr", "Värde"]


def test_csv_with_a_formula_is_refused(english):
    content = "Nr;Mål\n1;=SUM(A1:A3)\n".encode()
    with pytest.raises(FileRefused, match="formulas in B2"):
        read_file(UploadedFile("Mål.csv", content))


def test_binary_data_named_csv_is_refused(english):
    with pytest.raises(FileRefused, match="is not an Excel workbook"):
        read_file(UploadedFile("plan.csv", b"\x00\x01\x02binary"))
