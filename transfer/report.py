"""What an import did or would do: sheet by sheet, row by row, with each row's problems."""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.results import Result, RowResult

from core.versioning import EditConflict
from indicators.colour import format_value
from transfer.resources import PlanResource
from transfer.resources import vocabulary as words
from transfer.resources.files import Table
from transfer.resources.indicators import BANDS

NEW, UPDATE, SKIP = (
    RowResult.IMPORT_TYPE_NEW,
    RowResult.IMPORT_TYPE_UPDATE,
    RowResult.IMPORT_TYPE_SKIP,
)
INVALID, ERROR = RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR


@dataclass(frozen=True)
class Problem:
    """What is wrong in a row: the column (as headed in the user's language) and the message."""

    column: str
    message: str


@dataclass(frozen=True)
class Change:
    column: str
    before: str
    after: str


@dataclass
class RowReport:
    """One row of a sheet: what the import does with it, or why it cannot."""

    number: int  # the row's number in the sheet; the header is row 1
    label: str
    action: str  # NEW, UPDATE, SKIP, INVALID or ERROR
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.problems)


@dataclass
class SheetReport:
    """One sheet or file: its rows, and what makes the whole sheet unreadable."""

    kind: str
    title: str  # the kind in the user's language
    source: str  # the sheet's or file's name as uploaded
    rows: list[RowReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def of(self, action: str) -> list[RowReport]:
        return [row for row in self.rows if row.action == action]

    @property
    def created(self) -> list[RowReport]:
        return self.of(NEW)

    @property
    def changed(self) -> list[RowReport]:
        return self.of(UPDATE)

    @property
    def unchanged(self) -> list[RowReport]:
        return self.of(SKIP)

    @property
    def with_problems(self) -> list[RowReport]:
        return [row for row in self.rows if row.problems]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.with_problems


@dataclass
class ImportReport:
    """What an import did or would do, sheet by sheet; `applied` once it is saved."""

    sheets: list[SheetReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    applied: bool = False
    versions: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and all(sheet.ok for sheet in self.sheets)

    def count(self, action: str) -> int:
        return sum(len(sheet.of(action)) for sheet in self.sheets)

    @property
    def problem_count(self) -> int:
        sheet_errors = sum(len(sheet.errors) for sheet in self.sheets)
        return len(self.errors) + sheet_errors + len(self.problems())

    @property
    def has_changes(self) -> bool:
        return bool(self.count(NEW) or self.count(UPDATE))

    @property
    def count_created(self) -> int:
        return self.count(NEW)

    @property
    def count_changed(self) -> int:
        return self.count(UPDATE)

    def problems(self) -> list[tuple[SheetReport, RowReport, Problem]]:
        """Every row's problems, sheet by sheet, for one table of what to fix."""
        return [
            (sheet, row, problem)
            for sheet in self.sheets
            for row in sheet.with_problems
            for problem in row.problems
        ]


# --- Reporting rows -------------------------------------------------------------------------------


def column_title(key: str | None, language: str, written: dict[str, str] | None = None) -> str:
    """A column as the user knows it: its header as written in the file, else in `language`."""
    written = written or {}
    if key is None:
        return ""
    if key == BANDS:
        return ", ".join(
            written.get(column) or words.column_label(column, language)
            for column in ("red", "yellow", "green")
        )
    return written.get(key) or words.column_label(key, language)


def shown(value: object) -> str:
    """A cell's value as the preview shows it (numbers in the user's language)."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return format_value(Decimal(value))
    return "" if value is None else str(value)


def sheet_report(
    resource: PlanResource,
    table: Table,
    dataset: tablib.Dataset,
    result: Result,
    written: dict[str, str],
) -> SheetReport:
    """The preview of one sheet: every row's action, changes and problems."""
    language = resource.language
    sheet = SheetReport(
        kind=resource.kind, title=words.sheet_label(resource.kind, language), source=table.source
    )
    sheet.errors = [error_message(error.error) for error in result.base_errors]
    headers = dataset.headers
    for index, row_result in enumerate(result.rows):
        number = index + 1
        row = dict(zip(headers, dataset[index], strict=True))
        note = resource.notes.get(number)
        report = RowReport(
            number=table.rows[index][0],
            label=resource.row_label(row),
            action=row_result.import_type,
        )
        if row_result.validation_error is not None:
            report.problems = [
                Problem(column_title(column, language, written), message)
                for column, message in resource.error_columns(row_result.validation_error)
            ]
        report.problems += [Problem("", error_message(error.error)) for error in row_result.errors]
        if note is not None:
            report.notices = note.notices
            if row_result.import_type == UPDATE and note.before is not None:
                report.changes = [
                    Change(
                        column_title(key, language, written),
                        shown(resource.render_column(key, note.before)),
                        shown(resource.render_column(key, row_result.instance)),
                    )
                    for key in note.changed
                ]
        sheet.rows.append(report)
    return sheet


def error_message(error: Exception) -> str:
    """An unexpected problem with a row, in words."""
    if isinstance(error, EditConflict):
        return _(
            "Someone changed this row in Styrkort after the preview. Upload the file again to "
            "see the changes before importing."
        )
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return _("The row could not be saved (%(error)s).") % {"error": error}


# --- Keeping a report -----------------------------------------------------------------------------


def report_to_data(report: ImportReport) -> dict:
    """The report as plain JSON values, to keep it between a background preview and its page."""
    data = asdict(report)
    data["versions"] = {
        kind: {str(pk): version for pk, version in versions.items()}
        for kind, versions in report.versions.items()
    }
    return data


def report_from_data(data: dict) -> ImportReport:
    """The report kept by `report_to_data`."""
    sheets = [
        SheetReport(
            kind=sheet["kind"],
            title=sheet["title"],
            source=sheet["source"],
            errors=list(sheet["errors"]),
            rows=[
                RowReport(
                    number=row["number"],
                    label=row["label"],
                    action=row["action"],
                    changes=[Change(**change) for change in row["changes"]],
                    problems=[Problem(**problem) for problem in row["problems"]],
                    notices=list(row["notices"]),
                )
                for row in sheet["rows"]
            ],
        )
        for sheet in data["sheets"]
    ]
    versions = {
        kind: {int(pk): int(version) for pk, version in found.items()}
        for kind, found in data["versions"].items()
    }
    return ImportReport(
        sheets=sheets, errors=list(data["errors"]), applied=data["applied"], versions=versions
    )
