"""A plan's export links: the file at once for a plan of few rows, or made in the background.

Anyone who may read a plan may export it. A plan of more than `EXPORT_BACKGROUND_ROWS` rows
(counted with one query) is not exported while the request waits: GET on an export link shows a
page that offers to make the file in the background (a POST, which any export link takes), and
the job's page follows the worker (htmx polls it; without JavaScript, a link reloads it) until
the file can be downloaded. A job is its asker's only, while they may read the plan; anyone
else gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from planning.models import Plan
from planning.permissions import plan_or_404
from transfer.exporting import export_row_counts
from transfer.resources import KINDS
from transfer.resources import vocabulary as words
from transfer.resources.files import CONTENT_TYPES, CSV, XLSX
from transfer.services import (
    ExportJob,
    export_in_background,
    export_job_filename,
    export_job_request,
    export_job_retry,
    export_rows,
    plan_export,
)

POLL_SECONDS = 2
CONTENT_TYPE = {
    ExportJob.Format.XLSX: CONTENT_TYPES[XLSX],
    ExportJob.Format.ZIP: "application/zip",
    ExportJob.Format.CSV: CONTENT_TYPES[CSV],
}
JOBS_LISTED = 10


def _download(content: bytes, filename: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE[file_format])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    return response


def _export(request: HttpRequest, plan_id: int, file_format: str, kind: str = "") -> HttpResponse:
    """GET: the file at once, or for a large plan the page that offers to make it in the
    background; POST: have the background worker make it."""
    plan = plan_or_404(request.user, plan_id)
    language = words.file_language()
    if request.method == "POST":
        job = export_job_request(
            plan=plan, file_format=file_format, kind=kind, language=language, actor=request.user
        )
        return redirect("transfer:plan_export_job", plan.pk, job.pk)
    rows = export_rows(plan, kind)
    if not export_in_background(rows):
        content = plan_export(plan=plan, file_format=file_format, kind=kind, language=language)
        filename = export_job_filename(plan, file_format, kind, language)
        return _download(content, filename, file_format)
    context = {
        "plan": plan,
        "rows": rows,
        "label": export_label(file_format, kind),
        "jobs": _own_jobs(request, plan).filter(format=file_format, kind=kind)[:JOBS_LISTED],
    }
    return render(request, "transfer/export.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def export_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as an Excel workbook, a sheet per kind of row."""
    return _export(request, plan_id, ExportJob.Format.XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def export_csv(request: HttpRequest, plan_id: int, kind: str) -> HttpResponse:
    """One kind of the plan's rows as a CSV file."""
    if kind not in KINDS:
        raise Http404
    return _export(request, plan_id, ExportJob.Format.CSV, kind)


@login_required
@require_http_methods(["GET", "POST"])
def export_csv_zip(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Every kind's CSV file in one zip archive."""
    return _export(request, plan_id, ExportJob.Format.ZIP)


# --- The transfer page's export links -------------------------------------------------------------


def _own_jobs(request: HttpRequest, plan: Plan):
    """The user's exports of the plan, newest first (without their files)."""
    return ExportJob.objects.filter(plan=plan, requested_by=request.user).defer("content")


def export_label(file_format: str, kind: str = "") -> str:
    """What a file is, in the page's language: "Excel workbook", "CSV file (Measurements)"."""
    label = ExportJob.Format(file_format).label
    return f"{label} ({words.sheet_label(kind)})" if kind else str(label)


def _labelled(jobs) -> list[ExportJob]:
    jobs = list(jobs)
    for job in jobs:
        job.label = export_label(job.format, job.kind)
    return jobs


def export_links(request: HttpRequest, plan: Plan) -> dict:
    """The export links of the transfer page: which lead to a page that offers to make the
    file in the background (no `download` then), and the user's exports (two queries)."""
    language = words.file_language()
    counts = export_row_counts(plan)
    kinds = [
        (kind, words.sheet_label(kind, language), export_in_background(counts[kind]))
        for kind in KINDS
    ]
    return {
        "export_rows": sum(counts.values()),
        "export_in_background": export_in_background(sum(counts.values())),
        "export_kinds": kinds,
        "export_jobs": _labelled(_own_jobs(request, plan)[:JOBS_LISTED]),
    }


# --- A background export --------------------------------------------------------------------------


def _own_job(request: HttpRequest, plan_id: int, pk: int, **extra) -> ExportJob:
    """The user's own export of a plan they may still read; a 404 otherwise."""
    plan = plan_or_404(request.user, plan_id)
    job = _own_jobs(request, plan).filter(pk=pk, **extra).first()
    if job is None:
        raise Http404
    job.plan = plan
    return job


@login_required
@require_GET
def export_job(request: HttpRequest, plan_id: int, pk: int) -> HttpResponse:
    """A background export: its progress bar (polled by htmx until it is finished), then the
    download, or why it failed and a button to try again."""
    job = _own_job(request, plan_id, pk)
    context = {
        "plan": job.plan,
        "job": job,
        "label": export_label(job.format, job.kind),
        "poll": POLL_SECONDS,
        "page": reverse("transfer:plan_export_job", args=[job.plan.pk, job.pk]),
    }
    template = "transfer/export_job.html#progress" if request.htmx else "transfer/export_job.html"
    return render(request, template, context)


@login_required
@require_GET
def export_job_file(request: HttpRequest, plan_id: int, pk: int) -> HttpResponse:
    """The file a background export made."""
    job = _own_job(request, plan_id, pk, status=ExportJob.Status.DONE)
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    return _download(bytes(content), job.filename, job.format)


@login_required
@require_POST
def export_job_retry_view(request: HttpRequest, plan_id: int, pk: int) -> HttpResponse:
    """Queue a failed background export again."""
    job = _own_job(request, plan_id, pk, status=ExportJob.Status.FAILED)
    export_job_retry(job=job, actor=request.user)
    messages.success(request, _("The file is being made again."))
    return redirect("transfer:plan_export_job", job.plan.pk, job.pk)
