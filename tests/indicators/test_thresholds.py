"""Reading threshold texts as people write them: seed 002's rows, variants, and malformed text."""

import random
from decimal import Decimal as D

import pytest
from django.utils import translation

from demo.seed_002 import INDICATORS
from indicators.colour import Bands, Colour, Direction, band_texts, evaluate, problems
from indicators.models import Indicator
from indicators.thresholds import FindingCode, UnitHint, thresholds_read

C = FindingCode
HIGHER, LOWER = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER

# --- Seed 002: every measure row, verbatim (RÖD, GUL, GRÖN, MÅLVÄRDE) -----------------------------

# indicator name in the demo -> (red, yellow, green, target, findings, unit hint, scale maximum)
SEED_ROWS = {
    "Andel verksamheter med handlingsplan för digitalisering": (
        "<100%", "", "100%", "100%", [C.BARE_NUMBER], UnitHint.PERCENT, None),
    "HME-index": (
        "<70", "71-79", "≥80", "HME-index >80", [C.HOLE, C.HOLE], None, None),
    "Total sjukfrånvaro": (
        "≥7,0", "6,1-6,9", "< 6 %", "Total sjukfrånvaro < 6 %",
        [C.HOLE, C.HOLE, C.TARGET_WIDENS_GREEN], UnitHint.PERCENT, None),
    "Nöjdhet i brukarundersökningen": (
        "≤79%", "80-89%", "≥90%", "90% nöjdhet", [C.HOLE, C.HOLE], UnitHint.PERCENT, None),
    "Väntetid försörjningsstöd": (
        ">20", "10-19", "<9", "Antal dagar < 9",
        [C.HOLE, C.HOLE, C.TARGET_WIDENS_GREEN], UnitHint.DAYS, None),
    "Utredningstid barn och unga": (
        ">110", "84-109", "<83", "Antal dagar <83",
        [C.HOLE, C.HOLE, C.TARGET_WIDENS_GREEN], UnitHint.DAYS, None),
    "Nöjdhet med kommunen som en plats att bo och leva på": (
        "≤7,0", "7,1-7,9", "≥8,0", "8,0 (av 10,0)", [C.HOLE, C.HOLE], None, D("10")),
    "Förändring av invånarantalet": (
        "≤0", "1-24", "≥25", "+25 invånare / 1 nov", [C.HOLE, C.HOLE], None, None),
    "Företagsklimat: service och bemötande": (
        "≤3,4", "3,5-3,8", "≥3,9", "4,0 (av 6,0)",
        [C.HOLE, C.HOLE, C.TARGET_BEYOND_GREEN_BOUND], None, D("6")),
    "Budgetavvikelse": (
        "≤-1", "", "≥0", "Enligt teknisk ram", [C.TARGET_WITHOUT_NUMBER, C.HOLE], None, None),
    "Kostnad individ- och familjeomsorg": (
        "5680", "5681-3919", "3920", "< 3920 kronor",
        [C.REVERSED_RANGE, C.DIRECTION_GUESSED, C.BARE_NUMBER, C.BARE_NUMBER, C.OVERLAP,
         C.OVERLAP], UnitHint.KRONOR, None),
    "Kostnad äldreomsorg": (
        "275", "233-274", "232 tkr", "< 232 tkr",
        [C.DIRECTION_GUESSED, C.BARE_NUMBER, C.BARE_NUMBER, C.HOLE, C.HOLE],
        UnitHint.THOUSAND_KRONOR, None),
}  # fmt: skip

# The demo stores "Enligt teknisk ram" (within the budget frame) as a deviation of 0; the text
# itself has no number, so the reader returns none.
TARGETS_WITHOUT_NUMBER = {"Budgetavvikelse"}


def demo_indicator(name: str) -> Indicator:
    """The demo loader's indicator, unsaved: its bands are what the loader stores."""
    fields = next(dict(row) for row in INDICATORS if row["name"] == name)
    fields.pop("goal")
    fields.pop("subgoal", None)  # the loader makes it a sub-goal of the goal
    return Indicator(**fields)


def test_every_seed_row_is_in_the_table():
    assert len(SEED_ROWS) == 12
    assert set(SEED_ROWS) == {row["name"] for row in INDICATORS}


@pytest.mark.parametrize("name", SEED_ROWS)
def test_seed_row_gives_the_demo_bands(name, english):
    red, yellow, green, target, codes, unit, scale = SEED_ROWS[name]
    demo = demo_indicator(name)

    reading = thresholds_read(red=red, yellow=yellow, green=green, target=target)

    assert reading.bands == demo.bands
    assert [finding.code for finding in reading.findings] == codes
    assert not reading.errors
    assert reading.unit_hint == unit
    assert reading.scale_max == scale == demo.scale_max
    if name in TARGETS_WITHOUT_NUMBER:
        assert reading.target is None
    else:
        assert reading.target == demo.target_value
        assert evaluate(reading.target, reading.bands) == Colour.GREEN
    for finding in reading.findings:
        assert finding.message and finding.resolution


