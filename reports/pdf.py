"""The one PDF renderer: a report's HTML through WeasyPrint, as tagged PDF/UA-1.

WeasyPrint may fetch nothing but the app's own static files: `StaticOnlyFetcher` answers every
other address (file:, http:, data:...) with an error before anything is opened, so text that
users wrote can never make the server read a file or call an address, even if it ever reached
the HTML unescaped.

The print stylesheet is `static/css/report-print.css`; the words in the page margins ("page 3
of 12") are translated, so they come as a small generated stylesheet. What WeasyPrint's tagging
leaves out of PDF/UA-1 (header scopes, the contents as TOC, captions inside their figures, the
margins as artifacts) is added afterwards by `reports.pdf_structure`; WeasyPrint's own tagging is
kept linear in the document's length by `reports.pdf_tags`.

An organisation's report is rendered plan by plan and merged (`reports.pdf_organisation`, with
`reports.pdf_merge`): WeasyPrint holds a whole document's layout in memory while it writes it, so
the memory a report needs is that of its largest plan, not of the organisation.
"""

import logging
import mimetypes
import posixpath
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.logger import PROGRESS_LOGGER
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports import pdf_tags
from reports.pdf_structure import finish_structure
from reports.selectors import Report

logger = logging.getLogger(__name__)
pdf_tags.install()

# The only base WeasyPrint resolves addresses against; nothing is ever fetched from it.
STATIC_BASE = "https://styrkort.invalid/static/"
PRINT_STYLESHEET = "css/report-print.css"
# Reports estimated longer than this are rendered by the background worker, not in a request.
IN_REQUEST_MAX_PAGES = 40
# Tagged PDF/UA-1 (document language, title, structure tree, figure alt texts).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


class FetchRefused(ValueError):
    """WeasyPrint asked for something that is not one of the app's static files."""


def static_path(url: str) -> Path:
    """The file behind an address below STATIC_BASE; FetchRefused for any other address."""
    if not url.startswith(STATIC_BASE):
        raise FetchRefused(f"Refused to fetch {url[:200]!r}: only the app's static files")
    name = unquote(urlsplit(url).path).removeprefix(urlsplit(STATIC_BASE).path)
    normal = posixpath.normpath(name)
    if normal.startswith(("/", "..")) or "\\" in normal or "\x00" in normal:
        raise FetchRefused(f"Refused to fetch {url[:200]!r}: outside the static files")
    found = finders.find(normal)
    if found is None and staticfiles_storage.exists(normal):
        found = staticfiles_storage.path(normal)
    if found is None or not Path(found).is_file():
        raise FetchRefused(f"No static file {normal!r}")
    return Path(found)


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves the app's static files and refuses everything else.

    WeasyPrint logs a refusal (logger "weasyprint", level ERROR) and goes on without the
    resource; nothing is opened, no address is called.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):  # never lets urllib open anything
        raise FetchRefused("Refused: the report renderer opens no addresses")


def css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_number_content(total: int | None = None) -> str:
    """The translated words of the page margins as CSS content: "Page 3 of 12", one message
    with the page numbers as placeholders, so that every language orders the words its own way.
    With `total`, the number of pages is that number (a part of a longer document)."""
    marker = "\x00"
    words = _("Page %(page)s of %(pages)s") % {
        "page": f"{marker}page{marker}",
        "pages": f"{marker}pages{marker}",
    }
    parts = []
    for index, part in enumerate(words.split(marker)):
        if index % 2:
            if part == "pages" and total is not None:
                parts.append(css_string(str(total)))
            else:
                parts.append(f"counter({part})")
        elif part:
            parts.append(css_string(part))
    return " ".join(parts)


def margin_stylesheet() -> str:
    """The translated words of the page margins: "Page 3 of 12"."""
    return "@page { @bottom-right { content: " + page_number_content() + "; } }\n"


def stylesheets(fetcher: URLFetcher) -> list[CSS]:
    return [
        CSS(url=STATIC_BASE + PRINT_STYLESHEET, url_fetcher=fetcher),
        CSS(string=margin_stylesheet(), url_fetcher=fetcher),
    ]


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int
    # Where each anchor (id) is: the index of its page.
    anchors: dict[str, int] = field(default_factory=dict, compare=False)


