"""Export of a plan as files: a workbook with a sheet per kind of row, or a CSV file per kind."""

import io
import zipfile

from django.utils.text import slugify

from planning.models import Plan
from transfer.resources import KINDS, RESOURCES
from transfer.resources import vocabulary as words
from transfer.resources.files import CSV, OutTable, write_csv, write_xlsx


def export_table(plan: Plan, kind: str, language: str | None = None) -> OutTable:
    """One kind of the plan's rows as a table (one query)."""
    language = words.file_language(language)
    dataset = RESOURCES[kind](plan=plan, language=language).export()
    return OutTable(
        title=words.sheet_label(kind, language), headers=list(dataset.headers), rows=list(dataset)
    )


def plan_export_xlsx(*, plan: Plan, language: str | None = None) -> bytes:
    """The plan as one workbook, a sheet per kind of row."""
    return write_xlsx([export_table(plan, kind, language) for kind in KINDS])


def plan_export_csv(*, plan: Plan, kind: str, language: str | None = None) -> bytes:
    """One kind of the plan's rows as a CSV file."""
    return write_csv(export_table(plan, kind, language), words.file_language(language))


def plan_export_csv_zip(*, plan: Plan, language: str | None = None) -> bytes:
    """Every kind's CSV file in one zip archive (which the import reads as it is)."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            name = csv_filename(plan, kind, language)
            archive.writestr(name, plan_export_csv(plan=plan, kind=kind, language=language))
    return output.getvalue()


def export_filename(plan: Plan, extension: str) -> str:
    return f"{slugify(plan.name) or 'plan'}.{extension}"


def csv_filename(plan: Plan, kind: str, language: str | None = None) -> str:
    """ "verksamhetsplan-omsorg-2023-Mätvärden.csv": the import knows the kind by its name."""
    return f"{slugify(plan.name) or 'plan'}-{words.sheet_label(kind, language)}.{CSV}"
