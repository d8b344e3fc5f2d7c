"""Every kind of target through the Excel format: a plan that mixes them all (with sub-goals,
perspectives, responsibility, results in words and two activities with the same text) survives
export and re-import unchanged; files written as municipalities write them, in Swedish, bokmål,
nynorsk and English, are read; and every refused cell is explained, with nothing saved."""

from decimal import Decimal as D

import pytest

from goals.models import Activity
from goals.services import activity_create, goal_create, sub_goal_create
from indicators.models import Indicator, Measurement
from indicators.services import measurement_record
from indicators.targets import Target
from planning.models import Plan
from planning.services import (
    period_set_open,
    periods_ensure_year,
    perspectives_save,
)
from tests.deadlines import month_end
from tests.indicators.kinds import KINDS, WORDS, build, plan_of
from tests.transfer.test_services import cells, problems, run, snapshot, xlsx
from transfer.services import plan_export_xlsx


def _plan(organisation, units, name: str) -> Plan:
    return plan_of(organisation, 2022, 2023, name, owner_unit=units["operation"])


@pytest.fixture
def years(organisation):
    """The periods of 2022 and 2023 by year, open for reporting (an import writes no values
    into a closed period; the baselines are measured in 2022)."""
    return {
        year: [
            period_set_open(period=period, is_open=True, actor=None)
            for period in periods_ensure_year(organisation=organisation, year=year, actor=None)
        ]
        for year in (2022, 2023)
    }


@pytest.fixture
def perspectives(organisation):
    rows = [{"name": "Medborgare"}, {"name": "Medarbetare"}]
    return perspectives_save(organisation=organisation, rows=rows, actor=None)


@pytest.fixture
def mixed(organisation, units, years, perspectives):
    """A plan of 2022–2023 with an indicator of every kind (one per boundary-test target), their
    values or results in T2 2023, goals numbered as written, sub-goals, perspectives, both
    responsibilities, and two activities with the same text."""
    citizens, staff = perspectives
    t2 = years[2023][1]
    plan = _plan(organisation, units, "Verksamhetsplan 2022–2023")
    goal_a = goal_create(plan=plan, number=1, label="A", title="Trygg omsorg",
                         perspective=citizens, actor=None)  # fmt: skip
    goal_4 = goal_create(plan=plan, number=2, label="Mål 4", title="Friska medarbetare",
                         perspective=staff, actor=None)  # fmt: skip
    sub_goal = sub_goal_create(goal=goal_a, label="A.1", title="Kortare väntetider", actor=None)
    seen = set()
    for position, kind in enumerate((*KINDS, *WORDS)):
        target = kind.fields["target_kind"]
        goal = goal_a if position % 2 == 0 else goal_4
        indicator = build(
            kind,
            goal,
            years[2022][-1],
            name=kind.name.capitalize(),
            unit="days" if target == "monitor" else "percent",
            sub_goal=sub_goal if goal == goal_a and target not in seen else None,
            perspective=staff if target == "relative" and goal == goal_a else None,
            responsible_role="Enhetschef",
            responsible_unit=units["unit_a"],
            reporting_role="Kvalitetsstrateg",
            reporting_unit=units["unit_b"],
        )
        seen.add(target)
        if kind in WORDS:
            measurement_record(indicator=indicator, period=t2, value=None, result="partly",
                               comment="Se bilaga 2", actor=None)  # fmt: skip
        else:
            value, _colour = kind.values[0]
            measurement_record(indicator=indicator, period=t2, value=D(value), actor=None)
    for unit in ("unit_a", "unit_b"):
        activity_create(
            goal=goal_a, title="Ta fram en handlingsplan", sub_goal=sub_goal,
            responsible_role="Enhetschef", unit=units[unit], reporting_role="Kvalitetsstrateg",
            due_on=month_end(10), actor=None,
        )  # fmt: skip
    return plan


def targets(plan) -> dict[str, Target]:
    return {
        indicator.name: indicator.target
        for indicator in Indicator.objects.filter(goal__plan=plan).select_related(
            "baseline_period", "goal__plan__organisation"
        )
    }


# --- Round trip -----------------------------------------------------------------------------------


