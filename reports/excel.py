"""A follow-up report as an Excel workbook, for people who continue in a spreadsheet.

Two layouts: a summary sheet and one sheet per goal (indicators, activities, the lower plans'
goals that contribute, analysis), or one flat sheet with a row per indicator and activity.
Values are numbers (not text), so they can be calculated with; the column beside the value
names its period, or marks a value carried from an earlier period ("from T1 2023"), as every
other output does.
Text that people wrote is always stored as text: a comment starting with "=" never becomes a
formula.
"""

import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.selectors import ActivityRow, GoalSection, IndicatorRow, Report
from reports.selectors.trend import basis_text

PER_GOAL, FLAT = "goals", "flat"
LAYOUTS = (PER_GOAL, FLAT)
SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAMES = set("[]:*?/\\")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    cleaned = "".join(" " if char in FORBIDDEN_IN_SHEET_NAMES else char for char in text).strip()
    name = cleaned[:SHEET_NAME_MAX] or "Sheet"
    suffix = 2
    while name.lower() in taken:
        tail = f" ({suffix})"
        name = cleaned[: SHEET_NAME_MAX - len(tail)] + tail
        suffix += 1
    taken.add(name.lower())
    return name


def _number_format(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def _put(sheet: Worksheet, row: int, column: int, value) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = "" if value is None else str(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        cell.alignment = WRAP
    return cell


def _write_row(sheet: Worksheet, row: int, values: Iterable, *, bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = _put(sheet, row, column, value)
        if bold:
            cell.font = BOLD


def _widths(sheet: Worksheet, widths: Iterable[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


INDICATOR_HEADERS = (
    gettext_lazy("Indicator"),
    gettext_lazy("Sub-goal"),
    gettext_lazy("Target"),
    gettext_lazy("Value"),
    gettext_lazy("Period of the value"),
    gettext_lazy("Unit"),
    gettext_lazy("Colour"),
    gettext_lazy("Band"),
    gettext_lazy("Compared with"),
    gettext_lazy("Value then"),
    gettext_lazy("Change"),
    gettext_lazy("Same period last year"),
    gettext_lazy("Value last year"),
    gettext_lazy("Change against last year"),
    gettext_lazy("Source"),
    gettext_lazy("Comment"),
    gettext_lazy("Why this colour"),
)
INDICATOR_NUMBER_COLUMNS = (4, 10, 13)
COMMENT_COLUMN = len(INDICATOR_HEADERS) - 2  # the comment's index in an indicator's values
ACTIVITY_HEADERS = (
    gettext_lazy("Activity"),
    gettext_lazy("Responsible"),
    gettext_lazy("When"),
    gettext_lazy("Status"),
    gettext_lazy("Comment"),
)


def _value_period(row: IndicatorRow) -> str:
    """The period of the value shown: its own ("T2 2023"), or the marker of a value carried
    from an earlier period ("from T1 2023")."""
    return row.carried_text if row.is_carried else row.value_period_label


def _compared_with(row: IndicatorRow) -> str:
    """What the trend compared the value with: "T1 2023 (previous period)", "Delår 2 2022
    (same period last year)", or why there is nothing to compare with."""
    basis = basis_text(row.previous.rule)
    if row.previous.period_label and basis:
        return f"{row.previous.period_label} ({basis})"
    return row.previous.text or row.previous.period_label


def _indicator_values(row: IndicatorRow) -> list:
    return [
        row.name,
        row.subgoal,
        row.target_text,
        row.value if row.value is not None or not row.result else row.result_label,
        _value_period(row),
        row.unit_text,
        row.colour_label,
        row.band_text,
        _compared_with(row),
        row.previous.value,
        row.previous.label,
        row.last_year.period_label,
        row.last_year.value,
        row.last_year.label,
        row.source_text,
        row.comment,
        row.colour_reason,
    ]


def _status_text(row: ActivityRow) -> str:
    if row.status_is_carried:
        return f"{row.status_label} ({row.status_carried_text})"
    return row.status_label


def _activity_values(row: ActivityRow) -> list:
    return [row.title, row.responsible, row.timing, _status_text(row), row.comment]


def _format_numbers(sheet: Worksheet, row: int, columns: Iterable[int], decimals: int) -> None:
    for column in columns:
        sheet.cell(row=row, column=column).number_format = _number_format(decimals)


def _summary_sheet(sheet: Worksheet, report: Report) -> None:
    """What a committee member reads first: counts, attention, overdue, perspectives."""
    _write_row(sheet, 1, [report.title], bold=True)
    _write_row(sheet, 2, [" · ".join(report.owners) or report.organisation])
    _write_row(sheet, 3, [f"{report.period_name} ({report.period_dates})"])
    row = 5
    summary = report.summary
    if summary is not None:
        _write_row(sheet, row, [_("Summary"), summary.lead], bold=True)
        for text in (summary.indicators_text, summary.activities_text, summary.goals_text):
            row += 1
            _write_row(sheet, row, ["", text])
        if summary.rollups:
            row += 2
            _write_row(sheet, row, [_("Goals fulfilled and indicators green")], bold=True)
            for rollup in summary.rollups:
                row += 1
                _write_row(sheet, row, [rollup.label, rollup.goals_text, rollup.indicators_text])
        if summary.attention:
            row += 2
            _write_row(sheet, row, [_("Needs attention")], bold=True)
            for item in summary.attention:
                row += 1
                goal = f"{item.goal_number}. {item.goal_title}"
                _write_row(sheet, row, [goal, item.name, item.value_text, item.colour_label,
                                        item.fell_text])  # fmt: skip
        if summary.overdue:
            row += 2
            _write_row(sheet, row, [_("Overdue activities")], bold=True)
            for activity in summary.overdue:
                row += 1
                _write_row(sheet, row, [activity.goal_number, activity.title, activity.timing,
                                        activity.status_label, activity.comment,
                                        activity.overdue_text])  # fmt: skip
    if report.perspectives:
        row += 2
        _write_row(sheet, row, [_("Perspectives")], bold=True)
        for perspective in report.perspectives:
            row += 1
            _write_row(sheet, row, [perspective.label, perspective.text])
    _widths(sheet, (34, 60, 16, 14, 40))


def _goal_sheet(sheet: Worksheet, report: Report, goal: GoalSection) -> None:
    _write_row(sheet, 1, [f"{goal.number}. {goal.title}"], bold=True)
    _write_row(sheet, 2, [report.title])
    row = 4
    _write_row(sheet, row, INDICATOR_HEADERS, bold=True)
    for indicator in goal.indicators:
        row += 1
        _write_row(sheet, row, _indicator_values(indicator))
        _format_numbers(sheet, row, INDICATOR_NUMBER_COLUMNS, indicator.decimals)
    row += 2
    _write_row(sheet, row, ACTIVITY_HEADERS, bold=True)
    for activity in goal.activities:
        row += 1
        _write_row(sheet, row, _activity_values(activity))
    if goal.contributions:
        row += 2
        _write_row(sheet, row, [_("Goals of lower plans that contribute")], bold=True)
        for found in goal.contributions:
            row += 1
            _write_row(sheet, row, [found.plan_name, f"{found.number}. {found.title}",
                                    found.share_done_text])  # fmt: skip
    row += 2
    _write_row(sheet, row, [_("Assessment"), goal.assessment_label], bold=True)
    _write_row(sheet, row + 1, [_("Analysis"), goal.analysis])
    _widths(sheet, (40, 30, 18, 12, 14, 12, 12, 14, 14, 12, 12, 14, 12, 14, 30, 50))
    sheet.freeze_panes = "B5"


# The flat sheet: a row per indicator and activity, the goal's columns repeated on each.
FLAT_LEAD = (gettext_lazy("Goal number"), gettext_lazy("Goal"), gettext_lazy("Row"))
FLAT_TAIL = (
    gettext_lazy("Responsible"),
    gettext_lazy("When"),
    gettext_lazy("Status"),
    gettext_lazy("Assessment"),
)
FLAT_HEADERS = (*FLAT_LEAD, *INDICATOR_HEADERS, *FLAT_TAIL)


def _flat_indicator(goal: GoalSection, row: IndicatorRow) -> list:
    return [goal.number, goal.title, _("Indicator"), *_indicator_values(row), "", "", "",
            goal.assessment_label]  # fmt: skip


def _flat_activity(goal: GoalSection, row: ActivityRow) -> list:
    middle = [""] * len(INDICATOR_HEADERS)
    middle[0], middle[COMMENT_COLUMN] = row.title, row.comment
    return [goal.number, goal.title, _("Activity"), *middle, row.responsible, row.timing,
            _status_text(row), goal.assessment_label]  # fmt: skip


def _flat_sheet(sheet: Worksheet, report: Report) -> None:
    _write_row(sheet, 1, FLAT_HEADERS, bold=True)
    row = 1
    number_columns = [len(FLAT_LEAD) + column for column in INDICATOR_NUMBER_COLUMNS]
    for goal in report.goals:
        for indicator in goal.indicators:
            row += 1
            _write_row(sheet, row, _flat_indicator(goal, indicator))
            _format_numbers(sheet, row, number_columns, indicator.decimals)
        for activity in goal.activities:
            row += 1
            _write_row(sheet, row, _flat_activity(goal, activity))
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FLAT_HEADERS))}{row}"
    _widths(sheet, (8, 30, 10, 40, 30, 18, 12, 14, 12, 12, 14, 14, 12, 12, 14, 12, 14, 30,
                    50, 20, 14, 16, 22))  # fmt: skip


def report_workbook(report: Report, layout: str = PER_GOAL) -> bytes:
    """The report as an .xlsx file's bytes, in the given layout (PER_GOAL or FLAT)."""
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown layout {layout!r}")
    workbook = Workbook()
    first = workbook.active
    taken: set[str] = set()
    if layout == FLAT:
        first.title = sheet_name(report.period_label, taken)
        _flat_sheet(first, report)
    else:
        first.title = sheet_name(_("Summary"), taken)
        _summary_sheet(first, report)
        for goal in report.goals:
            sheet = workbook.create_sheet(sheet_name(f"{goal.number}. {goal.title}", taken))
            _goal_sheet(sheet, report, goal)
    workbook.properties.title = report.title
    workbook.properties.creator = "Styrkort"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