def test_hole_goes_to_yellow_and_says_so(english):
    reading = thresholds_read(red="<70", yellow="71-79", green="≥80")
    holes = [f for f in reading.findings if f.code == C.HOLE]
    assert "from 70 to 71" in holes[0].message
    assert "yellow" in holes[0].resolution
    assert evaluate(D("70.5"), reading.bands) == Colour.YELLOW
    assert evaluate(D("70"), reading.bands) == Colour.YELLOW
    assert evaluate(D("69.9"), reading.bands) == Colour.RED


def test_hole_without_yellow_goes_to_red(english):
    reading = thresholds_read(red="≤-1", yellow="", green="≥0")
    assert reading.bands.red_bound is None
    assert "red" in reading.findings[0].resolution
    assert evaluate(D("-0.5"), reading.bands) == Colour.RED


def test_backwards_yellow_range_keeps_red_and_green(english):
    reading = thresholds_read(red="5680", yellow="5681-3919", green="3920", target="< 3920 kr")
    reversed_range = reading.findings[0]
    assert reversed_range.code == C.REVERSED_RANGE
    assert "high to low" in reversed_range.message
    colours = {value: evaluate(D(value), reading.bands) for value in ("3920", "4800", "5680")}
    assert colours == {"3920": Colour.GREEN, "4800": Colour.YELLOW, "5680": Colour.RED}


def test_bare_numbers_take_their_direction_from_which_side_they_lie(english):
    reading = thresholds_read(red="275", yellow="233-274", green="232 tkr")
    assert reading.bands.direction == LOWER
    guessed = reading.findings[0]
    assert guessed.code == C.DIRECTION_GUESSED
    assert "lower is better" in guessed.resolution
    higher = thresholds_read(red="10", yellow="11-19", green="20")
    assert higher.bands.direction == HIGHER


def test_direction_from_the_target_when_only_green_is_a_bare_number(english):
    reading = thresholds_read(red="", yellow="", green="100", target="< 100")
    assert reading.bands == Bands(LOWER, D("100"), True)
    assert [f.code for f in reading.findings] == [C.DIRECTION_GUESSED, C.BARE_NUMBER]


def test_target_in_the_hole_widens_green_without_recolouring_written_values():
    reading = thresholds_read(red=">20", yellow="10-19", green="<9", target="< 9")
    assert reading.bands.green_bound == D("9") and reading.bands.green_inclusive
    for value, colour in (("8", Colour.GREEN), ("10", Colour.YELLOW), ("19", Colour.YELLOW),
                          ("21", Colour.RED)):  # fmt: skip
        assert evaluate(D(value), reading.bands) == colour


def test_target_equal_to_the_green_band_stores_no_target(english):
    reading = thresholds_read(red="<70", yellow="70-80", green=">80", target=">80")
    assert reading.bands == Bands(HIGHER, D("80"), False, D("70"), False)
    assert reading.target is None
    assert reading.findings[-1].code == C.TARGET_IS_GREEN_BAND


@pytest.mark.parametrize(
    ("red", "yellow", "green", "expected"),
    [
        # decimal point, unicode minus, >= and =>, spaces anywhere, units
        ("≥ 7.0", "6.1 - 6.9", "< 6", Bands(LOWER, D("6"), False, D("7"), True)),
        ("≤ −1", "", "≥ 0", Bands(HIGHER, D("0"), True)),
        ("<70", "70–79", ">=80", Bands(HIGHER, D("80"), True, D("70"), False)),
        ("<70", "70-79", "=>80", Bands(HIGHER, D("80"), True, D("70"), False)),
        ("=<3,4", "3,5-3,8", "> = 3,9".replace(" ", ""), Bands(HIGHER, D("3.9"), True, D("3.4"))),
        ("> 20 dagar", "10 - 19 dagar", "< 9 dagar", Bands(LOWER, D("9"), False, D("20"), False)),
        ("< 6 %", "", "≥ 6 %", Bands(HIGHER, D("6"), True)),
        ("1 000 kr", "", "500 kr", Bands(LOWER, D("500"), True)),
        (
            "<\u00a070",
            "71\u2009-\u200979",
            "≥\u202f80",
            Bands(HIGHER, D("80"), True, D("70"), False),
        ),
        ("-5--1", "0-4", "5-10", Bands(HIGHER, D("5"), True, D("-1"), True)),
        ("", "71-79", "≥80", Bands(HIGHER, D("80"), True, D("71"), False)),
        # yellow written with its own sides, as Styrkort writes it (`band_texts`)
        ("< 70", "≥ 70 och < 80", "≥ 80", Bands(HIGHER, D("80"), True, D("70"), False)),
        ("≤ 70", "> 70 og ≤ 80", "> 80", Bands(HIGHER, D("80"), False, D("70"), True)),
        ("≥ 7,0", "≥ 6,0 and < 7,0", "< 6,0", Bands(LOWER, D("6"), False, D("7"), True)),
        ("≥7", "≥6–<7", "<6", Bands(LOWER, D("6"), False, D("7"), True)),
        ("<70", "<80 och ≥70", "≥80", Bands(HIGHER, D("80"), True, D("70"), False)),
        ("< 70 %", "≥ 70 % och < 80 %", "≥ 80 %", Bands(HIGHER, D("80"), True, D("70"), False)),
    ],
)
def test_variants_of_writing(red, yellow, green, expected):
    reading = thresholds_read(red=red, yellow=yellow, green=green)
    assert not reading.errors, reading.findings
    assert reading.bands == expected


