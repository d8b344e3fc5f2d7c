"""The open-data links in files: a column per registered link field, with the headers files have
always had (Kolada KPI, SSB-tabell, SSB-urval in sv/nb/nn/en), read into `Indicator.open_data`."""

import pytest

from indicators.models import Indicator
from tests.transfer.test_services import cells, problems, run, xlsx
from transfer.services import plan_export_xlsx

SELECTION = {"KOKkommuneregion0000": ["4631", "EAK"], "ContentsCode": "KOSAG110000"}
BANDS = {
    "sv": ["Röd", "Gul", "Grön"],
    "nb": ["Rød", "Gul", "Grønn"],
    "nn": ["Raud", "Gul", "Grøn"],
    "en": ["Red", "Yellow", "Green"],
}
LINKS = {
    "sv": ["Kolada KPI", "SSB-tabell", "SSB-urval"],
    "nb": ["Kolada KPI", "SSB-tabell", "SSB-utvalg"],
    "nn": ["Kolada KPI", "SSB-tabell", "SSB-utval"],
    "en": ["Kolada KPI", "SSB table", "SSB selection"],
}
KEYS = {"sv": ["Mål nr", "Indikator"], "en": ["Goal no.", "Indicator"]}
HME = [1, "HME-index", "< 70", "70–80", "≥ 80"]  # the fixture's indicator, as it is


def headers(language: str, links: int = 3) -> list[str]:
    return [*KEYS.get(language, KEYS["sv"]), *BANDS[language], *LINKS[language][:links]]


def sheet(headers: list[str], *rows: list) -> bytes:
    return xlsx(("Indikatorer", headers), rows={"Indikatorer": list(rows)})


@pytest.mark.parametrize("language", list(LINKS))
def test_old_files_link_indicators_in_any_language(plan, indicator, language):
    selection = '{"KOKkommuneregion0000": ["4631", "EAK"], "ContentsCode": "KOSAG110000"}'
    report = run(plan, sheet(headers(language), [*HME, "U00200", "12362", selection]))
    assert report.ok and report.applied, report.problems()
    indicator.refresh_from_db()
    assert indicator.open_data == {
        "kolada": {"kpi": "U00200"},
        "ssb": {"table": "12362", "selection": SELECTION},
    }


def test_a_selection_may_be_written_as_in_the_form(plan, indicator):
    assert run(plan, sheet(headers("sv"), [*HME, "", "12362", "A=1,2; B=3"])).applied
    indicator.refresh_from_db()
    selection = {"A": ["1", "2"], "B": "3"}
    assert indicator.open_data == {"ssb": {"table": "12362", "selection": selection}}


def test_an_empty_cell_removes_a_link(plan, indicator):
    indicator.open_data = {"kolada": {"kpi": "U00200"}}
    indicator.save()
    content = sheet(headers("sv", links=1), [*HME, ""])
    (changed,) = run(plan, content, apply=False).sheets[0].changed
    assert [(c.column, c.before, c.after) for c in changed.changes] == [
        ("Kolada KPI", "U00200", "")
    ]
    assert run(plan, content).applied
    indicator.refresh_from_db()
    assert indicator.open_data == {}


def test_a_wrong_link_is_said_in_its_column(plan, indicator, english):
    report = run(plan, sheet(headers("sv"), [*HME, "sjukfrånvaro", "12362", "KOK 4631"]))
    assert not report.applied
    assert sorted(problems(report)) == [
        (2, "Kolada KPI", "“sjukfrånvaro” is not a valid id, e.g. N00090."),
        (
            2,
            "SSB-urval",
            "Give codes per variable, each variable with its codes after “=” and the variables "
            "separated by “;”, e.g. KOKkommuneregion0000=4631; ContentsCode=KOSAG110000.",
        ),
    ]
    indicator.refresh_from_db()
    assert indicator.open_data == {}


def test_links_are_exported_and_read_back_unchanged(plan, indicator):
    links = {"kolada": {"kpi": "U00200"}, "ssb": {"table": "1", "selection": SELECTION}}
    indicator.open_data = links
    indicator.save()
    exported = plan_export_xlsx(plan=plan)
    header, row = cells(exported)["Indikatorer"][:2]
    assert list(header[-3:]) == LINKS["sv"]
    assert row[-3:] == (
        "U00200",
        "1",
        '{"ContentsCode": "KOSAG110000", "KOKkommuneregion0000": ["4631", "EAK"]}',
    )
    report = run(plan, exported)
    assert report.ok and report.count("new") == 0 and report.count("changed") == 0
    assert Indicator.objects.get().open_data == links
