"""An organisation's report rendered a plan at a time and merged (`reports.pdf_organisation`,
`reports.pdf_merge`): the merged PDF, read back with pikepdf, keeps every chapter's tags, its
bookmarks and the contents' links; the progress it reports moves and ends at the end. And
`reports.pdf_tags`, the page index that keeps WeasyPrint's tagging linear, changes nothing in
the PDF it makes."""

import io
import itertools
from collections import Counter
from decimal import Decimal

import pikepdf
import pydyf
import pytest
from pikepdf import Dictionary, Name

from goals.evaluation import months
from goals.services import activity_create, goal_create
from indicators.services import indicator_create
from planning.models import Plan
from planning.services import plan_create
from reports import pdf_tags
from reports.pdf import html_to_pdf, report_html
from reports.pdf_merge import NUMBERS_XOBJECT
from reports.pdf_organisation import Share, chapter_stylesheet, organisation_pdf
from reports.selectors import follow_up_report
from tests.deadlines import month_end
from tests.reports.conftest import page_texts, squash
from tests.reports.test_pdf_structure import _is_element as is_element
from tests.reports.test_pdf_structure import _kids as kids

# PostgreSQL only in bin/test: what is checked is rendered output, not storage.
pytestmark = pytest.mark.rendering

# --- three small plans, merged -------------------------------------------------------------------

PLANS = {
    "Aktivitetsplan IFO 2023": ["Kortare väntetider", "Fler i arbete"],
    "Aktivitetsplan Kultur 2023": ["Ett levande bibliotek"],
}


@pytest.fixture
def three_plans(followed_up, organisation, units):
    """The fixture plan and two more of the same organisation, each goal with an indicator (a
    table with header cells) and an activity."""
    plans = [followed_up]
    for name, goals in PLANS.items():
        plan = plan_create(organisation=organisation, owner_unit=units["unit_b"],
                           kind=Plan.Kind.ACTIVITY_PLAN, name=name, start_year=2023,
                           end_year=2023, actor=None)  # fmt: skip
        for number, title in enumerate(goals, start=1):
            goal = goal_create(plan=plan, number=number, title=title, actor=None)
            indicator_create(goal=goal, name=f"Mått för {title.lower()}", unit="percent",
                             green_bound=Decimal("80"), actor=None)  # fmt: skip
            activity_create(goal=goal, title=f"Arbete med {title.lower()}", due_on=month_end(6),
                            evaluated_months=months(4, 12), actor=None)  # fmt: skip
        plans.append(plan)
    return plans


def render(plans, period):
    reports = [follow_up_report(plan, period) for plan in plans]
    seen: list[float] = []
    rendered = organisation_pdf(reports, title="Uppföljning T1 2023", progress=seen.append)
    return reports, rendered, seen


_RENDERED: dict = {}  # the same three plans every test: rendered once for the module


@pytest.fixture
def merged(three_plans, periods):
    if "pdf" not in _RENDERED:
        _RENDERED["pdf"] = render(three_plans, periods[0])
    return _RENDERED["pdf"]  # the reports are plain data: those of the first test serve


# --- reading the structure back ------------------------------------------------------------------


def elements(root) -> list:
    found, stack = [], [root]
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(kid for kid in reversed(kids(element)) if is_element(kid))
    return found


def document_of(pdf: pikepdf.Pdf):
    (document,) = kids(pdf.Root.StructTreeRoot)
    return document


def element_types(pdf: pikepdf.Pdf) -> Counter:
    return Counter(str(element.S) for element in elements(document_of(pdf)))


def number_tree(tree) -> dict[int, object]:
    nums = list(tree.get(Name.Nums, []))
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
    for kid in tree.get(Name.Kids, []):
        entries.update(number_tree(kid))
    return entries


def reaches_the_root(element, root) -> bool:
    for _step in range(200):
        parent = element.get(Name.P)
        if parent is None:
            return False
        if parent.objgen == root.objgen:
            return True
        element = parent
    return False


def chapter_alone(report, organisation: str) -> pikepdf.Pdf:
    """A plan's chapter as `organisation_pdf` renders it, before the merge."""
    html = report_html([report], title="Uppföljning T1 2023", part=True)
    return pikepdf.open(io.BytesIO(html_to_pdf(html, chapter_stylesheet(organisation)).content))


# --- tags ----------------------------------------------------------------------------------------


def test_the_merged_report_keeps_every_chapters_elements(merged):
    reports, rendered, _seen = merged
    pdf = pikepdf.open(io.BytesIO(rendered.content))
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) and Name.Metadata in pdf.Root
    types = element_types(pdf)
    chapters = Counter()
    for report in reports:
        chapters += element_types(chapter_alone(report, str(reports[0].organisation)))
    chapters[Name.Document] = 0
    # Every element of every chapter is in the document, each once; the rest is the front's.
    front = types - chapters
    assert types - front == +chapters
    assert front["/H1"] >= 1 and front["/TOC"] >= 1  # the cover's title and the contents
    assert types["/H2"] >= len(reports) and types["/Table"] >= 4


