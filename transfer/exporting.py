"""Export of a plan as files: a workbook with a sheet per kind of row, or a CSV file per kind.

A plan of more than `EXPORT_BACKGROUND_ROWS` rows is exported by the background worker
(`transfer.export_jobs`) with the same functions, which then tell how far they are (`progress`:
each row counts twice, once read and once written).
"""

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import F, Func, Subquery
from django.utils.text import slugify

from planning.models import Plan
from transfer.progress import Progress, RowCounter
from transfer.resources import KINDS, RESOURCES
from transfer.resources import vocabulary as words
from transfer.resources.files import CSV, XLSX, OutTable, write_csv, write_xlsx

ZIP = "zip"
PROGRESS_EVERY = 500  # rows between two reports of progress


def export_row_counts(plan: Plan, kinds: Sequence[str] = KINDS) -> dict[str, int]:
    """How many rows each kind of the plan's export has, in one query of COUNTs."""
    counts = {
        f"rows_{kind}": Subquery(
            RESOURCES[kind](plan=plan)
            .get_queryset()
            .select_related(None)
            .order_by()
            .values(count=Func(F("pk"), function="COUNT"))
        )
        for kind in kinds
    }
    found = Plan.objects.filter(pk=plan.pk).values(**counts).get()
    return {kind: found[f"rows_{kind}"] or 0 for kind in kinds}


def export_table(
    plan: Plan, kind: str, language: str | None = None, counter: RowCounter | None = None
) -> OutTable:
    """One kind of the plan's rows as a table (one query); `counter` counts the rows read."""
    language = words.file_language(language)
    resource = RESOURCES[kind](plan=plan, language=language)
    if counter is not None:
        resource.on_row = counter.step
    dataset = resource.export()
    rows = list(dataset) if counter is None else _counted(list(dataset), counter)
    return OutTable(
        title=words.sheet_label(kind, language), headers=list(dataset.headers), rows=rows
    )


def _counted(rows: list, counter: RowCounter) -> Iterator:
    """The rows, each counted as it is written."""
    for row in rows:
        yield row
        counter.step()


def _counter(plan: Plan, kinds: Sequence[str], progress: Progress | None) -> RowCounter | None:
    if progress is None:
        return None
    total = 2 * sum(export_row_counts(plan, kinds).values())
    return RowCounter(total, progress, every=PROGRESS_EVERY)


def _tables(
    plan: Plan, kinds: Iterable[str], language: str | None, counter: RowCounter | None
) -> Iterator[OutTable]:
    """The tables one at a time: the rows of one kind are in memory while they are written."""
    for kind in kinds:
        yield export_table(plan, kind, language, counter)


def plan_export_xlsx(
    *, plan: Plan, language: str | None = None, progress: Progress | None = None
) -> bytes:
    """The plan as one workbook, a sheet per kind of row."""
    counter = _counter(plan, KINDS, progress)
    content = write_xlsx(_tables(plan, KINDS, language, counter))
    _finish(counter)
    return content


def plan_export_csv(
    *, plan: Plan, kind: str, language: str | None = None, progress: Progress | None = None
) -> bytes:
    """One kind of the plan's rows as a CSV file."""
    counter = _counter(plan, [kind], progress)
    content = _csv(plan, kind, language, counter)
    _finish(counter)
    return content


def _csv(plan: Plan, kind: str, language: str | None, counter: RowCounter | None) -> bytes:
    return write_csv(export_table(plan, kind, language, counter), words.file_language(language))


def plan_export_csv_zip(
    *, plan: Plan, language: str | None = None, progress: Progress | None = None
) -> bytes:
    """Every kind's CSV file in one zip archive (which the import reads as it is)."""
    counter = _counter(plan, KINDS, progress)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            name = csv_filename(plan, kind, language)
            archive.writestr(name, _csv(plan, kind, language, counter))
    _finish(counter)
    return output.getvalue()


def _finish(counter: RowCounter | None) -> None:
    if counter is not None:
        counter.finish()


def plan_export(
    *,
    plan: Plan,
    file_format: str,
    kind: str = "",
    language: str | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The plan as a workbook (`XLSX`), a zip of CSV files (`ZIP`) or one kind's CSV file."""
    if file_format == XLSX:
        return plan_export_xlsx(plan=plan, language=language, progress=progress)
    if file_format == ZIP:
        return plan_export_csv_zip(plan=plan, language=language, progress=progress)
    return plan_export_csv(plan=plan, kind=kind, language=language, progress=progress)


def export_filename(plan: Plan, extension: str) -> str:
    return f"{slugify(plan.name) or 'plan'}.{extension}"


def csv_filename(plan: Plan, kind: str, language: str | None = None) -> str:
    """ "verksamhetsplan-omsorg-2023-Mätvärden.csv": the import knows the kind by its name."""
    return f"{slugify(plan.name) or 'plan'}-{words.sheet_label(kind, language)}.{CSV}"
