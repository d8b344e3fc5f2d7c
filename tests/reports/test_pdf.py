"""The PDF of the seed 002 demo's T1 and year-end reports, read back and checked for content
and structure (tagged PDF/UA-1, language, title, figures with alt texts, table headers)."""

import io
import itertools
import logging
import re
import subprocess
from decimal import Decimal

import pikepdf
import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from goals.models import Activity, ActivityStatus, Goal
from indicators.colour import Colour, format_value
from indicators.models import Indicator, Measurement
from reports.pdf import report_html, report_pdf
from reports.selectors import follow_up_report, report_title
from tests.reports.conftest import demo_period, page_texts, pdf_text, squash

# PostgreSQL only in bin/test: what is checked is rendered output, not storage.
pytestmark = pytest.mark.rendering


@pytest.fixture
def demo(demo_of_the_module):
    """The demo, loaded once for this module's tests."""
    return demo_of_the_module


# --- content: everything of the demo's T1 and year-end reports ------------------------------------


def render(plan, kind: str) -> bytes:
    return report_pdf(follow_up_report(plan, demo_period(kind))).content


@pytest.fixture
def t1_pdf(demo, weasyprint_log):
    content = render(demo, "T1")
    assert weasyprint_log() == [], [r.getMessage() for r in weasyprint_log()]
    return content


@pytest.fixture
def year_end_pdf(demo, weasyprint_log):
    content = render(demo, "T3")
    assert weasyprint_log() == [], [r.getMessage() for r in weasyprint_log()]
    return content


def expected_value(indicator: Indicator, measurement: Measurement | None) -> str:
    if measurement is None or measurement.value is None:
        return "–"
    return format_value(measurement.value, indicator.decimals)


def test_t1_pdf_has_every_goal_indicator_value_colour_and_activity(demo, t1_pdf):
    text = pdf_text(t1_pdf)
    t1 = demo_period("T1")
    for goal in Goal.objects.filter(plan=demo):
        assert f"{goal.number}. {goal.title}" in text
    for indicator in Indicator.objects.filter(goal__plan=demo):
        measurement = Measurement.objects.filter(indicator=indicator, period=t1).first()
        value = measurement.value if measurement else None
        assert squash(indicator.name) in text
        assert squash(expected_value(indicator, measurement)) in text, indicator.name
        assert indicator.colour_of(value).label in text
    evaluated = [a for a in Activity.objects.filter(goal__plan=demo) if a.is_evaluated_in(t1)]
    assert len(evaluated) == 8
    for activity in evaluated:
        status = ActivityStatus.objects.get(activity=activity, period=t1)
        assert squash(activity.title) in text
        assert str(status.get_status_display()) in text
        assert squash(status.comment) in text
    # Activities evaluated only at year-end are not in T1.
    assert "Vi deltar i den årliga medarbetarenkäten" not in text


def test_t1_pdf_shows_the_seed_figures_with_colours_as_words(t1_pdf):
    text = pdf_text(t1_pdf)
    # Sick leave 7,8 % is red against "≥ 7,0"; waiting days 12 yellow; budget +150 green.
    assert "7,8 %" in text
    assert "≥ 7,0" in text
    for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED, Colour.NO_VALUE):
        assert colour.label in text
    assert "Hög korttidssjukfrånvaro under januari–mars" in text
    source = _("Source: %(source)s") % {"source": "Previa Sjuk och Frisk, januari–april 2023"}
    assert squash(source) in text


def test_kolada_values_are_credited_in_koladas_words(demo, weasyprint_log):
    indicator = Indicator.objects.get(goal__plan=demo, name="Total sjukfrånvaro")
    Measurement.objects.filter(indicator=indicator, period=demo_period("T1")).update(
        origin="kolada", source=""
    )
    with translation.override("en"):
        text = pdf_text(render(demo, "T1"))
    assert "Total sjukfrånvaro" in text and "Källa: Kolada" in text
    assert text.count("Källa: Kolada") == 1
    assert weasyprint_log() == []


def test_year_end_pdf_covers_every_activity_and_the_years_values(demo, year_end_pdf):
    text = pdf_text(year_end_pdf)
    t2 = demo_period("T2")
    for activity in Activity.objects.filter(goal__plan=demo):
        assert squash(activity.title) in text, activity.title
    # No T3 values were entered: the latest earlier value is shown, marked with its period.
    for measurement in Measurement.objects.filter(indicator__goal__plan=demo, period=t2):
        indicator = measurement.indicator
        assert squash(expected_value(indicator, measurement)) in text, indicator.name
        assert indicator.colour_of(measurement.value).label in text
    assert _("from %(period)s") % {"period": "T2 2023"} in text
    assert squash(report_title(demo.name, demo_period("T3"))) in text


def test_year_end_value_from_t2_compares_with_t1(year_end_pdf):
    text = pdf_text(year_end_pdf)
    # Sick leave: no T3 value, so T2's 6,4 % is carried, compared with T1's 7,8 %: better.
    assert "6,4 % från T2 2023" in text
    assert f"T1 2023: 7,8 % ▼ {_('Better')}" in text


