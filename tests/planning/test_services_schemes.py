"""An organisation's follow-up calendar as data: a scheme made from a preset or by hand, each bad
scheme refused with a message naming the period and nothing saved, and a change of scheme that
never moves a reported value out of its period."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goals.services import goal_create
from indicators.models import Measurement
from indicators.services import indicator_create, measurement_record
from planning.models import FollowUpPeriod, Plan, SchemePeriod
from planning.models.schemes import PRESETS, SchemeRow, preset_rows, scheme_problems, scheme_rows
from planning.services import periods_ensure_year, plan_create, scheme_save

THIS_YEAR = timezone.localdate().year


def row(code, first, last, cumulative=False, name=None) -> SchemeRow:
    name = name or code
    return SchemeRow(code, first, last, cumulative, name, name, name, name)


def stored(organisation) -> list[tuple]:
    return [
        (p.code, p.first_month, p.last_month, p.cumulative, p.name_sv)
        for p in SchemePeriod.objects.filter(organisation=organisation)
    ]


def periods_of(organisation, year) -> list[tuple]:
    return [
        (p.kind, p.starts_on, p.ends_on, p.cumulative, p.name_sv)
        for p in FollowUpPeriod.objects.filter(organisation=organisation, year=year)
    ]


def refused(organisation, rows) -> list[str]:
    """The messages a refused scheme gives; fails if it was saved."""
    before = stored(organisation)
    with pytest.raises(ValidationError) as caught:
        scheme_save(organisation=organisation, rows=rows, actor=None)
    assert stored(organisation) == before
    return caught.value.messages


# --- A scheme from a preset -----------------------------------------------------------------------


def test_gotlands_interim_scheme_makes_cumulative_periods_from_january(organisation):
    scheme_save(organisation=organisation, rows=preset_rows("interim"), actor=None)
    periods = periods_ensure_year(organisation=organisation, year=2027, actor=None)
    assert [(p.kind, p.starts_on, p.ends_on, p.cumulative, p.is_year_end) for p in periods] == [
        ("D1", datetime.date(2027, 1, 1), datetime.date(2027, 4, 30), True, False),
        ("D2", datetime.date(2027, 1, 1), datetime.date(2027, 8, 31), True, False),
        ("HEL", datetime.date(2027, 1, 1), datetime.date(2027, 12, 31), True, True),
    ]
    # Each adds the months after the one before it: D2 May–August, the year September–December.
    assert [p.first_new_month for p in periods] == [1, 5, 9]
    assert [p.name("sv") for p in periods] == ["Delår 1", "Delårsrapport januari–augusti", "Helår"]
    assert periods[2].name("nb") == "Årsmelding"


def test_every_preset_is_a_whole_year_without_gaps(db):
    for key in PRESETS:
        assert scheme_problems(preset_rows(key)) == [], key


def test_a_hand_made_scheme_is_saved_in_its_order(organisation):
    rows = [row("V", 1, 5, name="Vår"), row("H", 6, 12, name="Höst och bokslut")]
    scheme_save(organisation=organisation, rows=rows, actor=None)
    assert stored(organisation) == [
        ("V", 1, 5, False, "Vår"),
        ("H", 6, 12, False, "Höst och bokslut"),
    ]
    assert scheme_rows(organisation) == rows


# --- Bad schemes: a message naming the period, nothing saved --------------------------------------


def test_a_scheme_with_a_gap_is_refused_naming_the_period(organisation, english):
    scheme_save(organisation=organisation, rows=preset_rows("half_year"), actor=None)
    messages = refused(organisation, [row("A", 1, 4, name="Spring"), row("B", 6, 12, name="Rest")])
    assert messages == ["Rest starts in June, so May is not followed up in any period."]


def test_overlapping_periods_that_are_not_cumulative_are_refused(organisation, english):
    messages = refused(
        organisation,
        [row("A", 1, 6, name="First"), row("B", 5, 8, name="Second"), row("C", 9, 12, name="End")],
    )
    assert len(messages) == 1
    assert messages[0].startswith("Second starts in May, before the period before it (First)")
    assert "mark it cumulative" in messages[0]
    assert SchemePeriod.objects.filter(organisation=organisation).count() == 0


def test_a_scheme_ending_in_october_is_refused(organisation, english):
    messages = refused(organisation, [row("A", 1, 6, name="First"), row("B", 7, 10, name="Late")])
    assert messages == [
        "The last period, Late, ends in October; the scheme must run to December, the year-end, "
        "so November–December is not followed up."
    ]


def test_two_periods_with_one_code_are_refused(organisation, english):
    messages = refused(organisation, [row("T1", 1, 6), row("T1", 7, 12, name="Second")])
    assert messages == ["Two periods have the short code T1; each needs its own."]


def test_a_refused_scheme_leaves_the_years_periods_as_they_were(organisation, english):
    before = periods_of(organisation, THIS_YEAR)
    periods_ensure_year(organisation=organisation, year=THIS_YEAR, actor=None)
    made = periods_of(organisation, THIS_YEAR)
    refused(organisation, [row("A", 1, 4), row("B", 6, 12)])
    assert before == [] and periods_of(organisation, THIS_YEAR) == made


# --- A change of scheme after values were reported -----------------------------------------------


@pytest.fixture
def reported(organisation, units):
    """This year's tertials with a value of this year's plan reported in T1, and next year's
    tertials, empty."""
    plan = plan_create(
        organisation=organisation,
        owner_unit=units["operation"],
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name=f"Verksamhetsplan {THIS_YEAR}",
        start_year=THIS_YEAR,
        end_year=THIS_YEAR + 1,
        actor=None,
    )
    goal = goal_create(plan=plan, number=1, title="Nöjda medarbetare", actor=None)
    indicator = indicator_create(
        goal=goal,
        name="HME-index",
        unit="index",
        direction="higher",
        green_bound=Decimal(80),
        green_bound_inclusive=True,
        red_bound=Decimal(70),
        red_bound_inclusive=False,
        actor=None,
    )
    this_year = periods_ensure_year(organisation=organisation, year=THIS_YEAR, actor=None)
    periods_ensure_year(organisation=organisation, year=THIS_YEAR + 1, actor=None)
    value = measurement_record(
        indicator=indicator, period=this_year[0], value=Decimal(82), actor=None
    )
    return this_year, value


def test_a_year_with_a_reported_value_keeps_its_periods_and_a_later_year_is_made_again(
    organisation, reported
):
    this_year, value = reported
    change = scheme_save(organisation=organisation, rows=preset_rows("interim"), actor=None)

    assert list(change.kept_years) == [THIS_YEAR]
    assert [p.pk for p in change.kept_years[THIS_YEAR]] == [p.pk for p in this_year]
    assert change.remade_years == [THIS_YEAR + 1]
    # This year as it was made: tertials, the value still in T1.
    assert [p[0] for p in periods_of(organisation, THIS_YEAR)] == ["T1", "T2", "T3"]
    value = Measurement.objects.get(pk=value.pk)
    assert value.period_id == this_year[0].pk
    assert value.period.kind == "T1" and value.value == Decimal(82)
    # Next year by the new scheme.
    assert periods_of(organisation, THIS_YEAR + 1) == [
        ("D1", datetime.date(THIS_YEAR + 1, 1, 1), datetime.date(THIS_YEAR + 1, 4, 30), True,
         "Delår 1"),
        ("D2", datetime.date(THIS_YEAR + 1, 1, 1), datetime.date(THIS_YEAR + 1, 8, 31), True,
         "Delårsrapport januari–augusti"),
        ("HEL", datetime.date(THIS_YEAR + 1, 1, 1), datetime.date(THIS_YEAR + 1, 12, 31), True,
         "Helår"),
    ]  # fmt: skip
    # And the years made from now on.
    made = periods_ensure_year(organisation=organisation, year=THIS_YEAR + 2, actor=None)
    assert [p.kind for p in made] == ["D1", "D2", "HEL"]


def test_a_remade_year_keeps_the_deadline_and_open_state_of_the_period_ending_in_its_month(
    organisation,
):
    periods = periods_ensure_year(organisation=organisation, year=THIS_YEAR + 1, actor=None)
    t2 = periods[1]
    t2.reporting_deadline = datetime.date(THIS_YEAR + 1, 9, 15)
    t2.is_open = True
    t2.save()
    change = scheme_save(organisation=organisation, rows=preset_rows("interim"), actor=None)
    assert change.remade_years == [THIS_YEAR + 1]
    d2 = FollowUpPeriod.objects.get(organisation=organisation, year=THIS_YEAR + 1, kind="D2")
    assert d2.reporting_deadline == datetime.date(THIS_YEAR + 1, 9, 15) and d2.is_open


def test_renaming_a_period_only_renames_the_periods_already_made(organisation, reported):
    this_year, value = reported
    rows = scheme_rows(organisation)
    rows[0] = dataclasses.replace(rows[0], name_sv="Första tertialen", name_en="First tertial")
    change = scheme_save(organisation=organisation, rows=rows, actor=None)

    assert change.renamed == 2  # this year's T1 and next year's
    assert change.kept_years == {} and change.remade_years == []
    after = list(FollowUpPeriod.objects.filter(organisation=organisation, year=THIS_YEAR))
    assert [p.pk for p in after] == [p.pk for p in this_year]
    assert after[0].name("sv") == "Första tertialen" and after[0].name("en") == "First tertial"
    assert (after[0].starts_on, after[0].ends_on) == (this_year[0].starts_on, this_year[0].ends_on)
    assert Measurement.objects.get(pk=value.pk).period_id == this_year[0].pk


def test_an_earlier_year_is_never_changed(organisation):
    periods_ensure_year(organisation=organisation, year=THIS_YEAR - 1, actor=None)
    before = periods_of(organisation, THIS_YEAR - 1)
    change = scheme_save(organisation=organisation, rows=preset_rows("quarter"), actor=None)
    assert periods_of(organisation, THIS_YEAR - 1) == before
    assert change.remade_years == [] and change.kept_years == {}
