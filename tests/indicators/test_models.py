from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from indicators.colour import Colour
from indicators.models import Indicator, Measurement
from indicators.services import indicator_create, measurement_record
from planning.services import organisation_create, periods_ensure_year, unit_create


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def make_indicator(goal, **fields):
    values = {
        "name": "Sjukfrånvaro",
        "unit": "percent",
        "decimals": 1,
        "direction": "lower",
        "green_bound": D("6"),
        "green_bound_inclusive": False,
        "red_bound": D("7"),
        "red_bound_inclusive": True,
        "target_value": D("5.9"),
    }
    values.update(fields)
    return indicator_create(goal=goal, actor=None, **values)


def test_indicator_with_consistent_bands_is_saved(goal):
    indicator = make_indicator(goal)
    assert indicator.colour_of(D("6.5")) == Colour.YELLOW
    with translation.override("sv"):
        assert indicator.band_texts() == {
            Colour.GREEN: "< 6,0",
            Colour.YELLOW: "≥ 6,0 och < 7,0",
            Colour.RED: "≥ 7,0",
        }


def test_red_bound_on_the_wrong_side_refused_with_a_clear_message(goal):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        make_indicator(goal, red_bound=D("5"))
    assert "above the green bound" in error.value.message_dict["red_bound"][0]
    assert not Indicator.objects.exists()


def test_red_bound_on_the_wrong_side_refused_by_the_database(goal):
    refused_by_database(
        lambda: Indicator.objects.create(
            goal=goal, name="X", direction="higher", green_bound=D("80"), red_bound=D("90")
        )
    )


def test_target_outside_green_refused(goal):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        make_indicator(goal, target_value=D("6.5"))
    assert "outside the green band" in error.value.message_dict["target_value"][0]


def test_target_outside_green_refused_by_the_database(goal):
    refused_by_database(
        lambda: Indicator.objects.create(
            goal=goal, name="X", direction="higher", green_bound=D("80"), target_value=D("75")
        )
    )


def test_target_on_an_exclusive_green_bound_refused_by_the_database(goal):
    refused_by_database(
        lambda: Indicator.objects.create(
            goal=goal,
            name="X",
            direction="lower",
            green_bound=D("9"),
            green_bound_inclusive=False,
            target_value=D("9"),
        )
    )


def test_target_on_an_inclusive_green_bound_accepted_by_the_database(goal):
    Indicator.objects.create(
        goal=goal, name="X", direction="higher", green_bound=D("100"), target_value=D("100")
    )


def test_unknown_direction_refused_by_the_database(goal):
    refused_by_database(
        lambda: Indicator.objects.create(goal=goal, name="X", direction="up", green_bound=D("1"))
    )


def test_other_unit_must_be_named(goal):
    with pytest.raises(ValidationError) as error:
        make_indicator(goal, unit="other")
    assert "unit_label" in error.value.message_dict
    refused_by_database(
        lambda: Indicator.objects.create(goal=goal, name="X", unit="other", green_bound=D("1"))
    )
    indicator = make_indicator(goal, unit="other", unit_label="tkr/invånare 80+")
    assert indicator.unit_text == "tkr/invånare 80+"


def test_two_band_indicator(goal):
    indicator = make_indicator(
        goal,
        name="Andel verksamheter med handlingsplan",
        direction="higher",
        green_bound=D("100"),
        green_bound_inclusive=True,
        red_bound=None,
        target_value=D("100"),
    )
    assert [indicator.colour_of(v) for v in (D("99"), D("100"), None)] == [
        Colour.RED,
        Colour.GREEN,
        Colour.NO_VALUE,
    ]


def test_too_many_decimals_refused(goal):
    with pytest.raises(ValidationError) as error:
        make_indicator(goal, decimals=5)
    assert "decimals" in error.value.message_dict


def test_measurement_colour_follows_the_indicators_bands(indicator, periods):
    t1, t2, _t3 = periods
    green = measurement_record(indicator=indicator, period=t1, value=D("81"), actor=None)
    red = measurement_record(indicator=indicator, period=t2, value=D("69"), actor=None)
    assert (green.colour, red.colour) == (Colour.GREEN, Colour.RED)