@pytest.mark.parametrize("language", ["sv", "nb", "nn", "en"])
@pytest.mark.parametrize("direction", [HIGHER, LOWER])
@pytest.mark.parametrize("sides", [(True, True), (True, False), (False, True), (False, False)])
@pytest.mark.parametrize("three", [True, False])
def test_band_texts_read_back_to_the_same_bands(language, direction, sides, three):
    """What Styrkort writes (`band_texts`, in any language) is read back unchanged, with
    nothing to note: an exported file re-imports as it was."""
    green_inclusive, red_inclusive = sides
    red = (D("70") if direction == HIGHER else D("90")) if three else None
    bands = Bands(direction, D("80"), green_inclusive, red, red_inclusive if three else True)
    with translation.override(language):
        texts = band_texts(bands, decimals=1)
    reading = thresholds_read(
        red=texts.get(Colour.RED, ""),
        yellow=texts.get(Colour.YELLOW, ""),
        green=texts[Colour.GREEN],
    )
    assert reading.bands == bands
    assert reading.findings == ()


@pytest.mark.parametrize("yellow", ["≥ 80 och < 70", "≥ 70 och ≥ 75", "> 70 och < 70", "<70-<80"])
def test_yellow_with_sides_that_hold_no_value_is_refused(yellow, english):
    reading = thresholds_read(red="< 70", yellow=yellow, green="≥ 80")
    assert reading.bands is None
    assert reading.errors[0].code == C.UNREADABLE


def test_unit_hints():
    assert thresholds_read(red="", yellow="", green="≥80 %").unit_hint == UnitHint.PERCENT
    assert (
        thresholds_read(red="", yellow="", green="≤232 tkr").unit_hint == UnitHint.THOUSAND_KRONOR
    )
    assert (
        thresholds_read(red="", yellow="", green="≤9", target="9 dagar").unit_hint == UnitHint.DAYS
    )
    assert thresholds_read(red="", yellow="", green="≤9").unit_hint is None


def test_different_units_are_noted_and_the_targets_is_suggested():
    reading = thresholds_read(red="", yellow="", green="≤232 tkr", target="< 232 000 kronor")
    assert reading.unit_hint == UnitHint.KRONOR
    assert C.UNIT_CONFLICT in [finding.code for finding in reading.findings]
    assert reading.target == D("232000")


def test_messages_are_translated():
    from django.utils import translation

    with translation.override("en"):
        english = thresholds_read(red="7O", yellow="", green="≥80").errors[0].message
    assert english == 'Red: "7O" is not a threshold.'


# --- Contradictions a person must decide ----------------------------------------------------------

CONTRADICTIONS = [
    # (red, yellow, green, target, code)
    (">90", "", "≥80", "", C.CONTRADICTION),  # both say "higher is worse and better"
    ("≤85", "", "≥80", "", C.CONTRADICTION),  # red and green overlap
    ("<70", "60-65", "≥80", "", C.CONTRADICTION),  # yellow inside red
    ("<70", "90-95", "≥80", "", C.CONTRADICTION),  # yellow inside green
    ("<80", "75-85", "≥80", "", C.CONTRADICTION),  # no room for yellow
    ("", "", "80", "", C.NO_DIRECTION),
    ("<70", "71-79", "", "", C.NO_GREEN),
    ("", "", "", "", C.NO_BANDS),
    ("", "", "", "90%", C.NO_BANDS),
    ("<70", "71-79", "≥80", "75", C.TARGET_CONTRADICTS),  # target in yellow
    ("<70", "71-79", "≥80", "60", C.TARGET_CONTRADICTS),  # target in red
    ("<70", "71-79", "≥80", "< 80", C.TARGET_CONTRADICTS),  # target says lower is better
    ("", "", "≥80", "75", C.TARGET_CONTRADICTS),  # no written band next to green
    ("<70", "", "<80", "", C.CONTRADICTION),  # operators disagree
]


