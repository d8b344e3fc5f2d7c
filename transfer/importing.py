"""Import of files into a plan through the resources, all or nothing, in one transaction."""

import difflib
from collections.abc import Callable, Sequence

import tablib
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from core.versioning import Actor
from planning.models import Plan
from transfer.progress import Progress, RowCounter
from transfer.report import ImportReport, sheet_report
from transfer.resources import KINDS, RESOURCES, Lookups
from transfer.resources import vocabulary as words
from transfer.resources.files import FileRefused, Table, UploadedFile, read_files

Applied = Callable[[ImportReport], None]


def plan_import(
    *,
    plan: Plan,
    files: Sequence[UploadedFile] = (),
    actor: Actor,
    apply: bool,
    language: str | None = None,
    expected_versions: dict[str, dict[int, int]] | None = None,
    tables: list[Table] | None = None,
    progress: Progress | None = None,
    on_applied: Applied | None = None,
) -> ImportReport:
    """Import files into a plan: all or nothing, in one transaction.

    With `apply` false (the preview), every row is run and everything is rolled back. With
    `apply`, the changes are kept only if no row has a problem. With `expected_versions` (from
    the preview), an object someone changed since the preview stops the import (EditConflict).
    `tables` are the files as already read (`read_files`); `progress` is told how far the rows
    are, and `on_applied` is called inside the transaction when the changes are kept.
    """
    language = words.file_language(language)
    report = ImportReport()
    if tables is None:
        try:
            tables = read_files(files)
        except FileRefused as refused:
            report.errors = refused.messages
            return report
    sheets = identify(tables, language, report)
    if not report.ok:
        return report
    return sheets_import(
        plan=plan,
        sheets=sheets,
        actor=actor,
        apply=apply,
        language=language,
        expected_versions=expected_versions,
        report=report,
        progress=progress,
        on_applied=on_applied,
    )


def sheets_import(
    *,
    plan: Plan,
    sheets: list[tuple[str, Table, tablib.Dataset, dict[str, str]]],
    actor: Actor,
    apply: bool,
    language: str,
    expected_versions: dict[str, dict[int, int]] | None = None,
    report: ImportReport | None = None,
    progress: Progress | None = None,
    on_applied: Applied | None = None,
) -> ImportReport:
    """Run tables whose kind and columns are known (a file's sheets, a pasted table) through
    the resources: all or nothing, in one transaction (see `plan_import`)."""
    report = report if report is not None else ImportReport()
    counter = RowCounter(sum(len(table.rows) for _kind, table, _data, _w in sheets), progress)
    with transaction.atomic():
        lookups = Lookups(plan)
        for kind, table, dataset, written in sheets:
            expected = None if expected_versions is None else expected_versions.get(kind, {})
            resource = RESOURCES[kind](
                plan=plan,
                actor=actor,
                language=language,
                lookups=lookups,
                expected_versions=expected,
            )
            resource.sheet_rows = [number for number, _cells in table.rows]
            resource.on_row = counter.step
            result = resource.import_data(dataset, raise_errors=False, use_transactions=True)
            report.sheets.append(sheet_report(resource, table, dataset, result, written))
            report.versions[kind] = resource.versions
        if apply and report.ok:
            report.applied = True
            if on_applied is not None:
                on_applied(report)
        else:
            transaction.set_rollback(True)
    counter.finish()
    return report


def identify(
    tables: list[Table], language: str, report: ImportReport
) -> list[tuple[str, Table, tablib.Dataset, dict[str, str]]]:
    """Each table's kind and its cells under column keys, in import order; problems go to
    the report's errors."""
    found: dict[str, Table] = {}
    for table in tables:
        kind = kind_of(table)
        if kind is None:
            report.errors.append(
                _(
                    "Styrkort cannot tell what “%(sheet)s” holds. Name it one of %(names)s, or "
                    "give it the headers of an exported file."
                )
                % {
                    "sheet": table.source,
                    "names": ", ".join(words.sheet_label(k, language) for k in KINDS),
                }
            )
        elif kind in found:
            report.errors.append(
                _("Both “%(first)s” and “%(second)s” hold %(kind)s. Put them in one sheet.")
                % {
                    "first": found[kind].source,
                    "second": table.source,
                    "kind": words.sheet_label(kind, language).lower(),
                }
            )
        else:
            found[kind] = table
    sheets = []
    for kind in KINDS:
        if kind in found:
            table = found[kind]
            keys, errors = column_keys(kind, table, language)
            if errors:
                report.errors.extend(errors)
                continue
            written = {
                key: str(header).strip()
                for key, header in zip(keys, table.headers, strict=False)
                if key is not None
            }
            sheets.append((kind, table, to_dataset(table, keys), written))
    return sheets


