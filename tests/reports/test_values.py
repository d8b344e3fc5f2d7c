"""The one rule of which value a period shows (`shown_value`), at its boundaries, and the
comparisons made from what it shows."""

from decimal import Decimal

import pytest

from indicators.models import Indicator, Measurement
from planning.services import organisation_create, periods_ensure_year
from reports.selectors import Change, shown_value
from reports.selectors.values import (
    ShownValue,
    carried_text,
    last_year_comparison,
    latest_earlier_value,
    previous_comparison,
)

D = Decimal


@pytest.fixture
def years(organisation):
    """T1, T2 and T3 of 2021, 2022 and 2023, by name ("T2 2023")."""
    found = {}
    for year in (2021, 2022, 2023):
        for period in periods_ensure_year(organisation=organisation, year=year, actor=None):
            found[str(period)] = period
    return found


def measured(years, **values) -> list[Measurement]:
    """Unsaved measurements: measured(years, T1_2023="65", T2_2023=None)."""
    return [
        Measurement(
            period=years[name.replace("_", " ")],
            value=None if value is None else D(value),
        )
        for name, value in values.items()
    ]


def test_the_periods_own_value_is_shown(years):
    shown = shown_value(measured(years, T1_2023="65", T2_2023="70"), years["T2 2023"])
    assert (shown.value, shown.is_carried, str(shown.period)) == (D("70"), False, "T2 2023")


def test_an_empty_own_value_is_the_periods_answer_and_nothing_is_carried(years):
    shown = shown_value(measured(years, T1_2023="65", T2_2023=None), years["T2 2023"])
    assert (shown.value, shown.is_carried, str(shown.period)) == (None, False, "T2 2023")


def test_without_its_own_measurement_a_period_carries_the_latest_earlier_value(years):
    values = measured(years, T3_2022="60", T1_2023="65")
    shown = shown_value(values, years["T2 2023"])
    assert (shown.value, shown.is_carried, str(shown.period)) == (D("65"), True, "T1 2023")
    shown = shown_value(values, years["T3 2023"])
    assert (shown.value, str(shown.period)) == (D("65"), "T1 2023")


def test_an_empty_earlier_value_is_passed_over(years):
    shown = shown_value(measured(years, T1_2023="65", T2_2023=None), years["T3 2023"])
    assert (shown.value, shown.is_carried, str(shown.period)) == (D("65"), True, "T1 2023")


def test_a_value_of_last_year_is_carried(years):
    shown = shown_value(measured(years, T1_2022="61"), years["T3 2023"])
    assert (shown.value, shown.is_carried, str(shown.period)) == (D("61"), True, "T1 2022")


def test_nothing_older_than_last_year_is_carried(years):
    shown = shown_value(measured(years, T3_2021="58"), years["T1 2023"])
    assert shown == ShownValue(None, is_carried=False)
    # ... while 2022's first period still is.
    assert shown_value(measured(years, T3_2021="58"), years["T1 2022"]).value == D("58")


def test_later_values_are_never_shown(years):
    shown = shown_value(measured(years, T3_2023="80"), years["T2 2023"])
    assert shown == ShownValue(None, is_carried=False)


def test_another_organisations_periods_are_not_carried(years):
    other = organisation_create(name="Annan kommun", actor=None)
    foreign = periods_ensure_year(organisation=other, year=2023, actor=None)[0]
    values = [Measurement(period=foreign, value=D("99"))]
    assert latest_earlier_value(values, years["T2 2023"]) is None


def test_carried_values_say_from_which_period(years):
    assert carried_text("T1 2023") == "från T1 2023"


# --- comparisons --------------------------------------------------------------------------------


@pytest.fixture
def hme():
    return Indicator(direction="higher", unit=Indicator.MeasureUnit.INDEX)


def test_previous_compares_with_the_value_before_the_shown_values_own_period(years, hme):
    values = measured(years, T3_2022="60", T1_2023="65")
    shown = shown_value(values, years["T2 2023"])  # T1's 65, carried
    previous = previous_comparison(hme, shown, values, years["T2 2023"])
    assert (previous.period_label, previous.value, previous.change) == (
        "T3 2022",
        D("60"),
        Change.BETTER,
    )


def test_previous_passes_over_an_empty_value(years, hme):
    values = measured(years, T1_2023="65", T2_2023=None, T3_2023="60")
    shown = shown_value(values, years["T3 2023"])
    previous = previous_comparison(hme, shown, values, years["T3 2023"])
    assert (previous.period_label, previous.change) == ("T1 2023", Change.WORSE)


def test_an_empty_own_value_has_no_trend(years, hme):
    values = measured(years, T1_2023="65", T2_2023=None)
    shown = shown_value(values, years["T2 2023"])
    previous = previous_comparison(hme, shown, values, years["T2 2023"])
    assert (previous.period_label, previous.value, previous.change) == (
        "T1 2023",
        D("65"),
        Change.NONE,
    )


def test_last_year_compares_with_the_same_kind_of_period_of_the_shown_value(years, hme):
    values = measured(years, T1_2022="70", T2_2022="50", T1_2023="65")
    shown = shown_value(values, years["T2 2023"])  # T1 2023's 65, carried
    last_year = last_year_comparison(hme, shown, values, years["T2 2023"])
    assert (last_year.period_label, last_year.value, last_year.change) == (
        "T1 2022",
        D("70"),
        Change.WORSE,
    )


def test_last_year_without_a_value_is_no_comparison(years, hme):
    values = measured(years, T1_2023="65")
    shown = shown_value(values, years["T1 2023"])
    last_year = last_year_comparison(hme, shown, values, years["T1 2023"])
    assert (last_year.period_label, last_year.value, last_year.change) == (
        "T1 2022",
        None,
        Change.NONE,
    )
