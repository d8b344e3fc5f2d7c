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

An organisation's report is rendered plan by plan and merged (`organisation_pdf`, with
`reports.pdf_merge`): WeasyPrint holds a whole document's layout in memory while it writes it, so
the memory a report needs is that of its largest plan, not of the organisation.
"""

import logging
import mimetypes
import posixpath
import tempfile
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
from reports.pdf_merge import PageNumbers, merge_parts
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


# --- An organisation's report, plan by plan ------------------------------------------------------


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


def chapter_stylesheet(organisation: str) -> str:
    """A plan's chapter rendered alone: its first page has the margins of the pages after it
    (in the document it follows other pages), the organisation's name comes from here (the
    cover that sets it is another part), and the page number is drawn later (`number_pages`)."""
    name = css_string(organisation)
    return (
        f"@page {{ @bottom-left {{ content: {name}; }} @bottom-right {{ content: none; }} }}\n"
        "@page :first { @top-left { content: string(doc-title); }"
        " @top-right { content: string(chapter); }"
        f" @bottom-left {{ content: {name}; }} }}\n"
    )


def contents_stylesheet(pages: dict[str, int]) -> str:
    """The cover and contents rendered alone: each entry's page number as a rule of its own (the
    chapters are other documents), the page numbers of the margin drawn later."""
    rules = ["@page { @bottom-right { content: none; } }"]
    rules += [
        f".toc-link[href={css_string('#' + anchor)}]::after "
        f'{{ content: leader(dotted) " {page}"; }}'
        for anchor, page in pages.items()
    ]
    return "\n".join(rules) + "\n"


def numbers_html(count: int) -> str:
    """`count` blank pages (their number is drawn in the margin)."""
    return (
        f'<!doctype html><html lang="{get_language()}"><head><meta charset="utf-8">'
        "<title>-</title></head><body>" + '<div class="page"></div>' * count + "</body></html>"
    )


def numbers_stylesheet(first: int, total: int) -> str:
    """Blank pages with nothing but their number, from page `first` of `total` on."""
    words = page_number_content(total)
    return (
        "@page { @top-left { content: none; } @top-right { content: none; }"
        f" @bottom-left {{ content: none; }} @bottom-right {{ content: {words}; }} }}\n"
        f"@page :first {{ counter-reset: page {first}; @bottom-right {{ content: {words}; }} }}\n"
        ".page + .page { break-before: page; }\n"
    )


NUMBERS_CHUNK = 500  # pages numbered at once (their layout is held in memory)

# How far a part's rendering is when each of its steps is done, as a share of its time
# (measured on the large city's chapters, bench/README.md): its HTML built, then WeasyPrint's
# steps (`rendering_steps`), the PDF written and its structure finished (`html_to_pdf`'s
# `on_step`), the file written. The layout moves page by page from "boxes" to "laid out", the
# painting from "laid out" to "painted".
PART_STEPS = {
    "html": 0.02,
    "styles": 0.03,
    "parsed": 0.06,
    "styled": 0.12,
    "boxes": 0.20,
    "laid out": 0.80,
    "painted": 0.88,
    "written": 0.94,
    "finished": 0.99,
    "saved": 1.0,
}


@dataclass
class _PartProgress:
    """How far one part's rendering is, 0 to 1, by its steps and pages (`PART_STEPS`), for
    `expected` pages; never goes back (WeasyPrint lays pages out again when their counters
    change). `pages` is the count of its pages laid out."""

    expected: int
    done: float = 0.0
    pages: int = 0

    def step(self, step: str, number: int) -> float:
        if step == "page":
            self.pages = max(self.pages, number - 1)  # page n begun: n - 1 laid out
            share = min(self.pages / max(self.expected, 1), 1.0)
            found = PART_STEPS["boxes"] + (PART_STEPS["laid out"] - PART_STEPS["boxes"]) * share
        elif step == "painted" and number:
            share = min(number / max(self.pages, self.expected, 1), 1.0)
            found = (
                PART_STEPS["laid out"] + (PART_STEPS["painted"] - PART_STEPS["laid out"]) * share
            )
        else:
            if step == "laid out":
                self.pages += 1  # the last page begun is laid out
            found = PART_STEPS[step]
        self.done = max(self.done, found)
        return self.done


@dataclass
class _Share:
    """How much of an organisation's report is done, 0 to 1, for its progress bar: the
    chapters by their pages (as estimated, until each is laid out) and each chapter's steps
    (`PART_STEPS`), then the contents, the page numbers' pages and the merging, each by its
    share of the time."""

    report: Callable[[float], None]
    estimates: list[int]
    pages_done: int = 0
    # The pages laid out so far, counted as WeasyPrint lays them out (`on_pages(n)`).
    on_pages: Callable[[int], None] | None = None
    laid_out: int = 0

    STAGES = {"chapters": 0.90, "contents": 0.02, "numbers": 0.02, "merge": 0.06}

    def _before(self, stage: str) -> float:
        names = list(self.STAGES)
        return sum(self.STAGES[name] for name in names[: names.index(stage)])

    def at(self, stage: str, share: float) -> None:
        self.report(self._before(stage) + self.STAGES[stage] * min(max(share, 0.0), 1.0))

    def chapter(self, index: int) -> Callable[[str, int], None]:
        """`on_step` for chapter `index`'s rendering."""
        part = _PartProgress(self.estimates[index])
        total = max(sum(self.estimates), 1)

        def on_step(step: str, number: int) -> None:
            done = part.step(step, number)
            self.at("chapters", (self.pages_done + done * self.estimates[index]) / total)
            if self.on_pages is not None and part.pages:
                self.on_pages(self.laid_out + part.pages)

        return on_step

    def chapter_done(self, index: int, pages: int) -> None:
        self.pages_done += self.estimates[index]
        self.laid_out += pages
        self.at("chapters", self.pages_done / max(sum(self.estimates), 1))
        if self.on_pages is not None:
            self.on_pages(self.laid_out)

    def stage(self, stage: str, before: float, weight: float, expected: int) -> Callable:
        """`on_step` for a rendering that is the share `before` to `before + weight` of
        `stage`."""
        part = _PartProgress(expected)

        def on_step(step: str, number: int) -> None:
            self.at(stage, before + weight * part.step(step, number))

        return on_step