def test_a_plan_of_every_kind_round_trips_through_excel(mixed, organisation, units):
    first = plan_export_xlsx(plan=mixed)
    copy = _plan(organisation, units, "Kopia 2022–2023")

    report = run(copy, first)

    assert report.ok and report.applied, problems(report)
    assert cells(plan_export_xlsx(plan=copy)) == cells(first)
    assert targets(copy) == targets(mixed)
    kinds = sorted(t.kind.value for t in targets(copy).values())
    assert kinds == sorted(k.fields["target_kind"] for k in (*KINDS, *WORDS))
    results = Measurement.objects.filter(indicator__goal__plan=copy).exclude(result="")
    assert (
        sorted(results.values_list("result", "value", "comment"))
        == [("partly", None, "Se bilaga 2")] * 2
    )
    twins = Activity.objects.filter(goal__plan=copy, title="Ta fram en handlingsplan")
    assert sorted(twins.values_list("unit__name", flat=True)) == ["Hemtjänst", "IFO"]
    assert {activity.sub_goal.label for activity in twins} == {"A.1"}
    copied = Indicator.objects.get(goal__plan=copy, name="Relative higher")
    assert (copied.perspective.name, copied.goal.perspective.name) == ("Medarbetare", "Medborgare")
    assert (copied.responsible_unit.name, copied.reporting_unit.name) == ("Hemtjänst", "IFO")
    assert copied.goal.numbering == "A"


def test_re_importing_the_export_changes_nothing(mixed):
    content = plan_export_xlsx(plan=mixed)
    before = snapshot()

    report = run(mixed, content)

    assert report.ok, problems(report)
    assert report.count("new") == report.count("update") == 0
    assert snapshot() == before


# --- Files as municipalities write them -----------------------------------------------------------

# Per language: the sheets (title, headers, rows) of a plan as a municipality writes it: a change
# target in its own words with a baseline year, a relative target measured once a year, a
# monitored one and one under development; values with their units in the cell, period words
# and a result in words.
WRITTEN = {
    "sv": [
        ("Mål", ["Nr", "Mål", "Perspektiv"], [[1, "Trygg omsorg", "Medborgare"]]),
        ("Mått", ["Mål nr", "Nyckeltal", "Måttenhet", "Mäts", "Måltyp", "Målnivå", "Basår",
                  "Ansvarig", "Rapporterar"],
         [[1, "Väntetid", "dagar", "Varje uppföljningsperiod", "Ska minska", "", "2024",
           "Enhetschef", "Kvalitetsstrateg"],
          [1, "Nöjdhet", "%", "En gång per år", "I förhållande till målvärdet", "90", "",
           "Enhetschef", ""],
          [1, "Antal brukare", "", "", "Följs", "", "", "", ""],
          [1, "Trygghet", "", "", "Under utveckling", "", "", "", ""]]),
        ("Åtgärder", ["Mål nr", "Åtgärd", "Ansvarig", "När genomfört"],
         [[1, "Ny rutin", "Enhetschef", "oktober"]]),
        ("Mätvärden", ["Mål nr", "Indikator", "Period", "Utfall", "Kommentar"],
         [[1, "Väntetid", "Helår 2024", "16 dagar", ""],
          [1, "Väntetid", "Delår 2 2025", "14 dagar", ""],
          [1, "Nöjdhet", "2025", "4,3 %", ""],
          [1, "Antal brukare", "Årsbokslut 2025", "12 500", ""],
          [1, "Trygghet", "Helår 2025", "Delvis uppfyllt", "Se bilaga"]]),
    ],
    "nb": [
        ("Mål", ["Nr", "Mål", "Perspektiv"], [[1, "Trygg omsorg", "Medborgare"]]),
        ("Indikatorer", ["Mål nr", "Indikator", "Måleenhet", "Måles", "Type mål", "Målverdi",
                         "Basisår", "Ansvarlig", "Rapporterer"],
         [[1, "Väntetid", "dager", "Hver oppfølgingsperiode", "Skal reduseres", "", "2024",
           "Enhetschef", "Kvalitetsstrateg"],
          [1, "Nöjdhet", "%", "Én gang i året", "I forhold til målverdien", "90", "",
           "Enhetschef", ""],
          [1, "Antal brukare", "", "", "Følges", "", "", "", ""],
          [1, "Trygghet", "", "", "Under utvikling", "", "", "", ""]]),
        ("Tiltak", ["Mål nr", "Tiltak", "Ansvarlig", "Når gjennomført"],
         [[1, "Ny rutin", "Enhetschef", "oktober"]]),
        ("Måleverdier", ["Mål nr", "Indikator", "Periode", "Resultat", "Kommentar"],
         [[1, "Väntetid", "Årsmelding 2024", "16 dager", ""],
          [1, "Väntetid", "Tertial 2 2025", "14 dager", ""],
          [1, "Nöjdhet", "2025", "4,3 %", ""],
          [1, "Antal brukare", "Årsmelding 2025", "12 500", ""],
          [1, "Trygghet", "Årsmelding 2025", "Delvis oppfylt", "Se bilaga"]]),
    ],
    "nn": [
        ("Mål", ["Nr", "Mål", "Perspektiv"], [[1, "Trygg omsorg", "Medborgare"]]),
        ("Indikatorar", ["Mål nr", "Indikator", "Måleeining", "Vert målt", "Type mål",
                         "Målverdi", "Basisår", "Ansvarleg", "Rapporterer"],
         [[1, "Väntetid", "dagar", "Kvar oppfølgingsperiode", "Skal minke", "", "2024",
           "Enhetschef", "Kvalitetsstrateg"],
          [1, "Nöjdhet", "%", "Éin gong i året", "I høve til målverdien", "90", "",
           "Enhetschef", ""],
          [1, "Antal brukare", "", "", "Fylgjast med", "", "", "", ""],
          [1, "Trygghet", "", "", "Under utvikling", "", "", "", ""]]),
        ("Tiltak", ["Mål nr", "Tiltak", "Ansvarleg", "Når gjennomført"],
         [[1, "Ny rutin", "Enhetschef", "oktober"]]),
        ("Måleverdiar", ["Mål nr", "Indikator", "Periode", "Resultat", "Kommentar"],
         [[1, "Väntetid", "Heilår 2024", "16 dagar", ""],
          [1, "Väntetid", "Delår 2 2025", "14 dagar", ""],
          [1, "Nöjdhet", "2025", "4,3 %", ""],
          [1, "Antal brukare", "Årsmelding 2025", "12 500", ""],
          [1, "Trygghet", "Heilår 2025", "Delvis oppfylt", "Se bilaga"]]),
    ],
    "en": [
        ("Goals", ["No.", "Goal", "Perspective"], [[1, "Trygg omsorg", "Medborgare"]]),
        ("KPIs", ["Goal no.", "KPI", "Unit of measure", "Measured", "Kind of target",
                      "Target", "Baseline", "Responsible", "Reports"],
         [[1, "Väntetid", "days", "Every follow-up period", "Shall decrease", "", "2024",
           "Enhetschef", "Kvalitetsstrateg"],
          [1, "Nöjdhet", "%", "Yearly", "Relative to the target value", "90", "",
           "Enhetschef", ""],
          [1, "Antal brukare", "", "", "Monitored", "", "", "", ""],
          [1, "Trygghet", "", "", "Under development", "", "", "", ""]]),
        ("Measures", ["Goal no.", "Measure", "Responsible", "Done by"],
         [[1, "Ny rutin", "Enhetschef", "October"]]),
        ("Results", ["Goal no.", "Indicator", "Period", "Outcome", "Comment"],
         [[1, "Väntetid", "Full year 2024", "16 days", ""],
          [1, "Väntetid", "Interim 2 2025", "14 days", ""],
          [1, "Nöjdhet", "2025", "4.3 %", ""],
          [1, "Antal brukare", "Year-end 2025", "12 500", ""],
          [1, "Trygghet", "Full year 2025", "Partly fulfilled", "Se bilaga"]]),
    ],
}  # fmt: skip


