"""Spreadsheet files <-> tables of cells: Excel workbooks (.xlsx) and CSV files.

Reading refuses, with a message a person can act on, what cannot be imported faithfully: a file
that is not a spreadsheet, an empty file, an old .xls, a workbook that unpacks to far more than
its size, formulas (only values are read: a formula's stored result may be stale or missing, so
Styrkort asks for values instead of guessing) and merged cells (one value per cell). Sizes are
checked before anything is parsed.

CSV files are written as Excel in the Nordic countries opens them: UTF-8 with a byte order mark,
semicolons between cells where the decimal separator is a comma. Text that a spreadsheet would
run as a formula (starting with = + - @) is written with a leading apostrophe, which reading
removes again.
"""

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * MAX_UPLOAD_BYTES  # a workbook is a zip archive of XML
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


class FileRefused(Exception):
    """A file cannot be imported; the messages say why and what to do."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


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


def too_large_message(name: str, size: int) -> str:
    return _(
        "The file “%(name)s” is %(size)s MB; at most %(limit)s MB can be imported. Import "
        "fewer rows at a time, e.g. one sheet or one year per file."
    ) % {
        "name": name,
        "size": number_format(size / 1024 / 1024, 1),
        "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
    }


# --- Reading --------------------------------------------------------------------------------------


def read_files(files: Sequence[UploadedFile]) -> list[Table]:
    """Every table of every file; raises FileRefused with every file's problems."""
    tables: list[Table] = []
    problems: list[str] = []
    for upload in files:
        try:
            tables.extend(read_file(upload))
        except FileRefused as refused:
            problems.extend(refused.messages)
    if problems:
        raise FileRefused(problems)
    if not tables:
        raise FileRefused([_("The files have no rows to import.")])
    return tables


def read_file(upload: UploadedFile) -> list[Table]:
    """The non-empty tables of one file, or FileRefused."""
    if not upload.content:
        raise FileRefused([_("The file “%(name)s” is empty.") % {"name": upload.name}])
    if len(upload.content) > MAX_UPLOAD_BYTES:
        raise FileRefused([too_large_message(upload.name, len(upload.content))])
    tables = _read_xlsx(upload) if file_type(upload) == XLSX else [_read_csv(upload)]
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


def _read_xlsx(upload: UploadedFile) -> list[Table]:
    try:
        with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise _unreadable(upload) from None
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise FileRefused([too_large_message(upload.name, MAX_UNPACKED_BYTES + 1)])
    names = [member.filename for member in members if not member.is_dir()]
    if names and all(name.lower().endswith(".csv") for name in names):
        return _read_csv_archive(upload, names)
    if "xl/workbook.xml" not in names:
        raise _unreadable(upload)
    try:
        workbook = load_workbook(io.BytesIO(upload.content), data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for broken files
        raise _unreadable(upload) from None
    problems, tables = [], []
    for sheet in workbook.worksheets:
        table, sheet_problems = _read_sheet(sheet)
        tables.append(table)
        problems.extend(sheet_problems)
    if problems:
        raise FileRefused(problems)
    return tables


def _read_csv_archive(upload: UploadedFile, names: list[str]) -> list[Table]:
    """The CSV files of a zip archive (as Styrkort exports them), one table each."""
    tables, problems = [], []
    with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
        for name in names:
            member = UploadedFile(name=PurePath(name).name, content=archive.read(name))
            try:
                tables.append(_read_csv(member))
            except FileRefused as refused:
                problems.extend(refused.messages)
    if problems:
        raise FileRefused(problems)
    return tables


def _read_sheet(sheet) -> tuple[Table, list[str]]:
    """A worksheet's table, and what makes it unreadable (formulas, merged cells)."""
    problems = []
    ranges = sorted(sheet.merged_cells.ranges, key=lambda found: (found.min_row, found.min_col))
    merged = [str(cell_range) for cell_range in ranges]
    if merged:
        problems.append(
            _(
                "The sheet “%(sheet)s” has merged cells (%(ranges)s). Styrkort reads one value "
                "per cell: unmerge the cells, write the value in every row and upload again."
            )
            % {"sheet": sheet.title, "ranges": listed(merged)}
        )
    formulas: list[str] = []
    table = Table(source=sheet.title, headers=[])
    for number, row in enumerate(sheet.iter_rows(), start=1):
        values = []
        for cell in row:
            if cell.data_type == "f":
                formulas.append(cell.coordinate)
            values.append(cell.value)
        _add_row(table, number, values)
    if formulas:
        problems.append(
            _(
                "The sheet “%(sheet)s” has formulas in %(cells)s. Styrkort reads values, never "
                "formulas: replace the formulas by their values (copy the cells and paste them "
                "as values) and upload again."
            )
            % {"sheet": sheet.title, "cells": listed(formulas)}
        )
    return table, problems


def _add_row(table: Table, number: int, values: list[object]) -> None:
    """The first non-empty row is the header; empty rows are left out."""
    if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
        return
    if not table.headers:
        table.headers = values
    else:
        table.rows.append((number, values))


def _decode(upload: UploadedFile) -> str:
    try:
        return upload.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return upload.content.decode("cp1252")  # Excel's "CSV" in the Nordic countries
    except UnicodeDecodeError:
        raise FileRefused(
            [
                _(
                    "“%(name)s” is not a text file that Styrkort can read. Save it as CSV "
                    "(UTF-8) and upload it again."
                )
                % {"name": upload.name}
            ]
        ) from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _read_csv(upload: UploadedFile) -> Table:
    text = _decode(upload)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    table = Table(source=upload.name, headers=[])
    formulas = []
    try:
        for values in reader:
            row = []
            for column, value in enumerate(values, start=1):
                if value.startswith("="):
                    formulas.append(f"{get_column_letter(column)}{reader.line_num}")
                row.append(_ESCAPED.sub("", value))
            _add_row(table, reader.line_num, row)
    except csv.Error:
        raise FileRefused(
            [_("“%(name)s” is not a well-formed CSV file.") % {"name": upload.name}]
        ) from None
    if formulas:
        raise FileRefused(
            [
                _(
                    "“%(name)s” has formulas in %(cells)s. Styrkort reads values, never "
                    "formulas: replace them by their values and upload again."
                )
                % {"name": upload.name, "cells": listed(formulas)}
            ]
        )
    return table


# --- Writing --------------------------------------------------------------------------------------


@dataclass
class OutTable:
    """A table to write: a sheet's or file's title, headers and rows of native values."""

    title: str
    headers: list[str]
    rows: list[Sequence[object]]


def write_xlsx(tables: Sequence[OutTable]) -> bytes:
    """One workbook with a sheet per table; numbers stay numbers, text is never a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table.title)
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_xlsx_value(value) for value in row])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":
                    cell.data_type = "s"  # text that looks like a formula stays text
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 4)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


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
