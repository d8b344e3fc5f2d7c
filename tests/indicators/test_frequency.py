"""An indicator is asked for in the periods its frequency covers, by the organisation's scheme."""

import pytest

from indicators.models import Indicator
from tests.indicators.schemes import (
    first_goal,
    measure,
    periods_of,
    scheme_organisation,
    scheme_plan,
)

F = Indicator.Frequency


@pytest.fixture
def gotland(db):
    return scheme_organisation("Region Gotland", "interim")


@pytest.fixture
def quarters(db):
    return scheme_organisation("Kvartalskommun", "quarter")


def asked(indicator, organisation, year=2026) -> list[str]:
    return [
        period.kind
        for label, period in sorted(periods_of(organisation).items(), key=lambda p: p[1].position)
        if period.year == year and indicator.is_asked_in(period)
    ]


def test_every_period_indicator_is_asked_in_every_period(gotland):
    indicator = measure(first_goal(scheme_plan(gotland)), "Sjukfrånvaro", F.EVERY_PERIOD)
    assert asked(indicator, gotland) == ["D1", "D2", "HEL"]


def test_yearly_indicator_is_asked_only_at_the_year_end(gotland, quarters):
    yearly = measure(first_goal(scheme_plan(gotland)), "HME", F.YEARLY)
    assert asked(yearly, gotland) == ["HEL"]
    yearly_q = measure(first_goal(scheme_plan(quarters)), "HME", F.YEARLY)
    assert asked(yearly_q, quarters) == ["Q4"]


def test_year_to_date_indicator_is_asked_in_cumulative_periods_and_at_the_year_end(
    gotland, quarters
):
    gotland_ytd = measure(first_goal(scheme_plan(gotland)), "Kostnad", F.YEAR_TO_DATE)
    assert asked(gotland_ytd, gotland) == ["D1", "D2", "HEL"]
    # Quarters are not cumulative: the year so far is asked only at the year-end.
    quarter_ytd = measure(first_goal(scheme_plan(quarters)), "Kostnad", F.YEAR_TO_DATE)
    assert asked(quarter_ytd, quarters) == ["Q4"]


def test_every_second_and_third_year_count_from_the_plans_first_year(db):
    organisation = scheme_organisation("Treårskommun", "tertial", years=(2025, 2026, 2027, 2028))
    goal = first_goal(scheme_plan(organisation, start_year=2025, end_year=2028))
    second = measure(goal, "Brukarenkät", F.EVERY_SECOND_YEAR)
    third = measure(goal, "SCB-enkät", F.EVERY_THIRD_YEAR)
    years = (2025, 2026, 2027, 2028)
    assert [year for year in years if asked(second, organisation, year)] == [2025, 2027]
    assert [year for year in years if asked(third, organisation, year)] == [2025, 2028]
    assert asked(second, organisation, 2027) == ["T3"]


def test_monthly_and_other_indicators_are_asked_in_every_period(quarters):
    goal = first_goal(scheme_plan(quarters))
    for frequency in (F.MONTHLY, F.OTHER):
        indicator = measure(goal, f"Mått {frequency}", frequency)
        assert asked(indicator, quarters) == ["Q1", "Q2", "Q3", "Q4"]


def test_seasonal_flag_is_kept(gotland):
    indicator = measure(first_goal(scheme_plan(gotland)), "Sjukfrånvaro", seasonal=True)
    indicator.refresh_from_db()
    assert indicator.seasonal
    assert indicator.history.first().seasonal
