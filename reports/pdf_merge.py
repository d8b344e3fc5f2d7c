"""Tagged PDFs merged into one with pikepdf: an organisation's report, rendered plan by plan.

WeasyPrint holds a whole document's layout while it writes it (3 GiB for an organisation's 850
pages), so an organisation's report is rendered in parts (`reports.pdf.organisation_pdf`): the
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
- the bookmarks: each chapter's under the document's title, as one document has them.
The first part's catalogue stays the document's: language, title, metadata, PDF/UA marks.

`number_pages` then writes "page 3 of 3,512" on every page but the first, from pages WeasyPrint
made with nothing but those words: each is drawn on its page as a form XObject marked as an
artifact (page furniture, as `reports.pdf_structure` marks the margins).
"""

import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation, String

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


def _outline(pdf: pikepdf.Pdf, page_offset: int) -> list[OutlineItem]:
    """The document's bookmarks as items for the merged document (its pages after
    `page_offset`)."""
    index = {page.objgen: number for number, page in enumerate(pdf.pages)}

    def convert(item: OutlineItem) -> OutlineItem:
        destination = item.destination
        page, left, top = None, None, None
        if isinstance(destination, Array) and len(destination) >= 1:
            page = index.get(destination[0].objgen)
            if len(destination) >= 4 and destination[1] == Name.XYZ:
                left, top = destination[2], destination[3]
        converted = OutlineItem(
            str(item.title),
            None if page is None else page_offset + page,
            PageLocation.XYZ if page is not None else None,
            left=left,
            top=top,
        )
        converted.is_closed = item.is_closed
        converted.children.extend(convert(child) for child in item.children)
        return converted

    with pdf.open_outline() as outline:
        return [convert(item) for item in outline.root]


def _copy(merged: pikepdf.Pdf, value):
    """A value of another PDF in `merged`: indirect objects copied once (the copies of a part's
    pages and elements are the same wherever they are referred to), direct arrays and
    dictionaries rebuilt around them."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return value if value.is_owned_by(merged) else merged.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(merged, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(merged, item) for key, item in value.items()})
    return value


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


def _entries_of(
    merged: pikepdf.Pdf, source: pikepdf.Pdf, pages: list, first: int
) -> tuple[list[tuple[int, object]], list[tuple[Dictionary, object]]]:
    """The parent tree entries of `source`'s pages, copied into `merged` where they are now
    `pages` (the page of index i keyed `first + i`, as WeasyPrint keys a document's pages), and
    its annotations' entries, to be keyed after every page."""
    tree = source.Root.StructTreeRoot.get(Name.ParentTree)
    found = dict(_number_tree(tree))
    page_entries, annotation_entries = [], []
    for index, page in enumerate(pages):
        if Name.StructParents in page.obj:
            value = found.get(int(page.obj[Name.StructParents]))
            page.obj[Name.StructParents] = first + index
            page_entries.append(
                (first + index, _copy(merged, value) if value is not None else Array())
            )
        for annotation in page.obj.get(Name.Annots, []):
            if Name.StructParent in annotation:
                value = found.get(int(annotation[Name.StructParent]))
                annotation_entries.append((annotation, _copy(merged, value)))
    return page_entries, annotation_entries


def merge_parts(
    paths: list[Path], progress: Callable[[int, int], None] | None = None
) -> pikepdf.Pdf:
    """The tagged PDFs at `paths` as one tagged PDF (see the module docstring). `progress(done,
    total)` after each part.

    The parent tree is keyed as WeasyPrint keys one document's: each page by its index, the
    annotations after the last page, in order.
    """
    merged = pikepdf.open(paths[0])
    tree = merged.Root.StructTreeRoot
    (document,) = _kids(tree)
    entries, annotations = _entries_of(merged, merged, list(merged.pages), 0)
    destinations = dict(_destinations(merged))
    chapters: list[OutlineItem] = []
    for number, path in enumerate(paths[1:], start=1):
        with pikepdf.open(path) as part:
            page_offset = len(merged.pages)
            chapters += _outline(part, page_offset)
            (part_document,) = _kids(part.Root.StructTreeRoot)
            tops = _kids(part_document)
            for top in tops:
                del top[Name.P]  # the copy must not take the part's document and tree along
            with warnings.catch_warnings():
                # pikepdf warns that named destinations do not come along: they are merged here.
                warnings.filterwarnings("ignore", message="Copying pages from another Pdf")
                merged.pages.extend(part.pages)
            copied = [_copy(merged, top) for top in tops]
            _prefix_ids(copied, f"p{number}-")
            for top in copied:
                top[Name.P] = document
                document.K.append(top)
            # The part's pages in `merged` have the part's keys until renumbered here.
            pages = list(merged.pages[page_offset:])
            more_entries, more_annotations = _entries_of(merged, part, pages, page_offset)
            entries += more_entries
            annotations += more_annotations
            for name, destination in _destinations(part):
                destinations[name] = _copy(merged, destination)
        if progress:
            progress(number, len(paths) - 1)
    key = len(merged.pages)
    for annotation, value in annotations:
        annotation[Name.StructParent] = key
        entries.append((key, value))
        key += 1
    tree[Name.ParentTree] = merged.make_indirect(
        Dictionary(
            Nums=Array(
                [
                    item
                    for key, value in sorted(entries, key=lambda e: e[0])
                    for item in (key, value)
                ]
            )
        )
    )
    tree[Name.ParentTreeNextKey] = key
    if destinations:
        names = merged.Root.get(Name.Names)
        if names is None:
            names = merged.Root[Name.Names] = Dictionary()
        names[Name.Dests] = merged.make_indirect(
            Dictionary(
                Names=Array(
                    [
                        item
                        for name in sorted(destinations)
                        for item in (String(name), destinations[name])
                    ]
                )
            )
        )
    if chapters:
        with merged.open_outline() as outline:
            # The chapters' headings come under the document's title, as one document has them.
            parent = outline.root[0].children if outline.root else outline.root
            parent.extend(chapters)
    return merged


def number_pages(
    merged: pikepdf.Pdf,
    numbers: pikepdf.Pdf,
    first: int,
    progress: Callable[[], None] | None = None,
) -> None:
    """Draw the pages of `numbers` (each blank but its page number) on the pages of `merged`
    from index `first` on, marked as artifacts."""
    for index, source in enumerate(numbers.pages):
        page = merged.pages[first + index]
        form = merged.copy_foreign(source.as_form_xobject())
        resources = page.obj.get(Name.Resources)
        own = (
            Dictionary({key: value for key, value in resources.items()})
            if resources
            else Dictionary()
        )
        xobjects = own.get(Name.XObject)
        own[Name.XObject] = (
            Dictionary({key: value for key, value in xobjects.items()})
            if xobjects
            else Dictionary()
        )
        own[Name.XObject][NUMBERS_XOBJECT] = form
        page.obj[Name.Resources] = own
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ\n/Artifact BMC q " + NUMBERS_XOBJECT.encode() + b" Do Q EMC\n")
        if progress and index % 100 == 99:
            progress()
