"""A table pasted from Word or Excel into a plan or one of its goals, read as the import reads a
sheet: the same vocabulary for the headers, the same resources for the cells (thresholds through
`indicators.thresholds`), the same preview, and all or nothing when it is saved.

The clipboard holds a copied table as HTML (Word, Excel, a web page) and as text with a tab
between cells (Excel): the HTML is read when it holds a table, else the text. The columns are
recognised by their headers in any of our languages; the planner may choose what any column
holds (or leave it out), and what the rows are. Pasted into a goal, the rows become that goal's
indicators or activities; pasted into the plan, goals, or indicators and activities with a goal
number column.

What cannot be read faithfully is refused with a message a person can act on: merged cells (a
value would have to be guessed for the cells it covers), more rows than are pasted at a time, an
empty paste. Invisible control characters are removed and said so.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.versioning import Actor
from goals.models import Goal
from planning.models import Plan
from planning.services import LOCKED_STATUSES, plan_locked_error
from transfer.importing import sheets_import, to_dataset
from transfer.report import ImportReport
from transfer.resources import RESOURCES
from transfer.resources import vocabulary as words
from transfer.resources.files import Table, listed

MAX_PASTE_ROWS = 1000
MAX_PASTE_CHARS = 2_000_000  # of text or of HTML, before anything is read
LEAVE_OUT = "-"  # a column the planner leaves out
AUTO = ""
GOAL_KINDS = (words.INDICATORS, words.ACTIVITIES)
PLAN_KINDS = (words.GOALS, words.INDICATORS, words.ACTIVITIES)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")


class PasteRefused(Exception):
    """A paste that cannot be read; the messages say why and what to do."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


# --- Reading the clipboard ------------------------------------------------------------------------


class _TableReader(HTMLParser):
    """The cells of the first table of an HTML fragment, and where cells are merged."""

    BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.finished = False
        self.rows: list[list[str]] = []
        self.merged: list[int] = []  # row numbers (from 1) with a merged cell
        self.cell: list[str] | None = None
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head", "title"):
            self.skipping += 1
        if self.finished:
            return
        if tag == "table":
            self.depth += 1
            return
        if self.depth != 1:
            if tag == "br" and self.cell is not None:
                self.cell.append("\n")
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
            self.cell = []
            spans = {name: value for name, value in attrs if name in ("colspan", "rowspan")}
            merged = any((value or "1").strip() not in ("", "1") for value in spans.values())
            if merged and len(self.rows) not in self.merged:
                self.merged.append(len(self.rows))
        elif self.cell is not None and (tag == "br" or tag in self.BLOCKS):
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head", "title"):
            self.skipping = max(0, self.skipping - 1)
        if self.finished:
            return
        if tag == "table":
            self.depth -= 1
            if self.depth == 0:
                self._end_cell()
                self.finished = True
        elif self.depth == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self.depth == 1 and tag in self.BLOCKS and self.cell is not None:
            self.cell.append("\n")

    def handle_data(self, data):
        if self.cell is not None and not self.skipping and not self.finished:
            self.cell.append(data)

    def _end_cell(self):
        if self.cell is not None and self.rows:
            self.rows[-1].append(cell_text("".join(self.cell)))
        self.cell = None


