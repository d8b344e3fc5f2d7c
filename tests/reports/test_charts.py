"""The history charts: inline SVG with alt text, bands as shaded regions, readable in greyscale."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.colour import Bands, Colour, Direction, evaluate
from reports.charts import alt_text, indicator_chart, nice_step
from reports.selectors import Change, Comparison, HistoryPoint, IndicatorRow

SVG = "{http://www.w3.org/2000/svg}"
NO_COMPARISON = Comparison("", None, "–", Change.NONE, "No comparison", "")


def row(history, *, name="Sjukfrånvaro", direction=Direction.LOWER_IS_BETTER, red=Decimal("7")):
    bands = Bands(direction, Decimal("6"), True, red, True)
    texts = {Colour.GREEN: "≤ 6", Colour.YELLOW: "> 6 och < 7", Colour.RED: "≥ 7"}
    if red is None:
        del texts[Colour.YELLOW]
    return IndicatorRow(
        pk=7, name=name, subgoal="", definition="", unit_text="%", decimals=1, target_text="",
        value=None, value_text="–", value_period_label="", colour=Colour.NO_VALUE,
        colour_label="", band_text="", bands=tuple(texts.items()), band_spec=bands,
        scale_max=None, previous=NO_COMPARISON, last_year=NO_COMPARISON, source="",
        source_text="", comment="",
        history=tuple(
            HistoryPoint(label, value, _colour(value, bands)) for label, value in history
        ),
    )  # fmt: skip


def _colour(value, bands):
    return evaluate(value, bands)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_chart_is_an_svg_image_with_its_title_as_alt_text():
    svg = parse(
        indicator_chart(row([("T1 2023", Decimal("7.8")), ("T2 2023", Decimal("6.4"))]), "c")
    )
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert svg[0] is title and svg.get("aria-labelledby") == title.get("id") == "c-title"
    assert "T1 2023: 7,8 (Röd)" in title.text and "T2 2023: 6,4 (Gul)" in title.text
    assert "Grön ≤ 6" in title.text


def test_bands_are_shaded_with_patterns_and_labelled_in_words():
    svg = indicator_chart(row([("T1 2023", Decimal("6.4"))]), "c")
    assert 'fill="url(#c-hatch)"' in svg and 'fill="url(#c-dots)"' in svg
    labels = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert {"Grön ≤ 6", "Gul > 6 och < 7", "Röd ≥ 7"} <= set(labels)


def test_value_labels_stand_clear_of_their_points_and_inside_the_chart():
    """A value's label is above its point, or below it where above would leave the plot (the
    highest value), on a white ground; it never covers the point's marker."""
    from reports.charts import HEIGHT, TOP

    history = [("T1", Decimal("7.8")), ("T2", Decimal("6.4")), ("T3", Decimal("5.1"))]
    svg = parse(indicator_chart(row(history), "c"))
    markers = [(float(e.get("y")) + 4.5) for e in svg.iter(f"{SVG}rect") if e.get("width") == "9"]
    markers += [float(e.get("cy")) for e in svg.iter(f"{SVG}circle") if e.get("r") == "5"]
    markers += [float(e.get("points").split()[1].split(",")[1]) for e in svg.iter(f"{SVG}polygon")]
    values = {"7,8", "6,4", "5,1"}
    labels = [float(t.get("y")) for t in svg.iter(f"{SVG}text") if t.text in values]
    assert len(labels) == 3 == len(markers)
    for baseline in labels:
        assert baseline - 10 >= TOP and baseline <= HEIGHT
        # The label's text (10 px high, its baseline at `baseline`) misses every marker (±6).
        assert all(baseline < y - 6 or baseline - 10 > y + 6 for y in markers)


def test_two_band_indicator_draws_no_yellow():
    svg = indicator_chart(row([("T1 2023", Decimal("5"))], red=None), "c")
    assert "url(#c-dots)" not in svg and "url(#c-hatch)" in svg


def test_points_have_a_shape_per_colour_and_a_gap_for_missing_values():
    history = [("T1", Decimal("5")), ("T2", Decimal("6.5")), ("T3", None), ("T4", Decimal("8"))]
    svg = parse(indicator_chart(row(history), "c"))
    assert len(list(svg.iter(f"{SVG}circle"))) >= 1  # green
    assert len(list(svg.iter(f"{SVG}polygon"))) == 1  # yellow
    lines = list(svg.iter(f"{SVG}polyline"))
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2  # T1-T2, then a gap


def test_chart_without_values_says_so():
    svg = indicator_chart(row([]), "c")
    assert _("No measured values yet") in svg
    assert alt_text(row([])).startswith(
        _("History of %(name)s: no measured values yet. Bands: %(bands)s.").split("%")[0]
    )
    assert "polyline" not in svg


def test_user_text_in_the_chart_is_escaped():
    svg = indicator_chart(row([("T1", Decimal("5"))], name='<script>alert("x")</script>'), "c")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    parse(svg)  # still well-formed


def test_ids_stay_unique_and_safe():
    svg = indicator_chart(row([]), 'x" onload="alert(1)')
    assert 'id="xonloadalert1-title"' in svg
    assert 'onload="' not in svg


def test_nice_steps():
    assert nice_step(10) == 2.5
    assert nice_step(4) == 1
    assert nice_step(2000) == 500
    assert nice_step(0.3) == 0.1


def test_a_band_that_ends_at_zero_stays_visible():
    # Population change: green from 25, red at 0 or below; no values yet.
    svg = indicator_chart(row([], direction=Direction.HIGHER_IS_BETTER, red=Decimal("0")), "c")
    assert 'fill="url(#c-hatch)"' in svg  # the red band below 0 is drawn
