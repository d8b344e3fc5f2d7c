from decimal import Decimal as D
from itertools import product

import pytest
from django.utils import translation

from indicators.colour import Bands, Colour, Direction, band_texts, evaluate, problems
from indicators.colour.texts import bands_summary

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER
GREEN, YELLOW, RED, NONE = Colour.GREEN, Colour.YELLOW, Colour.RED, Colour.NO_VALUE
STEP = D("0.0001")  # the smallest difference a stored value can have


# Seed 002's measures, normalised, with the colour expected at and around every bound.
# (name, bands, [(value, colour), ...])
SEED_002 = [
    (
        "share of operations with an action plan: <100% / 100%",
        Bands(HIGHER, D("100"), True),
        [(D("99.9999"), RED), (D("0"), RED), (D("100"), GREEN), (D("100.0001"), GREEN)],
    ),
    (
        "HME index: <70 / 71-79 / >=80",
        Bands(HIGHER, D("80"), True, D("70"), False),
        [
            (D("69.9999"), RED),
            (D("70"), YELLOW),  # the document's hole between 70 and 71 is yellow
            (D("70.5"), YELLOW),
            (D("71"), YELLOW),
            (D("79"), YELLOW),
            (D("79.5"), YELLOW),  # and so is the hole between 79 and 80
            (D("79.9999"), YELLOW),
            (D("80"), GREEN),
            (D("80.0001"), GREEN),
        ],
    ),
    (
        # "< 6 %" with target "< 6 %": 6,0 lies in the document's gap, so green takes it and
        # the target 6 stays inside green (as the demo loader reads it).
        "sick leave: >=7,0 / 6,1-6,9 / <6 %",
        Bands(LOWER, D("6"), True, D("7.0"), True),
        [
            (D("5.9999"), GREEN),
            (D("6"), GREEN),
            (D("6.0001"), YELLOW),
            (D("6.05"), YELLOW),  # between the document's 6 and 6,1
            (D("6.9"), YELLOW),
            (D("6.95"), YELLOW),
            (D("6.9999"), YELLOW),
            (D("7.0"), RED),
            (D("7.0001"), RED),
        ],
    ),
    (
        "user satisfaction: <=79% / 80-89% / >=90%",
        Bands(HIGHER, D("90"), True, D("79"), True),
        [
            (D("78.9999"), RED),
            (D("79"), RED),
            (D("79.5"), YELLOW),
            (D("89.9999"), YELLOW),
            (D("90"), GREEN),
            (D("90.0001"), GREEN),
        ],
    ),
    (
        "waiting days, income support: >20 / 10-19 / <9",
        Bands(LOWER, D("9"), True, D("20"), False),
        [
            (D("8.9999"), GREEN),
            (D("9"), GREEN),
            (D("9.0001"), YELLOW),
            (D("9.5"), YELLOW),
            (D("19.5"), YELLOW),
            (D("20"), YELLOW),
            (D("20.0001"), RED),
        ],
    ),
    (
        "investigation time, children: >110 / 84-109 / <83",
        Bands(LOWER, D("83"), True, D("110"), False),
        [
            (D("82.9999"), GREEN),
            (D("83"), GREEN),
            (D("83.0001"), YELLOW),
            (D("83.5"), YELLOW),
            (D("110"), YELLOW),
            (D("110.0001"), RED),
        ],
    ),
    (
        "a good place to live, of 10: <=7,0 / 7,1-7,9 / >=8,0",
        Bands(HIGHER, D("8.0"), True, D("7.0"), True),
        [
            (D("6.9999"), RED),
            (D("7.0"), RED),
            (D("7.05"), YELLOW),
            (D("7.95"), YELLOW),
            (D("8.0"), GREEN),
            (D("10"), GREEN),
        ],
    ),
    (
        "population change: <=0 / 1-24 / >=25",
        Bands(HIGHER, D("25"), True, D("0"), True),
        [
            (D("-3"), RED),
            (D("0"), RED),
            (D("0.0001"), YELLOW),
            (D("1"), YELLOW),
            (D("24"), YELLOW),
            (D("24.9999"), YELLOW),
            (D("25"), GREEN),
        ],
    ),
    (
        "business climate, of 6: <=3,4 / 3,5-3,8 / >=3,9",
        Bands(HIGHER, D("3.9"), True, D("3.4"), True),
        [
            (D("3.3999"), RED),
            (D("3.4"), RED),
            (D("3.45"), YELLOW),
            (D("3.85"), YELLOW),
            (D("3.9"), GREEN),
            (D("4.0"), GREEN),
        ],
    ),
    (
        "budget deviation: <=-1 / >=0 (two bands)",
        Bands(HIGHER, D("0"), True),
        [(D("-1"), RED), (D("-0.5"), RED), (D("-0.0001"), RED), (D("0"), GREEN), (D("1"), GREEN)],
    ),
    (
        "cost of individual and family care, kr/inh: 5680 / 5681-3919 / 3920",
        Bands(LOWER, D("3920"), True, D("5680"), True),
        [
            (D("3919.9999"), GREEN),
            (D("3920"), GREEN),
            (D("3920.0001"), YELLOW),
            (D("5679.9999"), YELLOW),
            (D("5680"), RED),
            (D("5680.0001"), RED),
        ],
    ),
    (
        "cost of elderly care, tkr/inh 80+: 275 / 233-274 / 232 tkr",
        Bands(LOWER, D("232"), True, D("275"), True),
        [
            (D("231.9999"), GREEN),
            (D("232"), GREEN),
            (D("232.5"), YELLOW),
            (D("274.9999"), YELLOW),
            (D("275"), RED),
            (D("300"), RED),
        ],
    ),
]


