"""The PDF's structure read back with pikepdf, as a PDF/UA-1 validator would check it.

- every table header cell (TH) has its /Scope: Column in a table head, Row elsewhere;
- the contents are a TOC of TOCI items, each a Reference holding its link;
- a chart's caption is inside its Figure (figure and figcaption in one Figure element), and
  every Figure has its alternative text;
- nothing is drawn outside the structure tree: every piece of content is marked either as an
  artifact or with a marked-content id whose element is in the tree (the page margins are
  artifacts);
- the reading order (the structure tree's) is the order in which the page is laid out;
- the catalog says the document's language (/Lang).

WeasyPrint 70 gets most of this right; what it cannot do by markup and CSS,
`reports.pdf_structure` adds. The checks are run on WeasyPrint's own output too, to show that
each of them finds what is missing there.
"""

import io
import itertools
from collections.abc import Iterator

import pikepdf
import pytest
from django.utils import translation
from pikepdf import Array, Dictionary, Name

from goals.models import Goal
from planning.models import Plan
from reports import pdf as pdf_module
from reports.pdf import report_pdf
from reports.selectors import follow_up_report
from tests.reports.conftest import demo_period

# PostgreSQL only in bin/test: what is checked is rendered output, not storage.
pytestmark = pytest.mark.rendering


@pytest.fixture
def demo(demo_of_the_module):
    """The demo, loaded once for this module's tests."""
    return demo_of_the_module


PAINTING = {"Tj", "TJ", "'", '"', "Do", "BI", "INLINE IMAGE", "f", "F", "f*", "B", "B*", "b",
            "b*", "S", "s", "sh"}  # fmt: skip


# --- Reading the structure tree back ----------------------------------------------------------


def _kids(element) -> list:
    found = element.get(Name.K)
    if found is None:
        return []
    return list(found) if isinstance(found, Array) else [found]


def kind_of(element) -> Name:
    return element.S


def _is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and Name.S in kid


def _is_mcid(kid) -> bool:
    return isinstance(kid, int) or (
        isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer
    )


def _is_null(value) -> bool:
    return value is None or (
        isinstance(value, pikepdf.Object) and value._type_code == pikepdf.ObjectType.null
    )


class Tree:
    """A PDF's structure tree: its elements with their parents, and the content they hold."""

    def __init__(self, content: bytes):
        self.pdf = pikepdf.Pdf.open(io.BytesIO(content))
        self.root = self.pdf.Root.StructTreeRoot
        self.pages = {page.obj.objgen: index for index, page in enumerate(self.pdf.pages)}
        self.parent: dict[tuple, Dictionary | None] = {}
        self.elements: list[Dictionary] = []
        # Per page, the marked-content ids in the tree's order, with the path of types above.
        self.order: dict[int, list[tuple[int, tuple[str, ...]]]] = {}
        for kid in _kids(self.root):
            if _is_element(kid):
                self._walk(kid, None, None, ())

    def _walk(self, element, parent, page, path) -> None:
        self.elements.append(element)
        self.parent[element.objgen] = parent
        if Name.Pg in element:
            page = self.pages[element.Pg.objgen]
        path = (*path, str(kind_of(element)))
        for kid in _kids(element):
            if _is_element(kid):
                self._walk(kid, element, page, path)
            elif _is_mcid(kid):
                self.order.setdefault(page, []).append((int(kid), path))

    def of_type(self, kind: str) -> list[Dictionary]:
        return [element for element in self.elements if kind_of(element) == Name(kind)]

    def ancestors(self, element) -> Iterator[Dictionary]:
        node = self.parent.get(element.objgen)
        while node is not None:
            yield node
            node = self.parent.get(node.objgen)

    def descendants(self, element) -> Iterator[Dictionary]:
        for kid in _kids(element):
            if _is_element(kid):
                yield kid
                yield from self.descendants(kid)


# --- The checks: each gives what it found wrong -------------------------------------------------


def header_scopes(tree: Tree) -> list[str]:
    problems = []
    for cell in tree.of_type("/TH"):
        attributes = cell.get(Name.A)
        scope = attributes.get(Name.Scope) if isinstance(attributes, Dictionary) else None
        in_head = any(kind_of(node) == Name.THead for node in tree.ancestors(cell))
        expected = Name.Column if in_head else Name.Row
        if scope != expected:
            problems.append(f"TH with /Scope {scope}, expected {expected}")
    return problems


def contents(tree: Tree, entries: int) -> list[str]:
    tocs = [
        toc
        for toc in tree.of_type("/TOC")
        if not any(kind_of(node) == Name.TOC for node in tree.ancestors(toc))
    ]
    if len(tocs) != 1:
        return [f"{len(tocs)} tables of contents"]
    items = [item for item in tree.descendants(tocs[0]) if kind_of(item) == Name.TOCI]
    problems = [] if len(items) == entries else [f"{len(items)} TOCI for {entries} entries"]
    for item in items:
        # A Reference holding the entry's link, then the entries below it (a TOC) if any.
        kinds = [kind_of(kid) for kid in _kids(item) if _is_element(kid)]
        references = [
            kid for kid in _kids(item) if _is_element(kid) and kind_of(kid) == Name.Reference
        ]
        if kinds not in ([Name.Reference], [Name.Reference, Name.TOC]) or not any(
            kind_of(node) == Name.Link for node in tree.descendants(references[0])
        ):
            problems.append(f"a TOCI of {kinds}, not a Reference holding a link")
    return problems