def workbook(sheets) -> bytes:
    return xlsx(
        *((title, headers) for title, headers, _rows in sheets),
        rows={title: rows for title, _headers, rows in sheets},
    )


@pytest.fixture
def plan_2025(organisation, units, perspectives):
    """An empty plan of 2024–2025, its periods open for reporting."""
    for year in (2024, 2025):
        for period in periods_ensure_year(organisation=organisation, year=year, actor=None):
            period_set_open(period=period, is_open=True, actor=None)
    return plan_of(organisation, 2024, 2025, owner_unit=units["operation"])


@pytest.mark.parametrize("language", list(WRITTEN))
def test_a_plan_as_municipalities_write_it_in_each_language(language, plan_2025):
    report = run(plan_2025, workbook(WRITTEN[language]))

    assert report.ok and report.applied, problems(report)
    found = {i.name: i for i in Indicator.objects.filter(goal__plan=plan_2025)}
    waiting, satisfied = found["Väntetid"], found["Nöjdhet"]
    assert (waiting.target_kind, waiting.direction, waiting.unit) == ("change", "lower", "days")
    assert (waiting.baseline_period.year, waiting.baseline_period.is_year_end) == (2024, True)
    assert (waiting.responsible_role, waiting.reporting_role) == ("Enhetschef", "Kvalitetsstrateg")
    assert (satisfied.target_kind, satisfied.target_value) == ("relative", D("90"))
    assert (satisfied.frequency, satisfied.unit) == ("yearly", "percent")
    assert found["Antal brukare"].target_kind == "monitor"
    assert found["Trygghet"].target_kind == "developing"
    assert waiting.goal.perspective.name == "Medborgare"
    assert Activity.objects.get(goal__plan=plan_2025).responsible_role == "Enhetschef"
    measured = {
        (m.indicator.name, str(m.period)): (m.value, m.result)
        for m in Measurement.objects.filter(indicator__goal__plan=plan_2025).select_related(
            "indicator", "period"
        )
    }
    year_end_2024 = waiting.baseline_period
    t2, year_end_2025 = year_end_2024.organisation.periods.filter(year=2025).order_by("starts_on")[
        1:
    ]
    assert measured == {
        ("Väntetid", str(year_end_2024)): (D("16"), ""),
        ("Väntetid", str(t2)): (D("14"), ""),
        ("Nöjdhet", str(year_end_2025)): (D("4.3"), ""),
        ("Antal brukare", str(year_end_2025)): (D("12500"), ""),
        ("Trygghet", str(year_end_2025)): (None, "partly"),
    }
    # The change is judged against the value measured at its baseline: 14 days against 16.
    assert waiting.colour_of(D("14"), basis_of_plan(waiting)) == "green"


