"""Reading an Excel workbook (.xlsx) row by row, with bounded memory.

A workbook is a zip archive of XML. Its sheets are read as a stream (expat, one chunk of the
unpacked XML at a time) instead of being loaded: only the rows with values are kept, cells are
never created for the empty rectangle up to the farthest cell, and a sheet that declares or has
more rows, columns or cells than the limits (`limits.Limits`) is stopped where it passes one.
Every sheet's declared size (its `<dimension>`) is checked before any sheet's rows are read.

Values are read as openpyxl reads them: numbers as int or float, a number with a date format as
a datetime, booleans, text (shared or inline, rich text joined, phonetic hints left out).
Formulas and merged cells are reported, not read. Documents with a DTD are refused: a workbook
never has one, and entities are how XML bombs grow.
"""

import contextlib
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from transfer.resources.limits import (
    Budget,
    FileRefused,
    Limits,
    cells_message,
    columns_message,
    rows_message,
)

CHUNK = 64 * 1024
WORKSHEET = "/worksheet"
SHARED_STRINGS = "/sharedStrings"
STYLES = "/styles"
OFFICE_DOCUMENT = "/officeDocument"
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COLUMN = re.compile(r"^\$?([A-Za-z]{1,3})")
_ROW = re.compile(r"(\d+)$")


class Unreadable(Exception):
    """The workbook is broken, or is not one (the caller says so in words)."""


class _Done(Exception):
    """Stops a parse that has found what it was looking for."""


# --- Streaming XML ------------------------------------------------------------------------------


def _local(name: str) -> str:
    """An element's or attribute's name without its namespace."""
    return name.rpartition(" ")[2]


def _attributes(attributes: dict[str, str]) -> dict[str, str]:
    return {_local(name): value for name, value in attributes.items()}


def _no_dtd(*_args) -> None:
    raise Unreadable("a document type declaration")


def parse(
    archive: zipfile.ZipFile,
    member: str,
    budget: Budget,
    *,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream one member's XML through the handlers (element names without namespaces); every
    unpacked byte is counted against the budget."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    parser.StartElementHandler = lambda name, attributes: start(
        _local(name), _attributes(attributes)
    )
    if end is not None:
        parser.EndElementHandler = lambda name: end(_local(name))
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                budget.take(len(chunk))
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Done:
        return
    except (expat.ExpatError, zipfile.BadZipFile, KeyError, ValueError, EOFError) as error:
        raise Unreadable(str(error)) from error


# --- The workbook's parts -------------------------------------------------------------------------


@dataclass
class SheetPart:
    title: str
    path: str


@dataclass
class WorkbookParts:
    sheets: list[SheetPart] = field(default_factory=list)
    shared_strings: str | None = None
    styles: str | None = None
    date1904: bool = False


def _relationships(archive: zipfile.ZipFile, part: str, budget: Budget) -> dict[str, tuple]:
    """A part's relationships: id -> (type, target path in the archive)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple] = {}
    if rels not in archive.NameToInfo:
        return found

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(folder, target))
            found[attributes.get("Id", "")] = (attributes.get("Type", ""), path)

    parse(archive, rels, budget, start=start)
    return found


def workbook_parts(archive: zipfile.ZipFile, budget: Budget) -> WorkbookParts:
    """Where the workbook's sheets, shared strings and styles are, in the workbook's order."""
    workbook = next(
        (
            path
            for kind, path in _relationships(archive, "", budget).values()
            if kind.endswith(OFFICE_DOCUMENT)
        ),
        "xl/workbook.xml",
    )
    if workbook not in archive.NameToInfo:
        raise Unreadable("no workbook")
    relationships = _relationships(archive, workbook, budget)
    parts = WorkbookParts()
    for kind, path in relationships.values():
        if kind.endswith(SHARED_STRINGS):
            parts.shared_strings = path
        elif kind.endswith(STYLES):
            parts.styles = path

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "workbookPr":
            parts.date1904 = attributes.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet":
            kind, path = relationships.get(attributes.get("id", ""), ("", ""))
            if kind.endswith(WORKSHEET):  # chart sheets have no cells
                parts.sheets.append(SheetPart(attributes.get("name", ""), path))

    parse(archive, workbook, budget, start=start)
    for part in parts.sheets:
        if part.path not in archive.NameToInfo:
            raise Unreadable(f"no {part.path}")
    return parts


def shared_strings(
    archive: zipfile.ZipFile, path: str | None, budget: Budget, limit: int
) -> list[str]:
    """The workbook's table of shared strings (at most `limit` of them): the text of each
    item's <t> elements, rich text joined, phonetic hints (<rPh>) left out."""
    strings: list[str] = []
    if path is None or path not in archive.NameToInfo:
        return strings
    item: list[str] = []
    depth = {"t": 0, "rPh": 0}

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "si":
            if len(strings) >= limit:
                raise Unreadable("too many shared strings")
            item.clear()
        elif tag in depth:
            depth[tag] += 1

    def end(tag: str) -> None:
        if tag == "si":
            strings.append("".join(item))
        elif tag in depth:
            depth[tag] -= 1

    def text(data: str) -> None:
        if depth["t"] and not depth["rPh"]:
            item.append(data)

    parse(archive, path, budget, start=start, end=end, text=text)
    return strings