@pytest.mark.parametrize(
    ("bands", "value", "expected"),
    [
        pytest.param(bands, value, expected, id=f"{name} @ {value}")
        for name, bands, cases in SEED_002
        for value, expected in cases
    ],
)
def test_seed_002_values_at_and_around_every_bound(bands, value, expected):
    assert evaluate(value, bands) == expected


@pytest.mark.parametrize(("name", "bands", "_cases"), SEED_002, ids=[row[0] for row in SEED_002])
def test_seed_002_bands_are_consistent(name, bands, _cases):
    assert problems(bands) == {}


def all_band_shapes():
    """Every combination of direction, sides and two or three bands, around 10 and 20."""
    for direction, green_inclusive, red in product(
        (HIGHER, LOWER), (True, False), (None, True, False)
    ):
        green_bound, red_bound = (D("20"), D("10")) if direction == HIGHER else (D("10"), D("20"))
        if red is None:
            yield Bands(direction, green_bound, green_inclusive)
        else:
            yield Bands(direction, green_bound, green_inclusive, red_bound, red)


@pytest.mark.parametrize("bands", list(all_band_shapes()), ids=str)
def test_every_value_falls_in_exactly_one_band(bands):
    values = [D(n) / 4 for n in range(-20, 140)] + [
        bound + offset
        for bound in (bands.green_bound, bands.red_bound)
        if bound is not None
        for offset in (-STEP, D(0), STEP)
    ]
    for value in values:
        green, red = bands.is_green(value), bands.is_red(value)
        assert not (green and red), value
        colour = evaluate(value, bands)
        assert colour == (GREEN if green else RED if red else YELLOW)
        if not bands.has_yellow:
            assert colour != YELLOW


@pytest.mark.parametrize("bands", list(all_band_shapes()), ids=str)
def test_bound_side_decides_the_bound_value(bands):
    assert (evaluate(bands.green_bound, bands) == GREEN) is bands.green_inclusive
    if bands.red_bound is not None:
        assert (evaluate(bands.red_bound, bands) == RED) is bands.red_inclusive
        assert evaluate(bands.red_bound, bands) in (RED, YELLOW)


@pytest.mark.parametrize("bands", list(all_band_shapes()), ids=str)
def test_colours_are_ordered_along_the_direction(bands):
    order = {RED: 0, YELLOW: 1, GREEN: 2}
    values = [D(n) / 2 for n in range(0, 61)]
    if bands.direction == LOWER:
        values.reverse()
    ranks = [order[evaluate(value, bands)] for value in values]
    assert ranks == sorted(ranks)
    assert ranks[0] == 0
    assert ranks[-1] == 2


@pytest.mark.parametrize("bands", list(all_band_shapes()), ids=str)
def test_no_value_has_its_own_state_never_green(bands):
    assert evaluate(None, bands) == NONE


def test_value_may_be_given_as_int_or_text():
    bands = Bands(HIGHER, D("80"), True, D("70"), False)
    assert evaluate(80, bands) == GREEN
    assert evaluate("69.5", bands) == RED


def test_red_when_below_bound_higher_is_better():
    assert evaluate(D("5"), Bands(HIGHER, D("10"), True, D("6"), False)) == RED


def test_red_when_above_bound_lower_is_better():
    assert evaluate(D("7.5"), Bands(LOWER, D("6"), False, D("7"), True)) == RED


def test_red_bound_above_green_refused_when_higher_is_better(english):
    found = problems(Bands(HIGHER, D("80"), True, D("90"), True))
    assert set(found) == {"red_bound"}
    assert "below the green bound" in found["red_bound"]


def test_red_bound_below_green_refused_when_lower_is_better(english):
    found = problems(Bands(LOWER, D("6"), False, D("5"), True))
    assert set(found) == {"red_bound"}
    assert "above the green bound" in found["red_bound"]


def test_equal_bounds_refused_as_empty_yellow_band(english):
    found = problems(Bands(HIGHER, D("80"), True, D("80"), False))
    assert "no yellow band" in found["red_bound"]