def test_interim_pdf_marks_a_value_carried_from_an_earlier_period(demo, weasyprint_log):
    """T2 without its own waiting-days value shows T1's 12 days, marked, with T1's colour."""
    indicator = Indicator.objects.get(goal__plan=demo, name="Väntetid försörjningsstöd")
    Measurement.objects.filter(indicator=indicator, period=demo_period("T2")).delete()
    text = pdf_text(render(demo, "T2"))
    assert "12 dagar från T1 2023" in text
    assert weasyprint_log() == []


# --- layout: A4, cover, contents with page numbers, running header, page x of y -------------------


def test_pdf_is_a4_with_cover_contents_and_page_x_of_y(t1_pdf):
    pdf = pikepdf.Pdf.open(io.BytesIO(t1_pdf))
    pages = len(pdf.pages)
    assert pages >= 8
    for page in pdf.pages:
        width, height = (float(v) for v in page.mediabox[2:])
        assert (round(width), round(height)) == (595, 842)
    texts = page_texts(t1_pdf)
    assert len(texts) == pages
    cover = texts[0]
    for fact in ("Sorsele kommun", "Kommunstyrelsen 2022-11-29 § 190", "2022/455-012"):
        assert fact in cover
    assert "Tertial 1 2023 (2023-01-01 – 2023-04-30)" in cover
    assert squash(report_title("Verksamhetsplan Omsorg 2023", demo_period("T1"))) in cover

    # The cover has no page number; every other page says "page x of y" in the report's words.
    def page_of(number: int) -> str:
        return _("Page %(page)s of %(pages)s") % {"page": number, "pages": pages}

    assert page_of(1) not in cover
    for number, text in enumerate(texts[1:], start=2):
        assert text.endswith(page_of(number)), text[-60:]
    assert texts[1].endswith(f"Sida 2 av {pages}")  # Swedish, not "Sida 2 of"


def test_summary_comes_first_on_one_page_then_the_contents(demo, t1_pdf):
    texts = page_texts(t1_pdf)
    summary, contents = texts[1], texts[2]
    assert summary.startswith(_("Summary"))
    # The roll-up counts, the red indicators and the overdue activities, on this one page.
    assert "12 indikatorer: " in summary and "Genomförda aktiviteter: " in summary
    assert "6 mål: 6 inte bedömt." in summary
    assert "Total sjukfrånvaro 7,8 % Röd" in summary
    assert _("Indicators by colour, activities done and assessment, per goal") in summary
    assert contents.startswith(_("Contents"))
    assert not texts[3].startswith(_("Summary"))


def test_contents_give_the_page_each_goal_starts_on(demo, t1_pdf):
    texts = page_texts(t1_pdf)
    contents = next(text for text in texts if text.startswith(_("Contents")))
    for goal in Goal.objects.filter(plan=demo).order_by("number"):
        heading = f"{goal.number}. {goal.title}"
        start = next(i for i, t in enumerate(texts) if t.startswith(heading))
        # The contents line ends with the page number (1-based).
        after = contents.split(heading, 1)[1].lstrip(" .")
        assert after.startswith(str(start + 1)), (heading, after[:20])


def test_running_header_names_the_report_and_the_goal(demo, t1_pdf):
    title = squash(report_title(demo.name, demo_period("T1")))
    for goal in Goal.objects.filter(plan=demo):
        heading = squash(f"{goal.number}. {goal.title}")
        page = next(t for t in page_texts(t1_pdf) if t.startswith(heading))
        # The margins are drawn after the page's content: title, goal, organisation, page.
        header = page.rsplit(title, 1)[1]
        assert header.startswith(f" {heading} Sorsele kommun"), header[:120]


def test_fonts_are_embedded_and_swedish_characters_survive(t1_pdf):
    fonts = subprocess.run(
        ["pdffonts", "-"], input=t1_pdf, capture_output=True, check=True
    ).stdout.decode()
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        # columns: name type... emb sub uni; the emb column is the third from the end.
        assert row[-5] == "yes", row
    text = pdf_text(t1_pdf)
    for word in ("Nöjda", "Ökad kvalitet", "Öka invånarantalet", "Särskilt boende", "Grön", "Röd"):
        assert word in text


# --- structure: tagged PDF/UA-1 -----------------------------------------------------------------


def _struct_elements(pdf: pikepdf.Pdf):
    root = pdf.Root.StructTreeRoot
    stack = [root.K] if isinstance(root.K, pikepdf.Dictionary) else list(root.K)
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        yield node
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)


def test_pdf_is_tagged_with_language_title_and_ua_identification(t1_pdf):
    pdf = pikepdf.Pdf.open(io.BytesIO(t1_pdf))
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "sv"
    title = report_title("Verksamhetsplan Omsorg 2023", demo_period("T1"))
    assert str(pdf.docinfo.Title) == title
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
        assert meta.get("dc:title") == title


