"""Tagged PDFs merged into one, written as they come: an organisation's report, rendered plan
by plan.

WeasyPrint holds a whole document's layout while it writes it (3 GiB for an organisation's 850
pages), so an organisation's report is rendered in parts (`reports.pdf_organisation`): the
cover and contents, then each plan's chapter, each its own tagged PDF/UA-1 document finished by
`reports.pdf_structure`. `merge_parts` joins them into one document that keeps what each part
has:
- the pages, in order, with their links;
- the structure tree: each part's top-level elements become children of the first part's
  /Document element, its parent tree entries are renumbered after those before it (the pages'
  /StructParents, the annotations' /StructParent), and the table header ids (/ID, /Headers) are
  made unique per part;
- the named destinations: the contents of the first part link by name to the chapters, and each
  chapter's names (its plan's and goals' anchors) replace the empty targets of the contents;
- the bookmarks: each chapter's under the document's title, as one document has them;
- "page 3 of 3,512" on every page but the first, from pages WeasyPrint made with nothing but
  those words (`numbers`): each is drawn on its page as a form XObject marked as an artifact
  (page furniture, as `reports.pdf_structure` marks the margins).
The first part's catalogue stays the document's: language, title, metadata, PDF/UA marks.

The merged document is never held whole: one part at a time is opened with pikepdf, changed
where it must (keys, ids, page numbers) and its objects written to the file as they are reached
from its pages and elements, renumbered after the parts before it, non-stream objects packed a
hundred to a compressed object stream (`reports.pdf_writer`). What is kept across parts is small:
each page's object number, the parent tree's entries and the destinations as bytes, the
bookmarks. Holding the merged document in pikepdf instead (QPDF keeps every object, about 2 kB
each) took 2 GiB for 2,930 pages; this takes the memory of the largest part, whatever the
number of pages.
"""

import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from reports.pdf_writer import (
    CATALOG,
    DESTINATIONS,
    DOCUMENT,
    OUTLINES,
    PAGES,
    PARENT_TREE,
    TREE,
    Part,
    Writer,
    scalar,
    with_entries,
    without,
)

NUMBERS_XOBJECT = "/StyrkortPageNumber"


def _kids(element: Dictionary) -> list:
    found = element.get(Name.K)
    if found is None:
        return []
    return list(found) if isinstance(found, Array) else [found]


def _elements(roots: Iterable[Dictionary]) -> Iterator[Dictionary]:
    stack = [root for root in roots if isinstance(root, Dictionary) and Name.S in root]
    while stack:
        element = stack.pop()
        yield element
        stack.extend(kid for kid in _kids(element) if isinstance(kid, Dictionary) and Name.S in kid)


def _number_tree(tree: Dictionary | None) -> list[tuple[int, object]]:
    """The (key, value) entries of a number tree (its /Nums, or its /Kids' in order)."""
    if tree is None:
        return []
    entries = []
    nums = tree.get(Name.Nums)
    if nums is not None:
        items = list(nums)
        entries += [(int(items[i]), items[i + 1]) for i in range(0, len(items) - 1, 2)]
    for kid in tree.get(Name.Kids, []):
        entries += _number_tree(kid)
    return entries


def _name_tree(tree: Dictionary | None) -> list[tuple[str, object]]:
    """The (name, value) entries of a name tree (its /Names, or its /Kids' in order)."""
    if tree is None:
        return []
    entries = []
    names = tree.get(Name.Names)
    if names is not None:
        items = list(names)
        entries += [(str(items[i]), items[i + 1]) for i in range(0, len(items) - 1, 2)]
    for kid in tree.get(Name.Kids, []):
        entries += _name_tree(kid)
    return entries


def _destinations(pdf: pikepdf.Pdf) -> list[tuple[str, object]]:
    names = pdf.Root.get(Name.Names)
    return _name_tree(names.get(Name.Dests) if names is not None else None)


def _prefix_ids(roots: Iterable[Dictionary], prefix: str) -> None:
    """Make the table header ids of a part unique in the merged document."""
    for element in _elements(roots):
        if Name.ID in element:
            element[Name.ID] = String(prefix + str(element[Name.ID]))
        attributes = element.get(Name.A)
        if isinstance(attributes, Dictionary) and Name.Headers in attributes:
            attributes[Name.Headers] = Array(
                [String(prefix + str(header)) for header in attributes[Name.Headers]]
            )


# --- Bookmarks ---------------------------------------------------------------------------------


@dataclass
class _Bookmark:
    title: str
    page: int | None  # in the merged document
    left: bytes = b"null"
    top: bytes = b"null"
    closed: bool = False
    children: list["_Bookmark"] = field(default_factory=list)