def test_every_element_belongs_to_the_one_tree_and_the_parent_tree_is_whole(merged):
    _reports, rendered, _seen = merged
    pdf = pikepdf.open(io.BytesIO(rendered.content))
    root = pdf.Root.StructTreeRoot
    document = document_of(pdf)
    for element in elements(document)[1:]:
        assert reaches_the_root(element, root)
    entries = number_tree(root.ParentTree)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    for index, page in enumerate(pdf.pages):
        assert int(page.obj.StructParents) == index  # each page keyed by its place
        marked = entries[index]
        assert len(marked) > 0
        for element in marked:
            if is_element(element):
                assert reaches_the_root(element, root)
                if Name.Pg in element:
                    assert pages[element.Pg.objgen] == index
    keys = [int(annotation.StructParent) for page in pdf.pages
            for annotation in page.obj.get(Name.Annots, [])]  # fmt: skip
    assert keys and len(set(keys)) == len(keys) and min(keys) >= len(pdf.pages)
    for page in pdf.pages:
        for annotation in page.obj.get(Name.Annots, []):
            link = entries[int(annotation.StructParent)]
            assert str(link.S) == "/Link" and reaches_the_root(link, root)
            assert any(kid.get(Name.Obj) is not None and kid.Obj.objgen == annotation.objgen
                       for kid in kids(link) if isinstance(kid, Dictionary))  # fmt: skip
    assert int(root.ParentTreeNextKey) == max(keys) + 1
    ids = [str(element.ID) for element in elements(document) if Name.ID in element]
    assert ids and len(ids) == len(set(ids))  # a table header's id is unique in the document
    for element in elements(document):
        attributes = element.get(Name.A)
        if isinstance(attributes, Dictionary) and Name.Headers in attributes:
            assert {str(header) for header in attributes.Headers} <= set(ids)


def test_the_merged_file_is_whole_and_every_page_but_the_cover_numbered(merged):
    """Written a part at a time (`reports.pdf_writer`): QPDF finds nothing wrong in it (cross
    references, object streams, every reference resolved), and each page but the cover says
    which page of how many it is, drawn as an artifact."""
    _reports, rendered, _seen = merged
    pdf = pikepdf.open(io.BytesIO(rendered.content))
    assert pdf.check_pdf_syntax() == []
    texts = page_texts(rendered.content)
    assert len(texts) == len(pdf.pages) == rendered.pages
    assert "Sida 1 av" not in texts[0]
    for index, text in enumerate(texts[1:], start=2):
        assert text.endswith(f"Sida {index} av {rendered.pages}"), (index, text[-40:])
    for page in pdf.pages[1:]:
        assert NUMBERS_XOBJECT in page.obj.Resources.XObject
        assert (
            f"/Artifact BMC q {NUMBERS_XOBJECT} Do Q EMC".encode()
            in page.obj.Contents[-1].read_bytes()
        )


# --- bookmarks and contents links ----------------------------------------------------------------


def test_bookmarks_lead_to_each_plan_and_goal(merged):
    reports, rendered, _seen = merged
    pdf = pikepdf.open(io.BytesIO(rendered.content))
    texts = page_texts(rendered.content)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    with pdf.open_outline() as outline:
        (top,) = outline.root  # the document's title, everything under it
        names = [report.plan_name for report in reports]
        chapters = [item for item in top.children if str(item.title) in names]
        assert [str(item.title) for item in chapters] == names
        starts = []
        for item, report in zip(chapters, reports, strict=True):
            page = pages[item.destination[0].objgen]
            starts.append(page)
            assert squash(report.plan_name) in texts[page]
            goals = [child for child in item.children if str(child.title)[:1].isdigit()]
            assert [str(child.title) for child in goals] == [
                f"{goal.number}. {goal.title}" for goal in report.goals
            ]
            for child in goals:
                assert (
                    squash(str(child.title).split(". ", 1)[1])
                    in texts[pages[child.destination[0].objgen]]
                )
        assert starts == sorted(starts) and starts[0] > 0


def test_the_contents_link_to_the_pages_they_name(merged):
    reports, rendered, _seen = merged
    pdf = pikepdf.open(io.BytesIO(rendered.content))
    texts = page_texts(rendered.content)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    names = pdf.Root.Names.Dests
    destinations = dict(zip(list(names.Names)[::2], list(names.Names)[1::2], strict=True))
    targets = set()
    for page in pdf.pages[:2]:
        for annotation in page.obj.get(Name.Annots, []):
            assert annotation.Subtype == Name.Link
            destination = destinations[str(annotation.Dest)]
            targets.add((str(annotation.Dest), pages[destination[0].objgen]))
    titles = {report.anchor: report.plan_name for report in reports}
    titles.update({goal.anchor: goal.title for report in reports for goal in report.goals})
    assert {name for name, _page in targets} == set(titles)
    contents = texts[1]
    for name, page in targets:
        assert squash(titles[name]) in texts[page]
        # The contents print the page number the link leads to (counted from the cover).
        assert f"{squash(titles[name])} {page + 1}" in contents


# --- progress ------------------------------------------------------------------------------------


