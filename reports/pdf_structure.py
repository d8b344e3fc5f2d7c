"""The finishing touches WeasyPrint 70 leaves out of a tagged PDF/UA-1 document, made with pikepdf.

WeasyPrint tags what it lays out, but by markup and CSS alone it cannot:
- give table header cells their /Scope (it links the cells to their headers, but a PDF/UA
  validator asks every TH for its scope): a TH in a table head is a column header, any other
  (`<th scope="row">` in a body or foot) a row header;
- tag the contents list as a table of contents: it becomes a list (L, LI, LBody); a list whose
  every item is one link is made TOC, TOCI and Reference;
- keep a figure's caption inside its figure: `<figure>` becomes NonStruct around the chart's
  Figure and the Caption; that NonStruct is made the Figure (with the chart's alternative text
  and bounding box), holding the chart's content and the Caption;
- mark the page margins (running header, "page 3 of 12") as artifacts: it tags their text but
  leaves the tags out of the structure tree, so that content belongs to nothing. It is marked
  /Artifact in the page's content and dropped from the parent tree.
Structure elements left without any content are removed, and plain spans (WeasyPrint's Span
around each run of text, with nothing else) give their content to their parent element.

`finish_structure` is called by `reports.pdf.html_to_pdf`, the one renderer, on every PDF.
"""

import io
import re
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name


def _kids(element: Dictionary) -> list:
    found = element.get(Name.K)
    if found is None:
        return []
    return list(found) if isinstance(found, Array) else [found]


def kind_of(element: Dictionary) -> Name:
    """A structure element's type (its /S): /TH, /L, /Figure..."""
    return element.S


def _is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and Name.S in kid


def _elements(root: Dictionary) -> Iterator[tuple[Dictionary, Dictionary | None]]:
    """Every structure element below `root` with its parent element, depth first."""
    stack = [(kid, None) for kid in reversed(_kids(root)) if _is_element(kid)]
    while stack:
        element, parent = stack.pop()
        yield element, parent
        stack.extend((kid, element) for kid in reversed(_kids(element)) if _is_element(kid))


def _set_kids(element: Dictionary, kids: list) -> None:
    element[Name.K] = Array(kids)


# --- Table headers --------------------------------------------------------------------------------


def _add_scopes(tree: list[tuple[Dictionary, Dictionary | None]]) -> None:
    parents = {element.objgen: parent for element, parent in tree}
    for element, _parent in tree:
        if kind_of(element) != Name.TH:
            continue
        section = parents.get(element.objgen)
        while section is not None and kind_of(section) not in (Name.THead, Name.TBody, Name.TFoot):
            section = parents.get(section.objgen)
        scope = Name.Column if section is not None and kind_of(section) == Name.THead else Name.Row
        attributes = element.get(Name.A)
        if not isinstance(attributes, Dictionary):
            attributes = Dictionary(O=Name.Table)
            element[Name.A] = attributes
        attributes[Name.Scope] = scope


# --- The contents ---------------------------------------------------------------------------------


def _is_link(element: Dictionary) -> bool:
    """A link, or an anonymous block (NonStruct) around a link and the spaces beside it."""
    if kind_of(element) == Name.Link:
        return True
    kids = [kid for kid in _kids(element) if _is_element(kid)]
    return (
        kind_of(element) == Name.NonStruct
        and any(_is_link(kid) for kid in kids)
        and all(_is_link(kid) or kind_of(kid) == Name.Span for kid in kids)
    )


def _is_toc_list(element: Dictionary) -> bool:
    """A list each of whose items holds one link (and perhaps a list like it, the entries
    below it) and nothing else: the contents."""
    items = [kid for kid in _kids(element) if _is_element(kid)]
    entries = [item for item in items if kind_of(item) == Name.LI]
    if not entries or any(kind_of(item) not in (Name.LI, Name.L) for item in items):
        return False
    if any(kind_of(item) == Name.L and not _is_toc_list(item) for item in items):
        return False
    for entry in entries:
        bodies = [kid for kid in _kids(entry) if _is_element(kid)]
        if len(bodies) != 1 or kind_of(bodies[0]) != Name.LBody:
            return False
        inside = [kid for kid in _kids(bodies[0]) if _is_element(kid)]
        links = [kid for kid in inside if _is_link(kid)]
        lists = [kid for kid in inside if kind_of(kid) == Name.L]
        if not links or len(links) + len(lists) != len(inside):
            return False
        if not all(_is_toc_list(found) for found in lists):
            return False
    return True