def html_to_pdf(
    html: str,
    extra_css: str = "",
    *,
    tagged: bool = True,
    on_step: Callable[[str, int], None] | None = None,
) -> RenderedPdf:
    """Render report HTML to a tagged PDF/UA-1 document, fetching only static files.

    `extra_css` comes after the print stylesheet; `tagged=False` gives an untagged PDF (the
    page numbers drawn on an organisation's report, which are artifacts). `on_step(step, n)`
    after the steps that WeasyPrint's progress log does not tell (`rendering_steps` follows
    the others): each page painted ("painted", its number), the PDF written ("written") and its
    structure finished ("finished")."""
    fetcher = StaticOnlyFetcher()
    sheets = stylesheets(fetcher)
    if extra_css:
        sheets.append(CSS(string=extra_css, url_fetcher=fetcher))
    options = PDF_OPTIONS if tagged else {}
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).render(
        stylesheets=sheets, **options
    )
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
        if on_step is not None:
            _report_painting(page, index + 1, on_step)
    content = document.write_pdf(**options)
    pages = len(document.pages)
    del document  # its layout is the memory: freed before the structure is finished
    if on_step is not None:
        on_step("written", pages)
    if tagged:
        content = finish_structure(content)
        if on_step is not None:
            on_step("finished", pages)
    return RenderedPdf(content, pages, anchors)


def _report_painting(page, number: int, on_step: Callable[[str, int], None]) -> None:
    """Call `on_step("painted", number)` when WeasyPrint has painted `page` into the PDF (its
    step 6, a page at a time, which it does not log)."""
    paint = page.paint

    def painted(*args, **kwargs):
        result = paint(*args, **kwargs)
        on_step("painted", number)
        return result

    page.paint = painted


def report_html(
    reports: list[Report],
    *,
    title: str,
    cover: Report | None = None,
    part: bool = False,
    front: bool = False,
) -> str:
    """The print HTML of one or more plans' reports: cover, contents, then every report.

    With one report the cover shows that plan's facts; with several (an organisation's whole
    report) the cover names the organisation and period, and each plan starts a chapter.
    `part`: one plan's chapter alone; `front`: the cover and contents alone (`organisation_pdf`).
    """
    return render_to_string(
        "reports/pdf/document.html",
        {
            "reports": reports,
            "single": len(reports) == 1 and not part,
            "title": title,
            "cover": cover or (reports[0] if reports else None),
            "language": get_language(),
            "part": part,
            "front": front,
        },
    )


def estimate_pages(reports: list[Report]) -> int:
    """About how many pages the document gets (a goal starts a page; a chart is a third)."""
    pages = 2
    for report in reports:
        pages += 1 + len(report.goals) + report.indicator_count // 3 + report.activity_count // 25
    return pages


def is_large(report: Report) -> bool:
    """Whether the report is too long to render while the browser waits."""
    return estimate_pages([report]) > IN_REQUEST_MAX_PAGES


def report_pdf(report: Report) -> RenderedPdf:
    """One plan's report as PDF."""
    return html_to_pdf(report_html([report], title=report.title))


# WeasyPrint's progress log: the step each message begins (the steps before it are done).
STEP_MESSAGES = (
    ("Step 1 ", "styles"),  # the stylesheets parsed, the HTML's turn
    ("Step 3 ", "parsed"),  # the HTML parsed, the styles' turn
    ("Step 4 ", "styled"),  # the styles applied, the boxes' turn
    ("Step 6 ", "laid out"),  # every page laid out, the painting's turn
    ("Step 7 ", "painted"),  # every page painted, the tags' and writing's turn
)
LAYOUT_PAGE = "Step 5 - Creating layout - Page"


@contextmanager
def rendering_steps(on_step: Callable[[str, int], None]) -> Iterator[None]:
    """Call `on_step(step, 0)` as WeasyPrint begins each step of its rendering in this thread
    (`STEP_MESSAGES`: the step done before it) and `on_step("page", n)` as it begins to lay out
    page n, from its progress log, without echoing that log."""
    thread = threading.get_ident()

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.thread != thread:
                return
            message = str(record.msg)
            if message.startswith(LAYOUT_PAGE):
                if record.args and "up-to-date" not in message:
                    on_step("page", int(record.args[0]))
                return
            for prefix, step in STEP_MESSAGES:
                if message.startswith(prefix):
                    on_step(step, 0)

    handler = Handler(logging.INFO)
    level, propagate = PROGRESS_LOGGER.level, PROGRESS_LOGGER.propagate
    PROGRESS_LOGGER.setLevel(logging.INFO)
    PROGRESS_LOGGER.propagate = False
    PROGRESS_LOGGER.addHandler(handler)
    try:
        yield
    finally:
        PROGRESS_LOGGER.removeHandler(handler)
        PROGRESS_LOGGER.setLevel(level)
        PROGRESS_LOGGER.propagate = propagate