def cell_text(text: str) -> str:
    """A cell as typed: spaces collapsed within each line, empty lines dropped."""
    lines = (" ".join(line.replace("\u00a0", " ").split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _html_rows(html: str) -> list[list[str]] | None:
    """The rows of the first table in `html`, or None if it has no table."""
    if "<table" not in html.lower():
        return None
    reader = _TableReader()
    reader.feed(html)
    reader.close()
    reader._end_cell()
    if reader.merged:
        rows = [str(number) for number in reader.merged]
        raise PasteRefused(
            [
                _(
                    "The pasted table has merged cells (row %(rows)s). Styrkort reads one value "
                    "per cell: split the merged cells in Word or Excel, write the value in every "
                    "row, and copy the table again."
                )
                % {"rows": listed(rows)}
            ]
        )
    return reader.rows


def _text_rows(text: str) -> list[list[str]]:
    """Rows of text with a tab between cells (as Excel copies them, quotes and all)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    try:
        return [[cell_text(cell) for cell in row] for row in reader]
    except csv.Error:
        return [[cell_text(cell) for cell in line.split("\t")] for line in text.splitlines()]


@dataclass
class Pasted:
    """A pasted table: its rows of cells (the first may be its header), and what was noticed."""

    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def read_paste(text: str, html: str = "") -> Pasted:
    """The rows of a pasted table, without empty rows; PasteRefused if it cannot be read."""
    if len(text) > MAX_PASTE_CHARS or len(html) > MAX_PASTE_CHARS:
        raise PasteRefused([too_many_rows_message(None)])
    notes = []
    removed = len(_CONTROL.findall(text)) + len(_CONTROL.findall(html))
    text, html = _CONTROL.sub("", text), _CONTROL.sub("", html)
    if removed:
        notes.append(
            ngettext(
                "%(count)d invisible control character was removed from the pasted text.",
                "%(count)d invisible control characters were removed from the pasted text.",
                removed,
            )
            % {"count": removed}
        )
    rows = _html_rows(html) if html.strip() else None
    if rows is None:
        rows = _text_rows(text.replace("\r\n", "\n").replace("\r", "\n"))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise PasteRefused(
            [
                _(
                    "There is nothing to read. Copy the rows of a table in Word or Excel, with "
                    "its header row, and paste them into the field."
                )
            ]
        )
    if len(rows) > MAX_PASTE_ROWS + 1:
        raise PasteRefused([too_many_rows_message(len(rows))])
    width = max(len(row) for row in rows)
    return Pasted([row + [""] * (width - len(row)) for row in rows], notes)


def too_many_rows_message(count: int | None) -> str:
    if count is None:
        return _(
            "The pasted table is too large. Paste at most %(limit)s rows at a time, or import "
            "the whole plan as a file on the page Import and export."
        ) % {"limit": MAX_PASTE_ROWS}
    return _(
        "The pasted table has %(count)s rows; at most %(limit)s can be pasted at a time. Paste "
        "fewer rows, or import them as a file on the page Import and export."
    ) % {"count": count, "limit": MAX_PASTE_ROWS}


# --- The columns ----------------------------------------------------------------------------------


@dataclass
class Column:
    """A pasted column: its header as written, an example value, and what it holds."""

    index: int
    header: str
    example: str
    key: str | None  # a column key of the kind, LEAVE_OUT, or None: not known yet
    recognised: bool = False


@dataclass
class PasteResult:
    """What a paste would do (or did): the kind of rows, the columns, the import's report."""

    kind: str | None
    kinds: tuple[str, ...]
    columns: list[Column]
    header_row: bool
    report: ImportReport = field(default_factory=ImportReport)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and self.report.ok and bool(self.report.sheets)

    @property
    def can_save(self) -> bool:
        return self.ok and self.report.has_changes and not self.report.applied


def _known_keys(kind: str, goal: Goal | None) -> list[str]:
    keys = RESOURCES[kind].column_keys()
    return [key for key in keys if not (goal is not None and key == "goal_number")]


def _required(kind: str, goal: Goal | None) -> list[str]:
    required = RESOURCES[kind].required_columns
    return [key for key in required if not (goal is not None and key == "goal_number")]


def recognised_kind(headers: list[str], kinds: tuple[str, ...], goal: Goal | None):
    """The kind whose columns the headers name best (its required ones first), and how many
    headers it recognises."""
    best: tuple[int, int, str] | None = None
    for kind in kinds:
        keys = _known_keys(kind, goal)
        named = {words.column_key(header, keys) for header in headers} - {None}
        complete = int(set(_required(kind, goal)) <= named)
        score = (complete, len(named), kind)
        if named and (best is None or score[:2] > best[:2]):
            best = score
    return (best[2], best[1]) if best else (None, 0)


def columns_of(
    rows: list[list[str]], kind: str | None, header_row: bool, goal: Goal | None
) -> list[Column]:
    headers = rows[0] if header_row else [""] * len(rows[0])
    data = rows[1:] if header_row else rows
    keys = _known_keys(kind, goal) if kind else []
    columns = []
    for index, header in enumerate(headers):
        example = next((row[index] for row in data if row[index].strip()), "")
        key = words.column_key(header, keys) if kind and header.strip() else None
        if key is None and not any(row[index].strip() for row in data):
            key = LEAVE_OUT  # an empty column
        columns.append(Column(index, header, example, key, recognised=key not in (None, LEAVE_OUT)))
    return columns


# --- Preview and saving ---------------------------------------------------------------------------


def paste_import(
    *,
    plan: Plan,
    goal: Goal | None,
    text: str,
    html: str = "",
    kind: str = AUTO,
    header_row: bool | None = None,
    choices: dict[int, str] | None = None,
    actor: Actor,
    apply: bool,
    language: str | None = None,
    expected_versions: dict[str, dict[int, int]] | None = None,
) -> PasteResult:
    """Read a pasted table and run it through the import's resources, all or nothing.

    `kind` (goals, indicators or activities) and `choices` (column index -> column key or
    LEAVE_OUT) are the planner's; what they leave open is recognised from the headers. With
    `apply` false nothing is saved (the preview); with `apply`, everything is saved only if
    every row can be. `expected_versions` are the preview's: a row someone changed since stops it.
    """
    language = words.file_language(language)
    kinds = GOAL_KINDS if goal is not None else PLAN_KINDS
    if plan.status in LOCKED_STATUSES:
        return PasteResult(None, kinds, [], True, errors=plan_locked_error().messages)
    try:
        pasted = read_paste(text, html)
    except PasteRefused as refused:
        return PasteResult(None, kinds, [], True, errors=refused.messages)
    rows = pasted.rows
    found, count = recognised_kind(rows[0], kinds, goal)
    if header_row is None:
        header_row = count > 0
    if header_row and len(rows) == 1:
        return PasteResult(
            found,
            kinds,
            columns_of(rows, found, True, goal),
            True,
            errors=[_("The pasted table has a header row but no rows under it.")],
            notes=pasted.notes,
        )
    chosen = kind if kind in kinds else found
    columns = columns_of(rows, chosen, header_row, goal)
    for column in columns:
        choice = (choices or {}).get(column.index, AUTO)
        if choice == LEAVE_OUT or (chosen and choice in _known_keys(chosen, goal)):
            column.key = choice
    result = PasteResult(chosen, kinds, columns, header_row, notes=pasted.notes)
    result.row_count = len(rows) - int(header_row)
    result.errors = column_problems(result, goal, language)
    if result.errors:
        return result
    keys = [None if column.key == LEAVE_OUT else column.key for column in columns]
    data = rows[1:] if header_row else rows
    first = 2 if header_row else 1
    headers = [column.header for column in columns]
    numbered = [(first + index, list(row)) for index, row in enumerate(data)]
    if goal is not None:
        keys.append("goal_number")
        headers.append(words.column_label("goal_number", language))
        for _number, cells in numbered:
            cells.append(goal.number)
    source = _("the pasted table")
    table = Table(source=source, headers=headers, rows=numbered)
    written = {key: header for key, header in zip(keys, headers, strict=True) if key and header}
    result.report = sheets_import(
        plan=plan,
        sheets=[(chosen, table, to_dataset(table, keys), written)],
        actor=actor,
        apply=apply,
        language=language,
        expected_versions=expected_versions,
    )
    return result


def column_problems(result: PasteResult, goal: Goal | None, language: str) -> list[str]:
    """What keeps the columns from being read: no kind, a column nobody chose, a column
    chosen twice, a required column missing."""
    if result.kind is None:
        return [
            _(
                "Styrkort does not recognise the headers of the pasted table. Choose what the "
                "rows are and what each column holds below, or paste the table with its header "
                "row."
            )
        ]
    problems = []
    unknown = [column for column in result.columns if column.key is None]
    for column in unknown:
        name = column.header.strip() or _("column %(number)s") % {"number": column.index + 1}
        problems.append(
            _(
                "Styrkort does not know the column “%(column)s” (e.g. “%(example)s”). Choose "
                "what it holds, or leave it out."
            )
            % {"column": name, "example": column.example[:60]}
        )
    seen: dict[str, Column] = {}
    for column in result.columns:
        if column.key in (None, LEAVE_OUT):
            continue
        if column.key in seen:
            problems.append(
                _("Two columns hold %(column)s. Choose it for one of them only.")
                % {"column": f"“{words.column_label(column.key, language)}”"}
            )
        seen[column.key] = column
    missing = [key for key in _required(result.kind, goal) if key not in seen]
    if missing and not unknown:
        problems.append(
            ngettext(
                "The rows need the column %(columns)s. Choose it for one of the columns.",
                "The rows need the columns %(columns)s. Choose them for columns of the table.",
                len(missing),
            )
            % {"columns": ", ".join(f"“{words.column_label(key, language)}”" for key in missing)}
        )
    return problems


def column_choices(kind: str, goal: Goal | None, language: str) -> list[tuple[str, str]]:
    """What a column may hold, for the planner's choice: the kind's columns in the user's
    language."""
    return [(key, words.column_label(key, language)) for key in _known_keys(kind, goal)]


def kind_label(kind: str, language: str) -> str:
    return words.sheet_label(kind, language)
