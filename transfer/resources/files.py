"""Spreadsheet files <-> tables of cells: Excel workbooks (.xlsx) and CSV files.

Reading refuses, with a message a person can act on, what cannot be imported faithfully: a file
that is not a spreadsheet, an empty file, an old .xls, a workbook that unpacks to far more than
its size, formulas (only values are read: a formula's stored result may be stale or missing, so
Styrkort asks for values instead of guessing) and merged cells (one value per cell). Sizes are
checked before anything is parsed, and again while it is read (`limits`); workbooks are read as
streams, row by row (`xlsx`).

CSV files are written as Excel in the Nordic countries opens them: UTF-8 with a byte order mark,
semicolons between cells where the decimal separator is a comma. Text that a spreadsheet would
run as a formula (starting with = + - @) is written with a leading apostrophe, which reading
removes again.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from transfer.resources import xlsx
from transfer.resources.limits import (
    Budget,
    FileRefused,
    Limits,
    cells_message,
    columns_message,
    open_archive,
    rows_message,
    too_large_message,
)

MAX_LISTED = 5  # cells or ranges named in a message before "and N more"

XLSX = "xlsx"
CSV = "csv"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or a password-protected workbook
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = re.compile(r"^'(?=[=+\-@\t\r])")
COMMA_LANGUAGES = frozenset({"sv", "nb", "nn"})


@dataclass(frozen=True)
class UploadedFile:
    """A file as uploaded: its name and its bytes."""

    name: str
    content: bytes


@dataclass
class Table:
    """One sheet of a workbook or one CSV file: its headers and its non-empty rows."""

    source: str
    headers: list[object]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (row number, cells)


def listed(items: Sequence[str]) -> str:
    """ "A1, B2, C3 and 4 more"."""
    shown = ", ".join(items[:MAX_LISTED])
    rest = len(items) - MAX_LISTED
    if rest <= 0:
        return shown
    return ngettext("%(items)s and %(count)d more", "%(items)s and %(count)d more", rest) % {
        "items": shown,
        "count": rest,
    }


# --- Reading --------------------------------------------------------------------------------------


def read_files(files: Sequence[UploadedFile], limits: Limits | None = None) -> list[Table]:
    """Every table of every file; raises FileRefused with every file's problems."""
    limits = limits or Limits.from_settings()
    tables: list[Table] = []
    problems: list[str] = []
    total = sum(len(upload.content) for upload in files)
    if total > limits.file_bytes:
        names = ", ".join(upload.name for upload in files)
        raise FileRefused([too_large_message(names, total, limits.file_bytes)])
    for upload in files:
        try:
            tables.extend(read_file(upload, limits))
        except FileRefused as refused:
            problems.extend(refused.messages)
    if problems:
        raise FileRefused(problems)
    if not tables:
        raise FileRefused([_("The files have no rows to import.")])
    return tables


def read_file(upload: UploadedFile, limits: Limits | None = None) -> list[Table]:
    """The non-empty tables of one file, or FileRefused."""
    limits = limits or Limits.from_settings()
    if not upload.content:
        raise FileRefused([_("The file “%(name)s” is empty.") % {"name": upload.name}])
    if len(upload.content) > limits.file_bytes:
        raise FileRefused([too_large_message(upload.name, len(upload.content), limits.file_bytes)])
    if file_type(upload) == XLSX:
        tables = _read_xlsx(upload, limits)
    else:
        tables = [_read_csv(upload.name, upload.content, limits)]
    tables = [table for table in tables if table.headers]
    if not any(table.rows for table in tables):
        raise FileRefused([_("The file “%(name)s” has no rows to import.") % {"name": upload.name}])
    return tables