def _tag_contents(tree: list[tuple[Dictionary, Dictionary | None]]) -> None:
    done: set = set()
    for element, _parent in tree:
        if element.objgen not in done and kind_of(element) == Name.L and _is_toc_list(element):
            _to_toc(element, done)


def _to_toc(element: Dictionary, done: set) -> None:
    """The list becomes a TOC; each item a TOCI holding a Reference (its link) and, where the
    entry has entries below it, their TOC."""
    element.S = Name.TOC
    done.add(element.objgen)
    for item in _kids(element):
        if not _is_element(item):
            continue
        if kind_of(item) == Name.L:
            _to_toc(item, done)
            continue
        item.S = Name.TOCI
        kids = []
        for body in _kids(item):
            if not (_is_element(body) and kind_of(body) == Name.LBody):
                kids.append(body)
                continue
            body.S = Name.Reference
            below = [kid for kid in _kids(body) if _is_element(kid) and kind_of(kid) == Name.L]
            _set_kids(body, [kid for kid in _kids(body) if not any(kid == b for b in below)])
            kids.append(body)
            for found in below:
                found[Name.P] = item
                _to_toc(found, done)
                kids.append(found)
        _set_kids(item, kids)


# --- Figures and their captions -------------------------------------------------------------------


def _descendants(element: Dictionary) -> Iterator[Dictionary]:
    for kid in _kids(element):
        if _is_element(kid):
            yield kid
            yield from _descendants(kid)


def _content_of(element: Dictionary) -> list:
    """The marked-content ids (and annotation references) of an element and all below it."""
    found = []
    for kid in _kids(element):
        if _is_element(kid):
            found.extend(_content_of(kid))
        else:
            found.append(kid)
    return found


def _join_figures(tree, parent_tree: dict) -> None:
    """`<figure>` (NonStruct around a Figure and a Caption) becomes one Figure element."""
    for element, _parent in tree:
        if kind_of(element) in (Name.Table, Name.Figure, Name.Caption):
            continue
        kids = [kid for kid in _kids(element) if _is_element(kid)]
        captions = [kid for kid in kids if kind_of(kid) == Name.Caption]
        if len(captions) != 1:
            continue
        charts = [found for found in _descendants(element) if kind_of(found) == Name.Figure]
        if len(charts) != 1:
            continue
        chart = charts[0]
        content = []
        for kid in kids:
            if kind_of(kid) != Name.Caption:
                content.extend(_content_of(kid))
        element.S = Name.Figure
        for key in (Name.Alt, Name.A):
            if key in chart:
                element[key] = chart[key]
        if Name.Pg in chart:
            element[Name.Pg] = chart[Name.Pg]
        _set_kids(element, [*content, captions[0]])
        for kid in content:
            if isinstance(kid, int) or (
                isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer
            ):
                parent_tree[(element[Name.Pg].objgen, int(kid))] = element


# --- Page margins as artifacts --------------------------------------------------------------------