def _bookmarks(pdf: pikepdf.Pdf, page_offset: int) -> list[_Bookmark]:
    """The document's bookmarks, leading to its pages in the merged document."""
    index = {page.objgen: number for number, page in enumerate(pdf.pages)}

    def convert(item) -> _Bookmark:
        destination = item.destination
        page, left, top = None, b"null", b"null"
        if isinstance(destination, Array) and len(destination) >= 1:
            page = index.get(destination[0].objgen)
            if len(destination) >= 4 and destination[1] == Name.XYZ:
                left, top = scalar(destination[2]), scalar(destination[3])
        return _Bookmark(
            str(item.title),
            None if page is None else page_offset + page,
            left,
            top,
            bool(item.is_closed),
            [convert(child) for child in item.children],
        )

    outline = pdf.open_outline()  # read, never saved back: the part is not written whole
    return [convert(item) for item in outline.root]


def _write_bookmarks(writer: Writer, items: list[_Bookmark], pages: list[int]) -> int:
    """The outline's items below the outline dictionary; its /Count."""

    def level(parent: int, found: list[_Bookmark]) -> tuple[int, int, int]:
        numbers = [writer.allocate() for _item in found]
        count = 0
        for position, (number, item) in enumerate(zip(numbers, found, strict=True)):
            links = b"/Parent %d 0 R" % parent
            if position:
                links += b" /Prev %d 0 R" % numbers[position - 1]
            if position + 1 < len(numbers):
                links += b" /Next %d 0 R" % numbers[position + 1]
            below = 0
            if item.children:
                first, last, below = level(number, item.children)
                links += b" /First %d 0 R /Last %d 0 R" % (first, last)
            count += 1 + (0 if item.closed else below)
            links += b" /Count %d" % (-below if item.closed else below)
            if item.page is not None:
                links += b" /Dest [ %d 0 R /XYZ %s %s null ]" % (
                    pages[item.page],
                    item.left,
                    item.top,
                )
            writer.add(number, b"<< /Title " + String(item.title).unparse() + b" " + links + b" >>")
        return numbers[0], numbers[-1], count

    first, last, count = level(OUTLINES, items)
    writer.add(
        OUTLINES,
        b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (first, last, count),
    )
    return count


# --- Page numbers ------------------------------------------------------------------------------


class PageNumbers:
    """The pages that carry the page numbers, in files of `chunk` pages each (the first numbers
    the document's page `first`, counted from 0); each file opened while its pages are drawn."""

    def __init__(self, paths: list[Path], first: int, chunk: int) -> None:
        self.paths, self.first, self.chunk = paths, first, chunk
        self.open: dict[int, pikepdf.Pdf] = {}

    def page(self, index: int) -> pikepdf.Page | None:
        """The numbers' page for the document's page `index`; None for the unnumbered cover."""
        if index < self.first:
            return None
        chunk, at = divmod(index - self.first, self.chunk)
        if chunk >= len(self.paths):
            return None
        if chunk not in self.open:
            self.open[chunk] = pikepdf.open(self.paths[chunk])
        return self.open[chunk].pages[at]

    def done_before(self, index: int) -> None:
        """Close the files of the pages before `index` (all written)."""
        for chunk in [
            found for found in self.open if self.first + (found + 1) * self.chunk <= index
        ]:
            self.open.pop(chunk).close()

    def close(self) -> None:
        for pdf in self.open.values():
            pdf.close()
        self.open.clear()


def _number_page(part: pikepdf.Pdf, page: pikepdf.Page, source: pikepdf.Page) -> None:
    """Draw `source` (blank but its page number) on `page`, marked as an artifact."""
    form = part.copy_foreign(source.as_form_xobject())
    resources = page.obj.get(Name.Resources)
    own = without(resources) if resources else Dictionary()
    xobjects = own.get(Name.XObject)
    own[Name.XObject] = without(xobjects) if xobjects else Dictionary()
    own[Name.XObject][NUMBERS_XOBJECT] = form
    page.obj[Name.Resources] = own
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"\nQ\n/Artifact BMC q " + NUMBERS_XOBJECT.encode() + b" Do Q EMC\n")


# --- Merging -------------------------------------------------------------------------------------


INHERITED = (Name.Resources, Name.MediaBox, Name.CropBox, Name.Rotate)