def kind_of(table: Table) -> str | None:
    """The kind a table holds: by its name, else by the headers it has."""
    by_name = words.kind_of_name(table.source)
    if by_name is not None:
        return by_name
    candidates = []
    for kind, resource in RESOURCES.items():
        keys = resource.column_keys()
        named = {words.column_key(header, keys) for header in table.headers} - {None}
        if set(resource.required_columns) <= named:
            candidates.append((len(named), kind))
    return max(candidates)[1] if candidates else None


def column_keys(kind: str, table: Table, language: str) -> tuple[list[str | None], list[str]]:
    """Each column's key (None for an empty, unnamed column) and what is wrong with them."""
    resource = RESOURCES[kind]
    known = resource.column_keys()
    language = words.headers_language(table.headers, known) or language
    keys: list[str | None] = []
    errors = []
    for index, header in enumerate(table.headers):
        if words.normalised(header) == "":
            if any(
                index < len(cells) and cells[index] not in (None, "") for _n, cells in table.rows
            ):
                errors.append(unnamed_column_message(table, index))
            keys.append(None)
            continue
        key = words.column_key(header, known)
        if key is None:
            errors.append(unknown_column_message(table, str(header), known, language))
        elif key in keys:
            errors.append(
                _("“%(sheet)s” has the column “%(column)s” twice. Keep one of them.")
                % {"sheet": table.source, "column": str(header).strip()}
            )
        keys.append(key)
    missing = [words.column_label(key, language) for key in resource.required_columns]
    missing = [
        label
        for key, label in zip(resource.required_columns, missing, strict=True)
        if key not in keys
    ]
    if missing:
        errors.append(
            ngettext(
                "“%(sheet)s” lacks the column %(columns)s. Add it, with its header in the first "
                "row, or export the plan to get a file with every column.",
                "“%(sheet)s” lacks the columns %(columns)s. Add them, with their headers in the "
                "first row, or export the plan to get a file with every column.",
                len(missing),
            )
            % {"sheet": table.source, "columns": ", ".join(f"“{label}”" for label in missing)}
        )
    return keys, errors


def unnamed_column_message(table: Table, index: int) -> str:
    return _(
        "Column %(letter)s of “%(sheet)s” has values but no header. Write its header in the "
        "first row, or delete the column."
    ) % {"letter": get_column_letter(index + 1), "sheet": table.source}


def unknown_column_message(table: Table, header: str, known: list[str], language: str) -> str:
    labels = {words.normalised(words.column_label(key, language)): key for key in known}
    for key in known:
        labels.update(dict.fromkeys(words.COLUMNS[key].accepted(), key))
    close = difflib.get_close_matches(words.normalised(header), list(labels), n=1, cutoff=0.6)
    columns = ", ".join(words.column_label(key, language) for key in known)
    if close:
        return _(
            "“%(sheet)s” has a column “%(column)s” that Styrkort does not know. Did you mean "
            "“%(suggestion)s”? The columns of this sheet are: %(columns)s."
        ) % {
            "sheet": table.source,
            "column": header.strip(),
            "suggestion": words.column_label(labels[close[0]], language),
            "columns": columns,
        }
    return _(
        "“%(sheet)s” has a column “%(column)s” that Styrkort does not know. The columns of this "
        "sheet are: %(columns)s."
    ) % {"sheet": table.source, "column": header.strip(), "columns": columns}


def to_dataset(table: Table, keys: list[str | None]) -> tablib.Dataset:
    """The table's cells under their column keys (unnamed empty columns left out)."""
    used = [index for index, key in enumerate(keys) if key is not None]
    dataset = tablib.Dataset(headers=[keys[index] for index in used])
    for _number, cells in table.rows:
        dataset.append([cells[index] if index < len(cells) else None for index in used])
    return dataset