def _render_part(
    html: Callable[[], str], extra_css: str, on_step: Callable[[str, int], None], **options
) -> RenderedPdf:
    """A part of an organisation's report: `html()` built and rendered, each step told."""
    text = html()
    on_step("html", 0)
    with rendering_steps(on_step):
        return html_to_pdf(text, extra_css, on_step=on_step, **options)


def organisation_pdf(
    reports: list[Report],
    *,
    title: str,
    progress: Callable[[float], None] | None = None,
    pages: Callable[[int], None] | None = None,
) -> RenderedPdf:
    """Several plans' reports as one tagged PDF, rendered a plan at a time (see the module
    docstring): each plan's chapter, then the cover and contents with the chapters' page
    numbers, then the pages that number every page but the cover, all merged with their tags,
    links and bookmarks into a file, a part at a time (`reports.pdf_merge`). The memory is that
    of the largest chapter, the time grows with the pages.
    `progress(share)`, from 0 to 1, as each step of each part's rendering is done and each
    page is laid out (`_Share`); `pages(n)`, the pages of the chapters laid out so far."""
    share = _Share(
        progress or (lambda _share: None),
        [max(estimate_pages([r]) - 2, 1) for r in reports],
        on_pages=pages,
    )
    organisation = str(reports[0].organisation) if reports else ""
    with tempfile.TemporaryDirectory(prefix="styrkort-report-") as folder:
        work = Path(folder)
        paths, chapters = [], []
        for index, plan_report in enumerate(reports):
            on_step = share.chapter(index)
            rendered = _render_part(
                lambda plan_report=plan_report: report_html([plan_report], title=title, part=True),
                chapter_stylesheet(organisation),
                on_step,
            )
            paths.append(work / f"chapter-{index}.pdf")
            paths[-1].write_bytes(rendered.content)
            chapters.append(RenderedPdf(b"", rendered.pages, rendered.anchors))
            del rendered
            share.chapter_done(index, chapters[-1].pages)
        front = _front_matter(reports, title, chapters, share)
        paths.insert(0, work / "front.pdf")
        paths[0].write_bytes(front.content)
        share.at("contents", 1)
        total = front.pages + sum(chapter.pages for chapter in chapters)
        numbers = []
        for first in range(1, total, NUMBERS_CHUNK):  # the cover has no number
            count = min(NUMBERS_CHUNK, total - first)
            rendered = _render_part(
                lambda count=count: numbers_html(count),
                numbers_stylesheet(first + 1, total),
                share.stage("numbers", (first - 1) / total, count / total, count),
                tagged=False,
            )
            numbers.append(work / f"numbers-{len(numbers)}.pdf")
            numbers[-1].write_bytes(rendered.content)
            del rendered
        share.at("numbers", 1)
        output = work / "report.pdf"
        page_numbers = PageNumbers(numbers, 1, NUMBERS_CHUNK)
        try:
            pages_merged = merge_parts(
                paths,
                output,
                numbers=page_numbers,
                progress=lambda done, total: share.at("merge", done / total),
            )
        finally:
            page_numbers.close()
        return RenderedPdf(output.read_bytes(), pages_merged)


def _front_matter(
    reports: list[Report], title: str, chapters: list[RenderedPdf], share: _Share
) -> RenderedPdf:
    """The cover and contents, each entry with the page of its plan or goal (counted from the
    cover; laid out again if the contents' own length changes with the numbers: twice as a
    rule, a third time at most, as the progress counts it)."""
    html = report_html(reports, title=title, front=True)
    front_pages, rendered = 0, None
    for attempt in range(3):
        numbers: dict[str, int] = {}
        before = front_pages
        for chapter in chapters:
            for anchor, index in chapter.anchors.items():
                numbers.setdefault(anchor, before + index + 1)
            before += chapter.pages
        rendered = _render_part(
            lambda: html,
            contents_stylesheet(numbers),
            share.stage("contents", min(attempt, 1) / 2, 0.5 if attempt < 2 else 0, 4),
        )
        if rendered.pages == front_pages:
            break
        front_pages = rendered.pages
    return rendered
