"""An organisation's report, rendered plan by plan: each plan's chapter, then the cover and
contents, then the pages that carry the page numbers, each a document of its own rendered by
`reports.pdf.html_to_pdf` and written to a file, then merged into one file a part at a time
(`reports.pdf_merge`). WeasyPrint holds a whole document's layout in memory while it writes it
(3 GiB for 850 pages), so the memory this needs is that of the largest plan, not of the
organisation.

The progress (`organisation_pdf`'s `progress`) moves with every step of every part's rendering:
its HTML built, WeasyPrint's steps (its progress log: `rendering_steps`), every page laid out and
painted, the PDF written and its structure finished (`html_to_pdf`'s `on_step`), each by its
share of the time (`PART_STEPS`), so that no step of a chapter of a hundred pages passes without
it moving.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language

from reports.pdf import (
    RenderedPdf,
    css_string,
    estimate_pages,
    html_to_pdf,
    page_number_content,
    rendering_steps,
    report_html,
)
from reports.pdf_merge import PageNumbers, merge_parts
from reports.selectors import Report


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
    "html": 0.01,
    "styles": 0.015,
    "parsed": 0.07,
    "styled": 0.20,
    "boxes": 0.235,
    "laid out": 0.62,
    "painted": 0.83,
    "written": 0.89,
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
class Share:
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

    # Measured on the moderate city (bench/README.md): 917 pages, the chapters 504 s, the
    # contents 7 s, the page numbers' pages 7 s, the merging 14 s.
    STAGES = {"chapters": 0.94, "contents": 0.015, "numbers": 0.015, "merge": 0.03}

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
            pages = part.pages
            done = part.step(step, number)
            self.at("chapters", (self.pages_done + done * self.estimates[index]) / total)
            if self.on_pages is not None and part.pages > pages:
                self.on_pages(self.laid_out + part.pages)

        return on_step

    def chapter_done(self, index: int, pages: int) -> None:
        self.pages_done += self.estimates[index]
        self.laid_out += pages
        self.at("chapters", self.pages_done / max(sum(self.estimates), 1))

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
    page is laid out (`Share`); `pages(n)`, the pages of the chapters laid out so far."""
    share = Share(
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
    reports: list[Report], title: str, chapters: list[RenderedPdf], share: Share
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