def figures(tree: Tree, charts: int) -> list[str]:
    problems = []
    found = tree.of_type("/Figure")
    if len(found) != charts:
        problems.append(f"{len(found)} figures for {charts} charts")
    for figure in found:
        if not str(figure.get(Name.Alt, "")):
            problems.append("a Figure without /Alt")
        inside = [kid for kid in _kids(figure) if _is_element(kid)]
        captions = [kid for kid in inside if kind_of(kid) == Name.Caption]
        if len(captions) != 1:
            problems.append("a Figure without its Caption inside")
    for caption in tree.of_type("/Caption"):
        if kind_of(tree.parent[caption.objgen]) not in (Name.Figure, Name.Table):
            problems.append(f"a Caption in {kind_of(tree.parent[caption.objgen])}")
    return problems


def untagged_content(tree: Tree) -> list[str]:
    """Content drawn neither as an artifact nor as marked content of an element in the tree."""
    in_tree = {element.objgen for element in tree.elements}
    nums = tree.root.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    problems = []
    for number, page in enumerate(tree.pdf.pages):
        marks: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BDC", "BMC"):
                if operands[0] == Name.Artifact:
                    marks.append("artifact")
                elif (
                    name == "BDC"
                    and isinstance(operands[1], Dictionary)
                    and (Name.MCID in operands[1])
                ):
                    element = parents[number][int(operands[1].MCID)]
                    tagged = not _is_null(element) and element.objgen in in_tree
                    marks.append("tagged" if tagged else "outside the tree")
                else:
                    marks.append("other")
            elif name == "EMC":
                marks.pop()
            elif name in PAINTING and not ({"artifact", "tagged"} & set(marks)):
                problems.append(f"page {number + 1}: {name} in {marks or 'no marked content'}")
    return problems


def reading_order(tree: Tree) -> list[str]:
    """The tree's order of each page's content is the order the page was laid out in.

    WeasyPrint draws in layout order, numbering marked content as it goes; a list's bullets
    and a chart (drawn after the text beside them) are left out of the comparison.
    """
    problems = []
    for page, marked in tree.order.items():
        flow = [mcid for mcid, path in marked if "/Lbl" not in path and path[-1] != "/Figure"]
        back = [(a, b) for a, b in itertools.pairwise(flow) if b < a]
        if back:
            problems.append(f"page {page + 1}: content out of order {back[:3]}")
    return problems


# --- The demo's reports -------------------------------------------------------------------------


def _render(plan: Plan, kind: str, *, finished: bool = True) -> tuple[bytes, object]:
    report = follow_up_report(plan, demo_period(kind))
    if finished:
        return report_pdf(report).content, report
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_module, "finish_structure", lambda content: content)
        return report_pdf(report).content, report


def _entries(report) -> int:
    """The contents' entries: the summary, the perspectives if any, and every goal."""
    return 1 + bool(report.perspectives) + len(report.goals)


def _charts(report) -> int:
    return sum(1 for goal in report.goals for row in goal.indicators if not row.chart_missing_text)


@pytest.mark.parametrize("kind", ["T1", "T3"])  # an interim report and the year-end report
def test_the_structure_is_what_pdf_ua_asks_for(demo, kind, weasyprint_log):
    Plan.objects.filter(pk=demo.pk).update(sustainability="Vi minskar resorna i hemtjänsten.")
    plan = Plan.objects.select_related("organisation", "owner_unit").get(pk=demo.pk)
    content, report = _render(plan, kind)
    tree = Tree(content)
    assert str(tree.pdf.Root.Lang) == "sv"
    assert tree.pdf.Root.MarkInfo.Marked is True
    assert tree.of_type("/TH") and header_scopes(tree) == []
    assert {str(cell.A.Scope) for cell in tree.of_type("/TH")} == {"/Column", "/Row"}
    assert contents(tree, _entries(report)) == []
    assert _charts(report) and figures(tree, _charts(report)) == []
    assert untagged_content(tree) == []
    assert reading_order(tree) == []
    assert weasyprint_log() == []
    # Every goal is in the tree as a heading, in order.
    headings = [element for element in tree.elements if kind_of(element) == Name.H2]
    assert len(headings) >= Goal.objects.filter(plan=demo).count()


def test_weasyprints_own_output_fails_the_checks(demo):
    """Without `reports.pdf_structure` the same document fails each check that it fixes."""
    plan = Plan.objects.select_related("organisation", "owner_unit").get(pk=demo.pk)
    content, report = _render(plan, "T1", finished=False)
    tree = Tree(content)
    assert header_scopes(tree)
    assert contents(tree, _entries(report))
    assert figures(tree, _charts(report))
    assert untagged_content(tree)  # the page margins: tagged, but outside the tree


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_document_language_is_the_reports(demo, language):
    with translation.override(language):
        content, _report = _render(demo, "T2")
    assert str(pikepdf.Pdf.open(io.BytesIO(content)).Root.Lang) == language


def test_an_organisations_report_of_several_plans_has_nested_contents(demo):
    from reports.pdf import html_to_pdf, report_html

    plan = Plan.objects.select_related("organisation", "owner_unit").get(pk=demo.pk)
    other = Plan.objects.create(
        organisation=plan.organisation,
        owner_unit=plan.owner_unit,
        kind=Plan.Kind.ACTION_PLAN,
        name="Handlingsplan trygghet 2023",
        start_year=2023,
        end_year=2023,
    )
    Goal.objects.create(plan=other, number=1, title="Trygg kommun")
    reports = [follow_up_report(found, demo_period("T2")) for found in (plan, other)]
    tree = Tree(html_to_pdf(report_html(reports, title="Sorsele kommun T2 2023")).content)
    # A TOCI per plan and per goal: the plans' goals as a TOC inside the TOC.
    assert contents(tree, 2 + len(reports[0].goals) + 1) == []
    assert [toc for toc in tree.of_type("/TOC") if kind_of(tree.parent[toc.objgen]) == Name.TOCI]
    assert header_scopes(tree) == [] and untagged_content(tree) == []