def test_measurement_without_value_has_no_colour(indicator, periods):
    missing = measurement_record(
        indicator=indicator, period=periods[0], value=None, comment="Ingen mätning i år", actor=None
    )
    assert missing.colour == Colour.NO_VALUE


def test_measurement_replaces_the_earlier_value_of_the_period(indicator, periods):
    measurement_record(indicator=indicator, period=periods[0], value=D("75"), actor=None)
    measurement_record(indicator=indicator, period=periods[0], value=D("78"), actor=None)
    assert list(Measurement.objects.values_list("value", flat=True)) == [D("78")]


def test_unit_values_beside_the_plan_value(indicator, periods, units):
    t1 = periods[0]
    measurement_record(indicator=indicator, period=t1, value=D("78"), actor=None)
    measurement_record(
        indicator=indicator, period=t1, unit=units["unit_a"], value=D("82"), actor=None
    )
    measurement_record(
        indicator=indicator, period=t1, unit=units["unit_b"], value=D("70"), actor=None
    )
    assert Measurement.objects.filter(indicator=indicator, period=t1).count() == 3


@pytest.mark.parametrize("with_unit", [True, False])
def test_one_value_per_indicator_period_and_unit_in_database(indicator, periods, units, with_unit):
    from django.utils import timezone

    unit = units["unit_a"] if with_unit else None
    measurement_record(indicator=indicator, period=periods[0], unit=unit, value=D("1"), actor=None)
    refused_by_database(
        lambda: Measurement.objects.create(
            indicator=indicator,
            period=periods[0],
            unit=unit,
            value=D("2"),
            entered_at=timezone.now(),
        )
    )


def test_measurement_refused_outside_the_plans_years(indicator, organisation):
    period_2024 = periods_ensure_year(organisation=organisation, year=2024, actor=None)[0]
    with pytest.raises(ValidationError) as error:
        measurement_record(indicator=indicator, period=period_2024, value=D("80"), actor=None)
    assert "period" in error.value.message_dict
    assert not Measurement.objects.exists()


def test_measurement_refused_for_a_unit_of_another_organisation(indicator, periods):
    other = organisation_create(name="Annan kommun", actor=None)
    foreign = unit_create(organisation=other, name="Enhet", kind="unit", actor=None)
    with pytest.raises(ValidationError) as error:
        measurement_record(
            indicator=indicator, period=periods[0], unit=foreign, value=D("80"), actor=None
        )
    assert "unit" in error.value.message_dict


def test_value_with_too_many_decimals_refused(indicator, periods):
    with pytest.raises(ValidationError):
        measurement_record(indicator=indicator, period=periods[0], value=D("80.12345"), actor=None)


def test_measurement_keeps_who_entered_it(indicator, periods, django_user_model):
    user = django_user_model.objects.create_user("sara")
    measurement = measurement_record(
        indicator=indicator, period=periods[0], value=D("80"), actor=user
    )
    assert measurement.entered_by == user
    assert measurement.history.get().history_user == user


def test_values_per_gender_beside_the_total(indicator, periods):
    t1 = periods[0]
    for gender, value in (("T", "80"), ("K", "82"), ("M", "77")):
        measurement_record(
            indicator=indicator, period=t1, gender=gender, value=D(value), actor=None
        )
    assert dict(Measurement.objects.values_list("gender", "value")) == {
        "T": D("80"),
        "K": D("82"),
        "M": D("77"),
    }


def test_measurement_refuses_to_overwrite_a_value_changed_meanwhile(indicator, periods):
    from core.versioning import EditConflict

    loaded = measurement_record(indicator=indicator, period=periods[0], value=D("75"), actor=None)
    measurement_record(indicator=indicator, period=periods[0], value=D("78"), actor=None)
    with pytest.raises(EditConflict):
        measurement_record(
            indicator=indicator,
            period=periods[0],
            value=D("79"),
            expected_version=loaded.version,
            actor=None,
        )
    assert Measurement.objects.get().value == D("78")