def test_the_progress_moves_with_the_pages_and_ends_at_the_end(merged):
    reports, rendered, seen = merged
    laying_out = Share.STAGES["chapters"]
    assert seen == sorted(seen)  # never back
    assert 0 < seen[0] <= laying_out / len(reports) + 1e-9  # the first chapter's first steps
    assert seen[-1] == pytest.approx(1.0)
    chapters = [share for share in seen if share <= laying_out + 1e-9]
    assert len(set(chapters)) >= len(reports)  # at least once a chapter while laying out
    assert max(b - a for a, b in itertools.pairwise(seen)) <= laying_out / len(reports) + 1e-9
    assert rendered.pages == len(pikepdf.open(io.BytesIO(rendered.content)).pages)


# --- the page index of reports.pdf_tags -----------------------------------------------------------


def shape(pdf: pikepdf.Pdf) -> list:
    """The structure tree as nested (type, page index, marked-content ids) tuples."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}

    def of(element):
        page = pages.get(element.Pg.objgen) if Name.Pg in element else None
        parts = []
        for kid in kids(element):
            if is_element(kid):
                parts.append(of(kid))
            elif isinstance(kid, int | pikepdf.Object) and not isinstance(kid, Dictionary):
                parts.append(int(kid))
            else:
                parts.append(str(kid.get(Name.Type)))
        return (str(element.S), page, tuple(parts))

    return [of(element) for element in kids(pdf.Root.StructTreeRoot)]


@pytest.fixture
def original_page_references():
    pdf_tags.uninstall()
    yield
    pdf_tags.install()


def test_the_page_index_makes_the_same_structure(three_plans, periods, monkeypatch):
    report = follow_up_report(three_plans[0], periods[0])
    html = report_html([report], title=report.title)
    assert pdf_tags.is_installed()
    indexed = pikepdf.open(io.BytesIO(html_to_pdf(html).content))
    pdf_tags.uninstall()
    try:
        plain = pikepdf.open(io.BytesIO(html_to_pdf(html).content))
    finally:
        pdf_tags.install()
    assert len(indexed.pages) == len(plain.pages) >= 2
    assert shape(indexed) == shape(plain)
    assert (
        number_tree(indexed.Root.StructTreeRoot.ParentTree).keys()
        == number_tree(plain.Root.StructTreeRoot.ParentTree).keys()
    )


def test_the_references_are_built_once_per_page_not_once_per_element(three_plans, periods,
                                                                      monkeypatch):  # fmt: skip
    """The upstream fix's test: tagging asks for the page references once per element; with
    the index they are built again only when a page was added."""
    report = follow_up_report(three_plans[0], periods[0])
    html = report_html([report], title=report.title)
    builds, asked = [], []
    original = pdf_tags._ORIGINAL.fget

    def counting(pdf):
        builds.append(len(pdf.pages["Kids"]))
        return original(pdf)

    kept = pdf_tags._page_references

    def asking(pdf):
        asked.append(1)
        return kept(pdf)

    monkeypatch.setattr(pdf_tags, "_ORIGINAL", property(counting))
    monkeypatch.setattr(pydyf.PDF, "page_references", property(asking))
    rendered = html_to_pdf(html)
    assert len(asked) > 5 * rendered.pages  # once per tagged element: many times a page
    assert len(builds) <= rendered.pages + 1  # built once for the finished list of pages


def test_the_index_follows_pages_added_after_a_lookup():
    pdf = pydyf.PDF()
    assert pdf_tags.is_installed()
    for number in range(3):
        page = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(page)
        assert pdf.page_references == pdf_tags._ORIGINAL.fget(pdf)
        assert len(pdf.page_references) == number + 1


# --- plain spans (reports.pdf_structure) ----------------------------------------------------------


def held_by(element, page) -> set[int]:
    """The marked-content ids of `page` that `element` holds itself."""
    held = set()
    for kid in kids(element):
        if isinstance(kid, Dictionary) and kid.get(Name.Type) == Name.MCR:
            if kid.Pg.objgen == page.objgen:
                held.add(int(kid.MCID))
        elif not isinstance(kid, Dictionary) and element.Pg.objgen == page.objgen:
            held.add(int(kid))
    return held


def test_plain_spans_give_their_content_to_their_parent(merged):
    """No plain Span is left (each was an object of its own), and every marked-content id of a
    page is held by the element the parent tree names for it, as an id or a reference."""
    _reports, rendered, _seen = merged
    pdf = pikepdf.open(io.BytesIO(rendered.content))
    found = elements(document_of(pdf))
    assert not [element for element in found if str(element.S) == "/Span"
                and set(element.keys()) <= {"/K", "/P", "/Pg", "/S", "/Type"}]  # fmt: skip
    entries = number_tree(pdf.Root.StructTreeRoot.ParentTree)
    for index, page in enumerate(pdf.pages):
        for mcid, element in enumerate(entries[index]):
            if not is_element(element):
                continue  # an artifact (the page margins)
            held = held_by(element, page)
            assert mcid in held, (index, mcid, str(element.S))