@pytest.mark.parametrize(("red", "yellow", "green", "target", "code"), CONTRADICTIONS)
def test_contradictions_ask_a_person_to_decide(red, yellow, green, target, code, english):
    reading = thresholds_read(red=red, yellow=yellow, green=green, target=target)
    assert reading.bands is None
    assert [finding.code for finding in reading.errors] == [code]
    assert reading.errors[0].message and reading.errors[0].resolution
    assert "Decide" in reading.errors[0].resolution or "Write" in reading.errors[0].resolution


def test_target_in_yellow_names_the_colour(english):
    reading = thresholds_read(red="<70", yellow="71-79", green="≥80", target="75")
    assert reading.errors[0].message == "The target 75 is not green: by the bands it is yellow."
    assert reading.target == D("75")


# --- Malformed text: a clear error, never an exception --------------------------------------------

MALFORMED = [
    "abc",
    "<",
    "70-",
    "7O",
    "--5",
    "1,2,3",
    "<70 >80",
    ">=",
    "5-5",
    "Medarbetarundersökning",  # text in the number column
    "ca 80",
    "80?",
    "≥≥80",
    "<>80",
    "80<",
    "%80",
    "80%%",
    "1.2.3",
    ",5",
    "5.",
    "1e3",
    "∞",
    "NaN",
    "ja",
    "+-5",
    "70 till 79",
    "0x50",
    "<70-80",
    "70-79-89",
    "12345678901234567",  # more digits than a value holds
    "1,23456",  # more decimals than a value holds
    "80 poäng",
    "80%-89 tkr",
    "- 5 - 3 -",
]


def test_the_malformed_corpus_is_large_enough():
    assert len(set(MALFORMED)) >= 25


@pytest.mark.parametrize("column", ["red", "yellow", "green"])
@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_text_gives_a_clear_error(text, column, english):
    texts = {"red": "<70", "yellow": "71-79", "green": "≥80", column: text}

    reading = thresholds_read(**texts, target="80")

    assert reading.bands is None
    assert len(reading.errors) == 1
    error = reading.errors[0]
    assert error.code in {C.UNREADABLE, C.EMPTY_RANGE, C.YELLOW_NOT_A_RANGE}
    assert text.strip() in error.message
    assert column.capitalize() in error.message
    assert error.resolution


def test_malformed_target_is_not_an_error(english):
    reading = thresholds_read(red="<70", yellow="71-79", green="≥80", target="Enligt plan")
    assert reading.bands is not None
    assert reading.target is None
    assert [f.code for f in reading.findings] == [C.TARGET_WITHOUT_NUMBER, C.HOLE, C.HOLE]


NUMBERS = ["0", "5", "6,1", "7.5", "−1", "10", "80", "100"]


def random_cell(rng: random.Random) -> str:
    """A band text as people might write it, often odd, sometimes garbage."""
    number, other = rng.choice(NUMBERS), rng.choice(NUMBERS)
    shapes = [
        "",
        rng.choice(["<", "≤", ">", "≥", ">=", "=<"]) + rng.choice(["", " "]) + number,
        number + rng.choice(["-", "–", " - "]) + other,
        number + rng.choice(["", " %", " tkr", "kr"]),
        "".join(rng.choices([*"0123456789,.-<>=≤≥% ", "tkr", "x"], k=rng.randint(1, 6))),
    ]
    return rng.choice(shapes)


def test_any_text_gives_bands_the_model_accepts_or_an_error():
    rng = random.Random(20230101)
    outcomes = set()
    for _attempt in range(4000):
        texts = [random_cell(rng) for _column in range(3)]
        target = rng.choice(["", "Enligt plan", "{} (av 10)", "{}", "< {}", ">{} %"])
        target = target.format(rng.choice(NUMBERS))
        reading = thresholds_read(red=texts[0], yellow=texts[1], green=texts[2], target=target)
        if reading.bands is None:
            assert reading.errors, texts
        else:
            assert not reading.errors, texts
            assert problems(reading.bands, reading.target) == {}, (texts, target)
        outcomes |= {finding.code for finding in reading.findings}
        outcomes.add(reading.bands is not None)
    assert outcomes >= {True, False, *C}, set(C) - outcomes