def date_styles(
    archive: zipfile.ZipFile, path: str | None, budget: Budget
) -> tuple[set[int], set[int]]:
    """The indexes of the cell formats that show a date, and of those that show a duration."""
    dates: set[int] = set()
    durations: set[int] = set()
    if path is None or path not in archive.NameToInfo:
        return dates, durations
    custom: dict[int, str] = {}
    formats: list[int] = []
    state = {"in_xfs": False}

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attributes.get("numFmtId", ""))] = attributes.get("formatCode", "")
        elif tag == "cellXfs":
            state["in_xfs"] = True
        elif tag == "xf" and state["in_xfs"]:
            try:
                formats.append(int(attributes.get("numFmtId", "0")))
            except ValueError:
                formats.append(0)

    def end(tag: str) -> None:
        if tag == "cellXfs":
            state["in_xfs"] = False

    parse(archive, path, budget, start=start, end=end)
    for index, number in enumerate(formats):
        code = custom.get(number, BUILTIN_FORMATS.get(number))
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


# --- Sheets -------------------------------------------------------------------------------------


def dimension_size(ref: str) -> tuple[int, int] | None:
    """(last row, last column) of a dimension such as "A1:ALL1000", or None if unreadable."""
    last = ref.split(":")[-1].strip()
    column, row = _COLUMN.match(last), _ROW.search(last)
    if column is None or row is None:
        return None
    try:
        return int(row.group(1)), column_index_from_string(column.group(1).upper())
    except ValueError:
        return None


def range_position(ref: str) -> tuple[int, int]:
    """(row, column) of a range's first cell, to list ranges as they appear in the sheet."""
    found = _CELL.match(ref.split(":")[0].strip())
    if found is None:
        return (0, 0)
    return int(found.group(2)), column_index_from_string(found.group(1).upper())


def declared_size(
    archive: zipfile.ZipFile, part: SheetPart, budget: Budget
) -> tuple[int, int] | None:
    """The sheet's size as its <dimension> declares it (read up to the first row only)."""
    found: list[tuple[int, int] | None] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "dimension":
            found.append(dimension_size(attributes.get("ref", "")))
            raise _Done
        if tag == "sheetData":
            raise _Done

    parse(archive, part.path, budget, start=start)
    return found[0] if found else None


def check_declared(title: str, size: tuple[int, int] | None, limits: Limits) -> list[str]:
    """What a sheet's declared size passes."""
    if size is None:
        return []
    rows, columns = size
    if columns > limits.columns:
        return [columns_message(title, get_column_letter(columns), columns, limits.columns)]
    if rows > limits.rows:
        return [rows_message(title, rows, limits.rows)]
    if rows * columns > limits.cells:
        return [cells_message(title, rows * columns, limits.cells)]
    return []


@dataclass
class SheetContent:
    """What reading a sheet found besides its rows: formulas and merged ranges."""

    formulas: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)