def merge_parts(
    paths: list[Path],
    output: Path,
    *,
    numbers: PageNumbers | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The tagged PDFs at `paths` as one tagged PDF at `output` (see the module docstring), its
    pages numbered from `numbers`; returns its number of pages. `progress(done, total)` after
    each part.

    The parent tree is keyed as WeasyPrint keys one document's: each page by its index, the
    annotations after the last page, in order.
    """
    total = 0
    version = "1.5"  # object streams
    for path in paths:
        with pikepdf.open(path) as part:
            total += len(part.pages)
            version = max(version, part.pdf_version)
    page_numbers: list[int] = []
    tops: list[bytes] = []
    entries: list[tuple[int, bytes]] = []
    destinations: dict[str, bytes] = {}
    bookmarks: list[_Bookmark] = []
    annotation_key = total
    front: dict[str, bytes] = {}
    with output.open("wb") as file:
        writer = Writer(file, version)
        for number, path in enumerate(paths):
            with pikepdf.open(path) as pdf:
                first = len(page_numbers)
                root = pdf.Root
                tree = root.StructTreeRoot
                (document,) = _kids(tree)
                redirects = {
                    root.objgen: CATALOG,
                    root.Pages.objgen: PAGES,
                    tree.objgen: TREE,
                    document.objgen: DOCUMENT,
                }
                part = Part(writer, pdf, redirects)
                found = dict(_number_tree(tree.get(Name.ParentTree)))
                part_tops = _kids(document)
                if number:
                    _prefix_ids(part_tops, f"p{number}-")
                inherited = {key: root.Pages[key] for key in INHERITED if key in root.Pages}
                pages = list(pdf.pages)
                for index, page in enumerate(pages):
                    for key, value in inherited.items():
                        if key not in page.obj:
                            page.obj[key] = value
                    key = first + index
                    if Name.StructParents in page.obj:
                        value = found.get(int(page.obj[Name.StructParents]))
                        page.obj[Name.StructParents] = key
                        entries.append((key, part.encode(value) if value is not None else b"[ ]"))
                    for annotation in page.obj.get(Name.Annots, []):
                        if Name.StructParent in annotation:
                            value = found.get(int(annotation[Name.StructParent]))
                            annotation[Name.StructParent] = annotation_key
                            entries.append((annotation_key, part.encode(value)))
                            annotation_key += 1
                    source = numbers.page(key) if numbers else None
                    if source is not None:
                        _number_page(pdf, page, source)
                    page_numbers.append(part.number(page.obj.objgen))
                tops += [part.encode(top) for top in part_tops]
                for name, destination in _destinations(pdf):
                    destinations[name] = part.encode(destination)
                found_bookmarks = _bookmarks(pdf, first)
                if number == 0:
                    bookmarks = found_bookmarks
                    front = {
                        "catalog": part.encode(
                            without(root, "/Pages", "/StructTreeRoot", "/Names", "/Outlines")
                        ),
                        "tree": part.encode(
                            without(tree, "/K", "/ParentTree", "/ParentTreeNextKey")
                        ),
                        "document": part.encode(without(document, "/K", "/P")),
                        "info": part.encode(pdf.trailer.Info) if Name.Info in pdf.trailer else b"",
                    }
                else:
                    # The chapters' headings come under the document's title, as one document
                    # has them.
                    (bookmarks[0].children if bookmarks else bookmarks).extend(found_bookmarks)
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", category=UserWarning)
                    part.write_reached()
            if numbers:
                numbers.done_before(len(page_numbers))
            if progress:
                progress(number + 1, len(paths))
        writer.add(
            PAGES,
            b"<< /Type /Pages /Kids [ "
            + b" ".join(b"%d 0 R" % page for page in page_numbers)
            + b" ] /Count %d >>" % len(page_numbers),
        )
        writer.add(
            TREE,
            with_entries(
                b"/K %d 0 R /ParentTree %d 0 R /ParentTreeNextKey %d"
                % (DOCUMENT, PARENT_TREE, annotation_key),
                front["tree"],
            ),
        )
        kids = b"/P %d 0 R /K [ " % TREE + b" ".join(tops) + b" ]"
        writer.add(DOCUMENT, with_entries(kids, front["document"]))
        writer.add(
            PARENT_TREE,
            b"<< /Nums [ "
            + b" ".join(b"%d %s" % (key, value) for key, value in sorted(entries))
            + b" ] >>",
        )
        catalog = b"/Pages %d 0 R /StructTreeRoot %d 0 R" % (PAGES, TREE)
        if destinations:
            writer.add(
                DESTINATIONS,
                b"<< /Names [ "
                + b" ".join(
                    String(name).unparse() + b" " + destinations[name]
                    for name in sorted(destinations)
                )
                + b" ] >>",
            )
            catalog += b" /Names << /Dests %d 0 R >>" % DESTINATIONS
        if bookmarks:
            _write_bookmarks(writer, bookmarks, page_numbers)
            catalog += b" /Outlines %d 0 R" % OUTLINES
        writer.add(CATALOG, with_entries(catalog, front["catalog"]))
        writer.finish(front["info"] or None)
    return len(page_numbers)
