"""A page index for WeasyPrint's tagging: the structure tree in time linear in the document.

WeasyPrint 70 builds the tagged PDF's structure tree (`weasyprint.pdf.tags._build_box_tree`)
with `pdf.page_references[page_number]` for every structure element it makes, and pydyf's
`PDF.page_references` (pydyf 0.13) is a property that builds the tuple of every page's
reference on each call. Tagging a document thus costs pages × elements: negligible for ten
pages, minutes for an organisation's report of hundreds (most of its time went there).

`install()` replaces the property with one that keeps the tuple and builds it again only when a
page was added (the pages' list grows only by `add_page`, three items a page), so every lookup
after the first is an index into a kept tuple and the result is the same. `reports.pdf` installs
it when it is imported. The fix to offer upstream, in WeasyPrint's `add_tags`: look each page's
reference up once per page and pass it to `_build_box_tree` (or have pydyf keep the references
as pages are added); bench/README.md says so with the figures.
"""

import pydyf

_ORIGINAL = pydyf.PDF.page_references
_KEPT = "_styrkort_page_references"


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """The pages' references, `b"12 0 R"`..., built again only after a page was added."""
    kids = pdf.pages["Kids"]
    kept = pdf.__dict__.get(_KEPT)
    if kept is None or kept[0] is not kids or kept[1] != len(kids):
        kept = (kids, len(kids), _ORIGINAL.fget(pdf))
        pdf.__dict__[_KEPT] = kept
    return kept[2]


INDEXED = property(_page_references, doc=_ORIGINAL.__doc__)


def install() -> None:
    """Give pydyf's PDF the kept page references (idempotent)."""
    pydyf.PDF.page_references = INDEXED


def uninstall() -> None:
    """pydyf's own property again (for tests that compare the two)."""
    pydyf.PDF.page_references = _ORIGINAL


def is_installed() -> bool:
    return pydyf.PDF.__dict__.get("page_references") is INDEXED
