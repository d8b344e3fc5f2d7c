"""Import and export of a plan as spreadsheet files: the services behind the transfer pages.

Export: one Excel workbook with a sheet per kind of row (goals, indicators, activities, activity
statuses, measurements), or one CSV file per kind, headers in the user's language. Import reads
the same format (headers in any of our languages) through the resources of
`indicators.resources`, in one transaction: a preview runs every row and rolls everything back;
applying keeps the changes only if no row has a problem. Exporting and importing a plan changes
nothing.

Between the preview and the confirmation the uploaded files wait on the server (`pending`): the
confirmation reads them again and never trusts what the browser sends back.
"""

from transfer.exporting import (
    csv_filename,
    export_filename,
    export_table,
    plan_export_csv,
    plan_export_csv_zip,
    plan_export_xlsx,
)
from transfer.importing import plan_import
from transfer.pending import PENDING_DIR, PendingImport, pending_discard, pending_load, pending_save
from transfer.report import ImportReport, RowReport, SheetReport
from transfer.resources.files import CSV, XLSX, UploadedFile

__all__ = [
    "CSV",
    "PENDING_DIR",
    "XLSX",
    "ImportReport",
    "PendingImport",
    "RowReport",
    "SheetReport",
    "UploadedFile",
    "csv_filename",
    "export_filename",
    "export_table",
    "pending_discard",
    "pending_load",
    "pending_save",
    "plan_export_csv",
    "plan_export_csv_zip",
    "plan_export_xlsx",
    "plan_import",
]
