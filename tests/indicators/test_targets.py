"""An indicator's target and bands are declared once (`indicators.targets.Target`), and every
part that reads or writes them takes the declaration."""

from decimal import Decimal as D

import pytest

from authoring.services import INDICATOR_FIELDS as ROLLED_OVER
from indicators.admin import IndicatorAdmin, IndicatorInline
from indicators.colour import Bands, Direction, TargetKind
from indicators.forms import BandsForm, IndicatorForm
from indicators.models import Indicator
from indicators.selectors import COPIED_FIELDS
from indicators.services import INDICATOR_FIELDS as EDITABLE
from indicators.targets import Target
from transfer.resources.indicators import IndicatorResource


def test_every_declared_field_is_a_field_of_the_indicator():
    names = {field.name for field in Indicator._meta.get_fields()}
    assert set(Target.fields()) <= names
    assert set(Target.BAND_FIELDS) < set(Target.fields())
    assert set(Target.DECIMAL_FIELDS) < set(Target.fields())


def test_an_indicators_target_reads_back_the_fields_it_was_given():
    indicator = Indicator(
        direction="lower",
        green_bound=D("6"),
        green_bound_inclusive=False,
        red_bound=D("7"),
        red_bound_inclusive=True,
        target_value=D("5.5"),
    )
    target = indicator.target
    assert target == Target(
        direction=Direction.LOWER_IS_BETTER,
        green_bound=D("6"),
        green_inclusive=False,
        red_bound=D("7"),
        red_inclusive=True,
        value=D("5.5"),
    )
    assert target.kind == TargetKind.BANDS
    assert target.as_fields()["target_kind"] == "bands"
    assert {name: target.as_fields()[name] for name in (*Target.BAND_FIELDS, "target_value")} == {
        "direction": "lower",
        "green_bound": D("6"),
        "green_bound_inclusive": False,
        "red_bound": D("7"),
        "red_bound_inclusive": True,
        "target_value": D("5.5"),
    }
    assert indicator.bands == Bands(Direction.LOWER_IS_BETTER, D("6"), False, D("7"), True)


def test_a_target_without_a_green_bound_has_no_bands():
    assert Target(direction=Direction.HIGHER_IS_BETTER).bands is None


def test_two_bands_store_the_meaningless_red_side_as_the_default():
    bands = Bands(Direction.HIGHER_IS_BETTER, D("80"), True, None, False)
    assert Target.from_bands(bands, D("85")).as_fields()["red_bound_inclusive"] is True


def test_an_unticked_side_stays_unticked():
    target = Target.from_fields({"direction": "higher", "green_bound": D("1"),
                                 "green_bound_inclusive": False})  # fmt: skip
    assert target.green_inclusive is False


@pytest.mark.parametrize(
    ("where", "fields"),
    [
        ("the indicator form", IndicatorForm._meta.fields),
        ("the bands preview", list(BandsForm().fields)),
        ("the services", EDITABLE),
        ("reusing a measure", COPIED_FIELDS),
        ("roll-over", ROLLED_OVER),
        ("the admin inline", IndicatorInline.fields),
        ("the import", IndicatorResource.field_columns),
    ],
)
def test_every_part_takes_every_target_field(where, fields):
    assert set(Target.fields()) <= set(fields), where


def test_the_admin_shows_each_bound_beside_its_side():
    shown = [row for _name, options in IndicatorAdmin.fieldsets for row in options["fields"]]
    for row in Target.BAND_ROWS:
        assert row in shown
    assert ("target_value", "target_text") in shown