def basis_of_plan(indicator):
    from indicators.selectors import basis_of

    measured = dict(Measurement.objects.filter(indicator=indicator).values_list("period", "value"))
    return basis_of(indicator, year=2025, measured=measured)


# --- Bad input: every refused cell explained, nothing saved ---------------------------------------

INDICATOR_HEADERS = ["Mål nr", "Indikator", "Måttenhet", "Mäts", "Typ av mål", "Målvärde", "Basår",
                     "Referens", "Röd", "Gul", "Grön"]  # fmt: skip
BAD = [
    ("Mål", ["Nr", "Mål"], [[1, "Trygg omsorg"]]),
    ("Indikatorer", INDICATOR_HEADERS,
     [[1, "Väntetid", "dagar", "", "Ska minska", "", "2024", "", "", "", ""],  # fine
      [1, "Trygghet", "", "", "Under utveckling", "", "", "", "", "", ""],  # fine
      # Relative without its target value.
      [1, "Nöjdhet", "%", "", "I förhållande till målvärdet", "", "", "", "", "", ""],
      # Bands with a baseline.
      [1, "HME", "index", "", "", "", "2024", "", "< 70", "70–80", "≥ 80"],
      # A baseline period the organisation does not have.
      [1, "Kostnad", "", "", "Ska minska", "", "2019", "", "", "", ""],
      # A gap to the whole country without open data to take it from.
      [1, "Gapet", "", "", "Skillnaden ska minska", "", "2024", "Riket", "", "", ""],
      # Monitored, with bands.
      [1, "Antal", "", "", "Följs", "", "", "", "", "", "≥ 3"]]),
    ("Mätvärden", ["Mål nr", "Indikator", "Period", "Utfall", "Bedömt resultat"],
     [[1, "Väntetid", "Delår 2 2025", "Uppfyllt", ""],  # a result on a numeric indicator
      [1, "Väntetid", "T1 2025", "", "Delvis uppfyllt"],  # the same in the result column
      [1, "Väntetid", "Delår 1 2025", "14 kr", ""],  # a unit that is not the indicator's
      [1, "Väntetid", "2025", "12", ""],  # a bare year for a per-period indicator
      [1, "Väntetid", "Helår 2019", "12", ""],  # a period the organisation does not have
      [1, "Trygghet", "Helår 2025", "3", ""]]),  # a number for an indicator in words
]  # fmt: skip
REFUSED = {
    # (sheet, row, column): words the message must contain (English).
    ("Indikatorer", 4, "Målvärde"): "Write the target value",
    ("Indikatorer", 5, "Basår"): "has no “baseline”",
    ("Indikatorer", 6, "Basår"): "has no follow-up period",
    ("Indikatorer", 7, "Referens"): "linked to no open-data source",
    ("Indikatorer", 8, "Röd, Gul, Grön"): "has no bands",
    ("Mätvärden", 2, "Utfall"): "followed up with a number, not a result in words",
    ("Mätvärden", 3, "Bedömt resultat"): "followed up with a number, not a result in words",
    ("Mätvärden", 4, "Utfall"): "kr",
    ("Mätvärden", 5, "Period"): "measured more often than once a year",
    ("Mätvärden", 6, "Period"): "has no follow-up period Helår 2019",
    ("Mätvärden", 7, "Utfall"): "write its result in words instead of a value",
}


def test_every_refused_cell_is_explained_and_nothing_is_saved(plan_2025, english):
    before = snapshot()

    report = run(plan_2025, workbook(BAD))

    assert not report.applied
    found = {
        (sheet.source, row.number, problem.column): problem.message
        for sheet, row, problem in report.problems()
    }
    assert set(found) == set(REFUSED), found
    for cell, words in REFUSED.items():
        assert words in found[cell], (cell, found[cell])
    assert snapshot() == before