def _parent_tree(pdf: pikepdf.Pdf) -> tuple[Array, dict]:
    """The parent tree's number array and its entries by (page, marked-content id)."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    pages = [page.obj.objgen for page in pdf.pages]
    entries = {}
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if isinstance(value, Array) and key < len(pages):
            for mcid, element in enumerate(value):
                entries[(pages[key], mcid)] = element
    return nums, entries


def _write_parent_tree(pdf: pikepdf.Pdf, nums: Array, entries: dict) -> None:
    pages = [page.obj.objgen for page in pdf.pages]
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if isinstance(value, Array) and key < len(pages):
            nums[index + 1] = Array([entries.get((pages[key], mcid)) for mcid in range(len(value))])


def _is_null(value) -> bool:
    return value is None or (
        isinstance(value, pikepdf.Object) and value._type_code == pikepdf.ObjectType.null
    )


# How WeasyPrint (pydyf) opens marked content with an id: "/Span <</MCID 12>> BDC".
MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
ARTIFACT_MARK = b"/Artifact <</Type /Pagination>> BDC"


def _mark_artifacts(pdf: pikepdf.Pdf, reachable: set, entries: dict) -> None:
    """Marked content whose element is not in the structure tree becomes an artifact.

    The page's content is rewritten as bytes, only where such content starts: parsing and
    writing back every operator costs more than the rest of the finishing together.
    """
    orphans_by_page: dict[tuple, set[int]] = {}
    for (page_id, mcid), element in entries.items():
        if not _is_null(element) and element.objgen not in reachable:
            orphans_by_page.setdefault(page_id, set()).add(mcid)
    for page in pdf.pages:
        orphans = orphans_by_page.get(page.obj.objgen)
        if not orphans:
            continue

        def mark(match: re.Match, orphans=orphans) -> bytes:
            return ARTIFACT_MARK if int(match[1]) in orphans else match[0]

        content = MARKED.sub(mark, page.Contents.read_bytes())
        page.Contents = pdf.make_stream(content)
        for mcid in orphans:
            entries[(page.obj.objgen, mcid)] = None


# --- Empty elements -------------------------------------------------------------------------------


def _prune_empty(element: Dictionary) -> bool:
    """Remove elements without content below `element`; whether `element` itself has any."""
    kept = []
    for kid in _kids(element):
        if _is_element(kid):
            if _prune_empty(kid):
                kept.append(kid)
        else:
            kept.append(kid)
    if Name.K in element:
        _set_kids(element, kept)
    return bool(kept) or element.get(Name.S) == Name.Figure


# --- Plain spans ---------------------------------------------------------------------------------

PLAIN_SPAN = {"/K", "/P", "/Pg", "/S", "/Type"}


def _is_mcid(kid) -> bool:
    return isinstance(kid, int) or (
        isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer
    )


def _inline_spans(element: Dictionary, entries: dict) -> None:
    """Put the content of plain spans (a Span of WeasyPrint's, with nothing but its marked
    content: no language, no alternative text) in their parent element, as marked-content
    ids or references, and drop the span. A span means nothing to assistive technology, but
    it is an object of its own: two thirds of a report's structure elements are spans, each
    read, renumbered and written again when an organisation's report is merged
    (`reports.pdf_merge`)."""
    page = element.get(Name.Pg)
    kept, changed = [], False
    for kid in _kids(element):
        if not _is_element(kid):
            kept.append(kid)
            continue
        _inline_spans(kid, entries)
        content = _kids(kid)
        if (
            kind_of(kid) != Name.Span
            or not set(kid.keys()) <= PLAIN_SPAN
            or Name.Pg not in kid
            or not all(_is_mcid(item) for item in content)
        ):
            kept.append(kid)
            continue
        changed = True
        span_page = kid.Pg
        same_page = page is not None and span_page.objgen == page.objgen
        for mcid in content:
            entries[(span_page.objgen, int(mcid))] = element
            if same_page:
                kept.append(mcid)
            else:
                kept.append(Dictionary(Type=Name.MCR, Pg=span_page, MCID=int(mcid)))
    if changed:
        _set_kids(element, kept)


def finish_structure(content: bytes) -> bytes:
    """The PDF with the structure PDF/UA-1 asks for (see the module's docstring)."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root.get(Name.StructTreeRoot)
        if root is None:
            return content
        tree = list(_elements(root))
        reachable = {element.objgen for element, _parent in tree}
        nums, entries = _parent_tree(pdf)
        _mark_artifacts(pdf, reachable, entries)
        _add_scopes(tree)
        _tag_contents(tree)
        _join_figures(tree, entries)
        for kid in _kids(root):
            if _is_element(kid):
                _prune_empty(kid)
                _inline_spans(kid, entries)
        _write_parent_tree(pdf, nums, entries)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
    return output.getvalue()