class _SheetReader:
    """The handlers of one sheet's stream: rows with their values, in order."""

    def __init__(
        self,
        title: str,
        limits: Limits,
        strings: list[str],
        dates: set[int],
        durations: set[int],
        epoch,
        on_row: Callable[[int, list[object]], None],
    ):
        self.title = title
        self.limits = limits
        self.strings = strings
        self.dates = dates
        self.durations = durations
        self.epoch = epoch
        self.on_row = on_row
        self.content = SheetContent()
        self.row_number = 0
        self.column = 0
        self.cells = 0
        self.row: dict[int, object] | None = None
        self.cell: dict[str, str] | None = None
        self.text: list[str] | None = None
        self.formula = False
        self.capture = 0  # inside a <v> or <t> of the current cell
        self.phonetic = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "c":
            self._start_cell(attributes)
        elif tag in ("v", "t") and self.cell is not None:
            if self.text is None:
                self.text = []
            self.capture += 1
        elif tag == "f" and self.cell is not None:
            self.formula = True
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "row":
            self._start_row(attributes)
        elif tag == "mergeCell":
            self.content.merged.append(attributes.get("ref", ""))

    def end(self, tag: str) -> None:
        if tag == "c":
            self._end_cell()
        elif tag == "row":
            if self.row:
                width = max(self.row)
                self.on_row(self.row_number, [self.row.get(i) for i in range(1, width + 1)])
            self.row = None
        elif tag in ("v", "t") and self.capture:
            self.capture -= 1
        elif tag == "rPh":
            self.phonetic -= 1

    def character_data(self, data: str) -> None:
        if self.capture and not self.phonetic:
            self.text.append(data)

    def _start_row(self, attributes: dict[str, str]) -> None:
        number = attributes.get("r")
        try:
            self.row_number = int(number) if number else self.row_number + 1
        except ValueError:
            raise Unreadable(f"row number {number!r}") from None
        if self.row_number > self.limits.rows:
            raise FileRefused([rows_message(self.title, self.row_number, self.limits.rows)])
        self.row, self.column = {}, 0

    def _start_cell(self, attributes: dict[str, str]) -> None:
        self.cells += 1
        if self.cells > self.limits.cells:
            raise FileRefused([cells_message(self.title, self.cells, self.limits.cells)])
        reference = attributes.get("r")
        if reference:
            found = _CELL.match(reference)
            if found is None:
                raise Unreadable(f"cell reference {reference!r}")
            self.column = column_index_from_string(found.group(1).upper())
            row = int(found.group(2))
            if row > self.limits.rows:
                raise FileRefused([rows_message(self.title, row, self.limits.rows)])
        else:
            self.column += 1
        if self.column > self.limits.columns:
            letter = get_column_letter(min(self.column, 18278))
            raise FileRefused(
                [columns_message(self.title, letter, self.column, self.limits.columns)]
            )
        if self.row is None:  # a cell outside a row: not a sheet Excel writes
            raise Unreadable("a cell outside a row")
        self.cell = attributes
        self.text = None
        self.capture = 0
        self.formula = False

    def _end_cell(self) -> None:
        cell, text = self.cell or {}, self.text
        self.cell, self.text = None, None
        if self.formula:
            self.content.formulas.append(f"{get_column_letter(self.column)}{self.row_number}")
            self.formula = False
            value = "="  # never read; the sheet is refused for its formulas
        else:
            value = self._value(cell, None if text is None else "".join(text))
        if value is not None and self.row is not None:
            self.row[self.column] = value

    def _value(self, cell: dict[str, str], text: str | None) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return text
        if not text:
            return None
        try:
            if kind == "n":
                number = float(text) if any(c in text for c in ".Ee") else int(text)
                style = int(cell.get("s", "0") or 0)
                if style in self.dates:
                    try:
                        return from_excel(number, self.epoch, timedelta=style in self.durations)
                    except (OverflowError, ValueError):
                        return "#VALUE!"
                return number
            if kind == "s":
                return self.strings[int(text)]
            if kind == "b":
                return bool(int(text))
            if kind == "d":
                return from_ISO8601(text)
        except (ValueError, IndexError) as error:
            raise Unreadable(f"cell value {text!r}") from error
        return text  # "str", "e": text as written


def read_sheet(
    archive: zipfile.ZipFile,
    part: SheetPart,
    budget: Budget,
    limits: Limits,
    strings: list[str],
    styles: tuple[set[int], set[int]],
    date1904: bool,
    on_row: Callable[[int, list[object]], None],
) -> SheetContent:
    """Stream a sheet's rows with values to `on_row(number, cells)`; the formulas and merged
    ranges it has. FileRefused where it passes a limit."""
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    reader = _SheetReader(part.title, limits, strings, *styles, epoch, on_row)
    parse(
        archive,
        part.path,
        budget,
        start=reader.start,
        end=reader.end,
        text=reader.character_data,
    )
    return reader.content