def test_every_figure_has_alt_text_naming_values_and_colours(demo, t1_pdf):
    pdf = pikepdf.Pdf.open(io.BytesIO(t1_pdf))
    figures = [e for e in _struct_elements(pdf) if e.get("/S") == "/Figure"]
    # A chart for each indicator with a measured value; one line for each without.
    report = follow_up_report(demo, demo_period("T1"))
    rows = [row for goal in report.goals for row in goal.indicators]
    without = [row for row in rows if row.chart_missing_text]
    assert len(rows) == 12 and without
    assert len(figures) == len(rows) - len(without)
    text = pdf_text(t1_pdf)
    for row in without:
        assert not any(point.value is not None for point in row.history)
        assert squash(row.chart_missing_text) in text
    alts = [str(figure.get("/Alt", "")) for figure in figures]
    assert all(alts), alts
    sick_leave = next(alt for alt in alts if "Total sjukfrånvaro" in alt)
    assert "7,8" in sick_leave and Colour.RED.label in sick_leave


def test_tables_have_marked_header_cells(t1_pdf):
    pdf = pikepdf.Pdf.open(io.BytesIO(t1_pdf))
    elements = list(_struct_elements(pdf))
    kinds = {str(e.get("/S")) for e in elements}
    assert {"/Table", "/TH", "/TD", "/TR", "/H1", "/H2", "/H3"} <= kinds
    cells = [e for e in elements if e.get("/S") == "/TD"]
    assert cells and all(len(cell.A.Headers) >= 1 for cell in cells)


def test_headings_go_down_one_level_at_a_time(demo):
    html = report_html([follow_up_report(demo, demo_period("T1"))], title="x")
    levels = [int(tag[2]) for tag in re.findall(r"<h[1-6]\b", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_weasyprint_logs_nothing_for_the_demo_reports(demo, caplog):
    caplog.set_level(logging.DEBUG, logger="weasyprint")
    for kind in ("T1", "T2", "T3"):
        render(demo, kind)
    problems = [
        r for r in caplog.records if r.name == "weasyprint" and r.levelno >= logging.WARNING
    ]
    assert problems == []


def test_greyscale_markers_differ_by_shape_not_only_colour(demo):
    from reports.charts import indicator_chart

    report = follow_up_report(demo, demo_period("T2"))
    rows = [row for goal in report.goals for row in goal.indicators]
    svg = "".join(indicator_chart(row, f"t-{row.pk}") for row in rows)
    assert "<circle" in svg and "<polygon" in svg and "<rect" in svg  # green, yellow, red
    assert "-hatch)" in svg and "-dots)" in svg  # red and yellow bands have patterns


def test_value_with_many_decimals_is_not_rounded_away(demo):
    indicator = Indicator.objects.get(goal__plan=demo, name="Total sjukfrånvaro")
    Measurement.objects.filter(indicator=indicator, period=demo_period("T1")).update(
        value=Decimal("6.05")
    )
    text = pdf_text(render(demo, "T1"))
    assert "6,05 %" in text


# --- words and columns: hyphenated in the report's language, nothing over a column's edge ------


def _overflowing_text(document) -> list[str]:
    """Text that reaches past the right edge of its table cell, in a laid-out document."""
    from weasyprint.formatting_structure import boxes

    found = []

    def walk(box, cell=None):
        if isinstance(box, boxes.TableCellBox):
            cell = box
        if isinstance(box, boxes.TextBox) and cell is not None:
            right = cell.content_box_x() + cell.width
            if box.position_x + box.width > right + 0.5:
                found.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child, cell)

    for page in document.pages:
        walk(page._page_box)
    return found


def _layout(report):
    from weasyprint import HTML

    from reports.pdf import PDF_OPTIONS, STATIC_BASE, StaticOnlyFetcher, report_html, stylesheets

    fetcher = StaticOnlyFetcher()
    html = report_html([report], title=report.title)
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).render(
        stylesheets=stylesheets(fetcher), **PDF_OPTIONS
    )


@pytest.mark.parametrize(("language", "words"), [
    ("sv", ["Verksamhetschef", "Genomförda aktiviteter"]),
    ("en", ["Yellow", "Year-end report"]),
    ("nb", ["Virksomhetsplan"]),
])  # fmt: skip
def test_words_are_hyphenated_in_the_reports_language_never_broken(demo, language, words):
    with translation.override(language):
        content = render(demo, "T3")
    text = pdf_text(content)  # a hyphenated word is joined again; a broken one is not
    for word in words:
        assert word in text, word
    assert re.search(r"\w\u2010\s", _pdftotext_raw(content))  # hyphenation did happen


def _pdftotext_raw(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True
    ).stdout.decode()


def test_a_long_unit_and_long_words_stay_in_their_columns(demo):
    """A unit written as a long phrase wraps in the value column instead of running over the
    colour and trend columns; no text of any table reaches past its cell."""
    indicator = Indicator.objects.get(goal__plan=demo, name="Total sjukfrånvaro")
    Indicator.objects.filter(pk=indicator.pk).update(
        unit="other", unit_label="sjukfrånvarodagar per anställd och kalenderhalvår"
    )
    report = follow_up_report(demo, demo_period("T2"))
    assert _overflowing_text(_layout(report)) == []
    text = pdf_text(report_pdf(report).content)
    assert "6,4 sjukfrånvarodagar per anställd och kalenderhalvår" in text
