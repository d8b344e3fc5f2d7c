"""The report structure: what `follow_up_report` assembles, and what it costs in queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.services import activity_create, activity_status_set, goal_create, goal_follow_up_save
from indicators.colour import NO_BASIS, Colour
from indicators.models import Indicator
from indicators.services import indicator_create, measurement_record
from planning.models import Plan
from planning.services import periods_ensure_year, plan_create, readiness_mark, unit_create
from reports.selectors import Change, follow_up_report, plan_readiness
from reports.selectors.reporting.rows import ROW_INDICATOR_RELATED, comparison_bases, row_basis
from tests.deadlines import month_end
from tests.reports.conftest import demo_period


@pytest.fixture
def demo(demo_of_the_module):
    """The demo, loaded once for this module's tests."""
    return demo_of_the_module


# --- the demo ------------------------------------------------------------------------------------


def test_demo_t1_summary_counts_colours_and_activities(demo):
    report = follow_up_report(demo, demo_period("T1"))
    counts = {g.number: tuple(c.count for c in g.colour_counts) for g in report.goals}
    # (green, yellow, red, no value): sick leave red, waiting days and investigation yellow...
    assert counts == {
        1: (0, 0, 1, 0),
        2: (0, 0, 1, 1),
        3: (0, 2, 0, 1),
        4: (0, 0, 0, 2),
        5: (0, 0, 0, 1),
        6: (1, 0, 0, 2),
    }
    assert [(g.activities_done, g.activities_total) for g in report.goals] == [
        (0, 1), (0, 1), (0, 1), (0, 2), (0, 0), (1, 3),
    ]  # fmt: skip
    assert (report.activities_done, report.activities_total) == (1, 8)
    assert report.committee == "Kommunstyrelsen"
    assert report.plan_decision == "2022-11-29 § 190"
    assert report.registration_number == "2022/455-012"


def test_demo_t2_compares_with_t1(demo):
    report = follow_up_report(demo, demo_period("T2"))
    rows = {row.name: row for goal in report.goals for row in goal.indicators}
    sick_leave = rows["Total sjukfrånvaro"]
    assert sick_leave.value == Decimal("6.4")
    assert sick_leave.colour == Colour.YELLOW
    assert sick_leave.band_text == "> 6,0 och < 7,0"  # green ≤ 6,0, red ≥ 7,0
    assert sick_leave.previous.period_label == "T1 2023"
    assert sick_leave.previous.value == Decimal("7.8")
    assert sick_leave.previous.change == Change.BETTER  # lower is better
    assert sick_leave.last_year.change == Change.NONE  # no 2022 data
    waiting = rows["Utredningstid barn och unga"]
    assert waiting.previous.change == Change.WORSE  # 97 -> 118 days
    assert [p.period_label for p in sick_leave.history] == ["T1 2023", "T2 2023"]


def test_t1_history_never_shows_later_values(demo):
    report = follow_up_report(demo, demo_period("T1"))
    rows = {row.name: row for goal in report.goals for row in goal.indicators}
    assert [p.period_label for p in rows["Total sjukfrånvaro"].history] == ["T1 2023"]


def test_year_end_covers_every_activity_with_the_latest_status(demo):
    report = follow_up_report(demo, demo_period("T3"))
    assert report.is_year_end
    activities = [a for goal in report.goals for a in goal.activities]
    assert len(activities) == 23
    mhfa = next(a for a in activities if a.title.startswith("Vi utbildar medarbetare i MHFA"))
    assert (mhfa.status, mhfa.status_period_label) == ("delayed", "T2 2023")
    survey = next(a for a in activities if a.title.startswith("Vi deltar i den årliga"))
    assert survey.status == "" and survey.is_overdue  # due in October, never reported


def test_year_end_value_is_the_years_latest(demo):
    report = follow_up_report(demo, demo_period("T3"))
    budget = next(r for g in report.goals for r in g.indicators if r.name == "Budgetavvikelse")
    assert budget.value == Decimal("-1850")
    assert budget.value_period_label == "T2 2023"
    assert budget.colour == Colour.RED


def test_analysis_and_assessment_are_in_the_report(demo):
    goal = demo.goals.get(number=2)
    goal_follow_up_save(
        goal=goal,
        period=demo_period("T1"),
        assessment="not_expected",
        analysis="Sjukfrånvaron är för hög.",
        actor=None,
    )
    section = follow_up_report(demo, demo_period("T1")).goals[1]
    assert section.assessment == "not_expected"
    assert section.analysis == "Sjukfrånvaron är för hög."
    assert section.follow_up_version == 1


# --- trends across plans: the predecessor, or the same indicator in a multi-year plan ------------


@pytest.fixture
def two_years(organisation, units):
    """A 2022 plan and its 2023 successor, with the sick-leave indicator in both."""
    plans, periods = _yearly_plans(organisation, units, (2022, 2023))
    p2022, p2023 = plans[2022], plans[2023]
    old = _sick_leave(p2022)
    new = _sick_leave(p2023, predecessor=old)
    for name, value in (("T1 2022", "8.1"), ("T2 2022", "7.2"), ("T3 2022", "6.6")):
        measurement_record(indicator=old, period=periods[name], value=Decimal(value), actor=None)
    measurement_record(indicator=new, period=periods["T1 2023"], value=Decimal("7.0"), actor=None)
    return p2023, periods