@pytest.mark.parametrize(
    ("bands", "target", "ok"),
    [
        (Bands(HIGHER, D("80"), True, D("70"), False), D("80"), True),
        (Bands(HIGHER, D("80"), True, D("70"), False), D("85"), True),
        (Bands(HIGHER, D("80"), True, D("70"), False), D("79"), False),
        (Bands(HIGHER, D("80"), False, D("70"), False), D("80"), False),
        (Bands(LOWER, D("6"), False, D("7"), True), D("5.9"), True),
        (Bands(LOWER, D("6"), False, D("7"), True), D("6"), False),
        (Bands(LOWER, D("6"), True), D("6"), True),
        (Bands(LOWER, D("6"), True), D("6.5"), False),
    ],
)
def test_target_must_lie_in_green(bands, target, ok, english):
    found = problems(bands, target)
    assert ("target_value" not in found) is ok
    if not ok:
        assert "outside the green band" in found["target_value"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", {GREEN: "< 6,0", YELLOW: "≥ 6,0 och < 7,0", RED: "≥ 7,0"}),
        ("nb", {GREEN: "< 6,0", YELLOW: "≥ 6,0 og < 7,0", RED: "≥ 7,0"}),
        ("nn", {GREEN: "< 6,0", YELLOW: "≥ 6,0 og < 7,0", RED: "≥ 7,0"}),
        ("en", {GREEN: "< 6.0", YELLOW: "≥ 6.0 and < 7.0", RED: "≥ 7.0"}),
    ],
)
def test_band_texts_use_the_locales_decimal_separator(language, expected):
    bands = Bands(LOWER, D("6"), False, D("7.0"), True)
    with translation.override(language):
        assert band_texts(bands, decimals=1) == expected


def test_band_texts_written_once_are_still_each_languages_own():
    """The texts are kept once written (a report writes each row's bands three times), per
    language: the same bands read in Swedish, English and Swedish again are each in their
    language, and a caller changing its answer changes no later one."""
    bands = Bands(LOWER, D("6"), False, D("7.0"), True)
    for language, yellow, summary in [
        ("sv", "≥ 6,0 och < 7,0", "grön < 6,0, gul ≥ 6,0 och < 7,0, röd ≥ 7,0"),
        ("en", "≥ 6.0 and < 7.0", "green < 6.0, yellow ≥ 6.0 and < 7.0, red ≥ 7.0"),
        ("sv", "≥ 6,0 och < 7,0", "grön < 6,0, gul ≥ 6,0 och < 7,0, röd ≥ 7,0"),
    ]:
        with translation.override(language):
            texts = band_texts(bands, decimals=1)
            assert texts[YELLOW] == yellow
            assert bands_summary(bands, decimals=1) == summary
            texts[YELLOW] = "changed"
            assert band_texts(bands, decimals=1)[YELLOW] == yellow


def test_band_texts_higher_is_better_three_bands():
    with translation.override("sv"):
        texts = band_texts(Bands(HIGHER, D("80"), True, D("70"), False))
    assert texts == {GREEN: "≥ 80", YELLOW: "≥ 70 och < 80", RED: "< 70"}


@pytest.mark.parametrize("direction", [HIGHER, LOWER])
@pytest.mark.parametrize("green_inclusive", [True, False])
@pytest.mark.parametrize("red_inclusive", [True, False])
def test_band_texts_never_show_a_bound_in_two_bands(direction, green_inclusive, red_inclusive):
    """Each bound is written with its side in both bands it separates, and the sides say the
    same as the colour rule: the bound value is in exactly one band's text."""
    red = D("70") if direction == HIGHER else D("90")
    bands = Bands(direction, D("80"), green_inclusive, red, red_inclusive)
    with translation.override("en"):
        texts = band_texts(bands)
    for bound in (D("70") if direction == HIGHER else D("90"), D("80")):
        holding = [colour for colour, text in texts.items() if _text_holds(text, bound)]
        assert holding == [evaluate(bound, bands)], (texts, bound)


def _text_holds(text: str, value: D) -> bool:
    """Whether a band text written with sides ("≥ 70 and < 80", "< 70") holds the value."""
    checks = {"≥": value.__ge__, ">": value.__gt__, "≤": value.__le__, "<": value.__lt__}
    sides = [side.split() for side in text.split(" and ")]
    return all(checks[operator](D(number)) for operator, number in sides)


def test_band_texts_two_bands_have_no_yellow():
    with translation.override("sv"):
        texts = band_texts(Bands(HIGHER, D("100"), True))
    assert texts == {GREEN: "≥ 100", RED: "< 100"}


def test_band_texts_exclusive_green_bound_makes_red_inclusive():
    with translation.override("sv"):
        assert band_texts(Bands(LOWER, D("9"), False)) == {GREEN: "< 9", RED: "≥ 9"}


def test_band_texts_keep_digits_beyond_decimals_and_group_thousands():
    with translation.override("sv"):
        texts = band_texts(Bands(LOWER, D("3920"), True, D("5680.5"), True), decimals=0)
    assert texts[GREEN] == "≤ 3\xa0920"
    assert texts[RED] == "≥ 5\xa0680,5"


def test_colour_labels_are_words_in_the_users_language():
    with translation.override("en"):
        assert [c.label for c in (GREEN, YELLOW, RED, NONE)] == [
            "Green",
            "Yellow",
            "Red",
            "No value",
        ]