def file_type(upload: UploadedFile) -> str:
    """XLSX or CSV, by the file's first bytes and name; FileRefused for anything else."""
    head = upload.content[:8]
    suffix = PurePath(upload.name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    if head.startswith(_OLE_MAGIC):
        raise FileRefused(
            [
                _(
                    "“%(name)s” is in the old Excel format (.xls), or is protected by a "
                    "password. Save it as an Excel workbook (.xlsx) without a password and "
                    "upload it again."
                )
                % {"name": upload.name}
            ]
        )
    if suffix in (".csv", ".txt") and b"\x00" not in upload.content[:4096]:
        return CSV
    raise FileRefused(
        [
            _(
                "“%(name)s” is not an Excel workbook (.xlsx) or a CSV file. Export the plan "
                "from Styrkort to get a file in the right format."
            )
            % {"name": upload.name}
        ]
    )


def _unreadable(upload: UploadedFile) -> FileRefused:
    return FileRefused(
        [
            _(
                "“%(name)s” could not be read as an Excel workbook (.xlsx). Open it in Excel "
                "and save it again as an Excel workbook."
            )
            % {"name": upload.name}
        ]
    )


def _read_xlsx(upload: UploadedFile, limits: Limits) -> list[Table]:
    """A workbook's sheets (or a zip archive's CSV files), read as streams (see `xlsx`): the
    archive's members are measured first, then every sheet's declared size, then the rows."""
    try:
        archive = open_archive(upload.name, upload.content, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise _unreadable(upload) from None
    budget = Budget(upload.name, limits.unpacked_bytes)
    with archive:
        names = [member.filename for member in archive.infolist() if not member.is_dir()]
        if names and all(name.lower().endswith(".csv") for name in names):
            return _read_csv_archive(upload, archive, names, budget, limits)
        try:
            return _read_sheets(archive, budget, limits)
        except xlsx.Unreadable:
            raise _unreadable(upload) from None


def _read_sheets(archive: zipfile.ZipFile, budget: Budget, limits: Limits) -> list[Table]:
    parts = xlsx.workbook_parts(archive, budget)
    problems = []
    for part in parts.sheets:
        size = xlsx.declared_size(archive, part, budget)
        problems.extend(xlsx.check_declared(part.title, size, limits))
    if problems:
        raise FileRefused(problems)
    strings = xlsx.shared_strings(archive, parts.shared_strings, budget, limits.cells)
    styles = xlsx.date_styles(archive, parts.styles, budget)
    tables = []
    for part in parts.sheets:
        table = Table(source=part.title, headers=[])
        content = xlsx.read_sheet(
            archive,
            part,
            budget,
            limits,
            strings,
            styles,
            parts.date1904,
            lambda number, values, table=table: _add_row(table, number, values),
        )
        problems.extend(_sheet_problems(part.title, content))
        tables.append(_finished(table))
    if problems:
        raise FileRefused(problems)
    return tables


def _read_csv_archive(
    upload: UploadedFile,
    archive: zipfile.ZipFile,
    names: list[str],
    budget: Budget,
    limits: Limits,
) -> list[Table]:
    """The CSV files of a zip archive (as Styrkort exports them), one table each."""
    tables, problems = [], []
    for name in names:
        chunks = []
        try:
            with archive.open(name) as stream:
                while chunk := stream.read(xlsx.CHUNK):
                    budget.take(len(chunk))
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise _unreadable(upload) from None
        try:
            tables.append(_read_csv(PurePath(name).name, b"".join(chunks), limits))
        except FileRefused as refused:
            problems.extend(refused.messages)
    if problems:
        raise FileRefused(problems)
    return tables


def _sheet_problems(title: str, content: xlsx.SheetContent) -> list[str]:
    """What makes a read sheet unreadable: merged cells, formulas."""
    problems = []
    if content.merged:
        merged = sorted(content.merged, key=xlsx.range_position)
        problems.append(
            _(
                "The sheet “%(sheet)s” has merged cells (%(ranges)s). Styrkort reads one value "
                "per cell: unmerge the cells, write the value in every row and upload again."
            )
            % {"sheet": title, "ranges": listed(merged)}
        )
    if content.formulas:
        problems.append(
            _(
                "The sheet “%(sheet)s” has formulas in %(cells)s. Styrkort reads values, never "
                "formulas: replace the formulas by their values (copy the cells and paste them "
                "as values) and upload again."
            )
            % {"sheet": title, "cells": listed(content.formulas)}
        )
    return problems


def _add_row(table: Table, number: int, values: list[object]) -> None:
    """The first non-empty row is the header; empty rows are left out."""
    if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
        return
    if not table.headers:
        table.headers = values
    else:
        table.rows.append((number, values))


def _finished(table: Table) -> Table:
    """The headers as wide as the widest row: a value beyond the last header is a column
    without a header (which the import names), never silently left out."""
    width = max((len(cells) for _number, cells in table.rows), default=0)
    if len(table.headers) < width:
        table.headers = table.headers + [None] * (width - len(table.headers))
    return table


def _decode(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")  # Excel's "CSV" in the Nordic countries
    except UnicodeDecodeError:
        raise FileRefused(
            [
                _(
                    "“%(name)s” is not a text file that Styrkort can read. Save it as CSV "
                    "(UTF-8) and upload it again."
                )
                % {"name": name}
            ]
        ) from None


def _delimiter(text: str) -> str:
    """The delimiter of the first non-empty line: semicolon, comma or tab."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _read_csv(name: str, content: bytes, limits: Limits) -> Table:
    """A CSV file's table, its rows, columns and cells counted against the limits as read."""
    text = _decode(name, content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    del text
    table = Table(source=name, headers=[])
    formulas = []
    cells = 0
    try:
        for values in reader:
            if reader.line_num > limits.rows:
                raise FileRefused([rows_message(name, reader.line_num, limits.rows)])
            if len(values) > limits.columns:
                letter = get_column_letter(min(len(values), 18278))
                raise FileRefused([columns_message(name, letter, len(values), limits.columns)])
            cells += len(values)
            if cells > limits.cells:
                raise FileRefused([cells_message(name, cells, limits.cells)])
            row = []
            for column, value in enumerate(values, start=1):
                if value.startswith("="):
                    formulas.append(f"{get_column_letter(column)}{reader.line_num}")
                row.append(_ESCAPED.sub("", value))
            _add_row(table, reader.line_num, row)
    except csv.Error:
        message = _("“%(name)s” is not a well-formed CSV file.") % {"name": name}
        raise FileRefused([message]) from None
    if formulas:
        raise FileRefused(
            [
                _(
                    "“%(name)s” has formulas in %(cells)s. Styrkort reads values, never "
                    "formulas: replace them by their values and upload again."
                )
                % {"name": name, "cells": listed(formulas)}
            ]
        )
    return _finished(table)


# --- Writing --------------------------------------------------------------------------------------


@dataclass
class OutTable:
    """A table to write: a sheet's or file's title, headers and rows of native values (any
    iterable: the rows of an export are counted as they are written)."""

    title: str
    headers: list[str]
    rows: Iterable[Sequence[object]]


def write_xlsx(tables: Iterable[OutTable]) -> bytes:
    """One workbook with a sheet per table; numbers stay numbers, text is never a formula.

    Written row by row (openpyxl's write-only mode): time and memory linear in the rows, none
    of the cells kept once written."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table.title)
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 4)
        headers = []
        for header in table.headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            headers.append(cell)
        sheet.append(headers)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _xlsx_cell(sheet, value: object) -> object:
    """A value as written: text that looks like a formula stays text."""
    value = _xlsx_value(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) if value else None
    return value


def csv_number(value: Decimal | int, language: str) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",") if language in COMMA_LANGUAGES else text


def write_csv(table: OutTable, language: str) -> bytes:
    """A CSV file as Excel in the user's language opens it (see the module's docstring)."""
    output = io.StringIO(newline="")
    delimiter = ";" if language in COMMA_LANGUAGES else ","
    writer = csv.writer(output, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_value(value, language) for value in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def _csv_value(value: object, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return csv_number(value, language)
    text = str(value)
    return "'" + text if text.startswith(_RISKY_START) else text