def _yearly_plans(organisation, units, years):
    """An operational plan of each year, and the years' periods by name ("T1 2023")."""
    plans = {
        year: plan_create(
            organisation=organisation,
            owner_unit=units["operation"],
            kind=Plan.Kind.OPERATIONAL_PLAN,
            name=f"Verksamhetsplan {year}",
            start_year=year,
            end_year=year,
            actor=None,
        )
        for year in years
    }
    periods = {}
    for year in years:
        for period in periods_ensure_year(organisation=organisation, year=year, actor=None):
            periods[str(period)] = period
    return plans, periods


def _sick_leave(plan, goal=None, **fields):
    goal = goal or goal_create(plan=plan, number=1, title="Friska medarbetare", actor=None)
    return indicator_create(
        goal=goal,
        name="Sjukfrånvaro",
        unit="percent",
        decimals=1,
        direction="lower",
        green_bound=Decimal("6"),
        red_bound=Decimal("7"),
        actor=None,
        **fields,
    )


def test_trend_reaches_last_years_plan_through_the_predecessor(two_years):
    plan, periods = two_years
    row = follow_up_report(plan, periods["T1 2023"]).goals[0].indicators[0]
    assert (row.previous.period_label, row.previous.value) == ("T3 2022", Decimal("6.6"))
    assert row.previous.change == Change.WORSE
    assert (row.last_year.period_label, row.last_year.value) == ("T1 2022", Decimal("8.1"))
    assert row.last_year.change == Change.BETTER
    assert [p.period_label for p in row.history] == ["T1 2022", "T2 2022", "T3 2022", "T1 2023"]


def test_trend_reaches_two_plans_back_with_the_same_queries_for_every_lineage(organisation, units):
    plans, periods = _yearly_plans(organisation, units, (2021, 2022, 2023))
    oldest = _sick_leave(plans[2021])
    middle = _sick_leave(plans[2022], predecessor=oldest)
    newest = _sick_leave(plans[2023], predecessor=middle)
    for indicator, name, value in ((oldest, "T3 2021", "9.4"), (newest, "T1 2023", "7.0")):
        measurement_record(
            indicator=indicator, period=periods[name], value=Decimal(value), actor=None
        )
    plan = Plan.objects.select_related("organisation", "owner_unit").get(pk=plans[2023].pk)
    with CaptureQueriesContext(connection) as one:
        row = follow_up_report(plan, periods["T1 2023"]).goals[0].indicators[0]
    # What was measured on the indicator's predecessor's predecessor is in its history.
    assert [(p.period_label, p.value) for p in row.history] == [
        ("T3 2021", Decimal("9.4")),
        ("T1 2023", Decimal("7.0")),
    ]
    # A second lineage as long, and an indicator of the plan alone.
    second = _sick_leave(plans[2021], goal=oldest.goal)
    second = _sick_leave(plans[2022], goal=middle.goal, predecessor=second)
    _sick_leave(plans[2023], goal=newest.goal, predecessor=second)
    _sick_leave(plans[2023], goal=newest.goal)
    with CaptureQueriesContext(connection) as three:
        report = follow_up_report(plan, periods["T1 2023"])
    assert len(report.goals[0].indicators) == 3
    assert len(three) == len(one)


def test_trend_in_a_multi_year_plan_uses_the_same_indicator(organisation, units):
    plan = plan_create(
        organisation=organisation,
        owner_unit=units["operation"],
        kind=Plan.Kind.ACTION_PLAN,
        name="Handlingsplan 2022–2024",
        start_year=2022,
        end_year=2024,
        actor=None,
    )
    indicator = _sick_leave(plan)
    t1 = {}
    for year in (2022, 2023):
        t1[year] = periods_ensure_year(organisation=organisation, year=year, actor=None)[0]
    measurement_record(indicator=indicator, period=t1[2022], value=Decimal("6.5"), actor=None)
    measurement_record(indicator=indicator, period=t1[2023], value=Decimal("6.5"), actor=None)
    row = follow_up_report(plan, t1[2023]).goals[0].indicators[0]
    assert row.last_year.value == Decimal("6.5")
    assert row.last_year.change == Change.UNCHANGED


def test_period_outside_the_plan_is_refused(plan, organisation):
    later = periods_ensure_year(organisation=organisation, year=2025, actor=None)[0]
    with pytest.raises(ValueError):
        follow_up_report(plan, later)


# --- readiness ---------------------------------------------------------------------------------


def test_readiness_expects_the_units_below_the_owner(plan, periods, units):
    readiness_mark(plan=plan, period=periods[0], unit=units["unit_a"], actor=None)
    rows = plan_readiness(plan, periods[0])
    assert [(row.name, row.ready) for _unit, row in rows] == [("Hemtjänst", True), ("IFO", False)]
    report = follow_up_report(plan, periods[0])
    assert [unit.name for unit in report.missing_units] == ["IFO"]


def test_readiness_of_a_plan_without_units_below_expects_the_owner(organisation, units, periods):
    plan = plan_create(
        organisation=organisation,
        owner_unit=units["unit_b"],
        kind=Plan.Kind.ACTIVITY_PLAN,
        name="Aktivitetsplan IFO",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    assert [row.name for _unit, row in plan_readiness(plan, periods[0])] == ["IFO"]


# --- cost: a fixed number of queries --------------------------------------------------------------


def _add_goal(plan, number: int, periods, units) -> None:
    goal = goal_create(plan=plan, number=number, title=f"Mål {number}", actor=None)
    unit = unit_create(
        organisation=plan.organisation,
        name=f"Enhet {number}",
        kind="unit",
        parent=units["operation"],
        actor=None,
    )
    for position in range(3):
        indicator = indicator_create(
            goal=goal, name=f"Indikator {number}.{position}", green_bound=Decimal("5"), actor=None
        )
        measurement_record(indicator=indicator, period=periods[0], value=Decimal("4"), actor=None)
        activity = activity_create(
            goal=goal,
            title=f"Aktivitet {number}.{position}",
            due_on=month_end(3),
            unit=unit,
            actor=None,
        )
        activity_create(goal=goal, title=f"Löpande {number}.{position}", ongoing=True, actor=None)
        activity_status_set(activity=activity, period=periods[0], status="done", actor=None)
    goal_follow_up_save(
        goal=goal, period=periods[0], assessment="achieved", analysis="Bra.", actor=None
    )


def test_query_count_does_not_grow_with_goals(plan, periods, units):
    plan = Plan.objects.select_related("organisation", "owner_unit").get(pk=plan.pk)
    _add_goal(plan, 1, periods, units)
    with CaptureQueriesContext(connection) as one:
        follow_up_report(plan, periods[0])
    for number in range(2, 6):
        _add_goal(plan, number, periods, units)
    with CaptureQueriesContext(connection) as five:
        report = follow_up_report(plan, periods[0])
    assert len(report.goals) == 5 and report.indicator_count == 15
    # Two more than before the cover named the partners and goals showed the lower plans', and
    # three more since goals have sub-goals and organisations their scales and perspectives,
    # and one for the year's periods (read once, not joined to every activity's status).
    assert len(five) == len(one) <= 16


def test_national_and_group_values_stand_next_to_the_organisations_own(
    followed_up, indicator, periods
):
    from django.utils import timezone, translation

    from indicators.models import ReferenceValue

    for kind, group, value in (("national", "", "77.5"), ("group_mean", "G33", "79")):
        ReferenceValue.objects.create(
            indicator=indicator,
            kind=kind,
            group=group,
            year=2023,
            value=Decimal(value),
            source="Källa: Kolada",
            fetched_at=timezone.now(),
        )
    ReferenceValue.objects.create(
        indicator=indicator,
        kind="national",
        year=2022,
        value=Decimal("1"),
        fetched_at=timezone.now(),
    )
    with translation.override("sv"):
        row = follow_up_report(followed_up, periods[0]).goals[0].indicators[0]
    assert row.value_text == "76"
    assert row.comparisons == (("Medelvärde för grupp G33", "79"), ("Hela landet", "77,5"))
    assert row.comparisons_credit == "Källa: Kolada"


def test_without_comparison_values_the_row_has_none(followed_up, periods):
    row = follow_up_report(followed_up, periods[0]).goals[0].indicators[0]
    assert (row.comparisons, row.comparisons_credit) == ((), "")


def test_a_rows_basis_reads_a_change_targets_lineage_as_the_page_does(two_years):
    """A value written alone (`row_basis`) is compared with the baseline its predecessor
    measured last year, as on the reporting page, which reads every row's lineage at once."""
    p2023, periods = two_years
    old = Indicator.objects.get(goal__plan__start_year=2022)
    goal = goal_create(plan=p2023, number=2, title="Ökad närvaro", actor=None)
    new = indicator_create(
        goal=goal, name="Närvaro", target_kind="change", baseline_period=periods["T3 2022"],
        predecessor=old, actor=None,
    )  # fmt: skip
    period = periods["T2 2023"]
    # As a single row reads it (`indicator_row_or_404`): without its lineage.
    lean = Indicator.objects.select_related("baseline_period", "goal__plan__organisation").get(
        pk=new.pk
    )
    whole = Indicator.objects.select_related(*ROW_INDICATOR_RELATED).get(pk=new.pk)
    with CaptureQueriesContext(connection) as queries:
        basis = row_basis(period, lean)
    assert basis == comparison_bases(period, [whole])[new.pk]
    assert basis.baseline == Decimal("6.6")  # T3 2022, measured on the predecessor
    assert len(queries) == 3  # the lineage, then the values and the references


def test_a_rows_basis_reads_nothing_for_a_target_without_a_baseline(two_years):
    p2023, periods = two_years
    indicator = Indicator.objects.get(goal__plan=p2023)
    with CaptureQueriesContext(connection) as queries:
        assert row_basis(periods["T2 2023"], indicator) == NO_BASIS
    assert len(queries) == 0
