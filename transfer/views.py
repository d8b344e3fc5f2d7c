"""A plan's import and export page: download the plan as files, upload files, preview, confirm.

Anyone who may read a plan may export it (the export links: `transfer.export_views`); only its
planners and administrators (`can_edit_plan`) may import into it, and everyone else gets a 404.
Importing takes two POSTs: the upload answers with a preview (nothing is saved), the
confirmation imports the files kept on the server since the upload (see `transfer.pending`), for
the person who uploaded them only. An import of more rows than `IMPORT_BACKGROUND_ROWS` is
previewed and imported by the background worker, its page showing how far it is.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.forms import StyledForm
from goals.models import Goal
from planning.models import Plan
from planning.permissions import can_edit_plan, plan_or_404, require
from planning.selectors import scope_for
from planning.shortcuts import structure_url
from transfer.export_views import export_links
from transfer.pasting import (
    LEAVE_OUT,
    PasteResult,
    column_choices,
    kind_label,
    paste_import,
)
from transfer.resources import KINDS, RESOURCES
from transfer.resources import vocabulary as words
from transfer.resources.files import UploadedFile
from transfer.resources.limits import megabytes, too_large_message
from transfer.services import (
    ImportJob,
    ImportReport,
    import_upload,
    pending_discard,
    pending_job,
    pending_report,
    progress_read,
)
from transfer.services import import_confirm as import_confirm_service

ACCEPTED = ".xlsx,.csv,.zip"
PREVIEW_LIMIT = 500  # rows listed per sheet and action, problems listed in all
POLL_SECONDS = 2


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by `FileField`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if not isinstance(data, list | tuple):
            return [single(data, initial)]
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [single(item, initial) for item in data]


class ImportForm(StyledForm):
    """The files to import: one workbook, or CSV files (one per kind), or a zip of them."""

    files = MultipleFileField(label=gettext_lazy("Files to import"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        self.limit = settings.IMPORT_MAX_FILE_BYTES
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "An Excel workbook (.xlsx) with the sheets of an export, or CSV files, one per "
            "sheet (or the zip archive of an export). At most %(limit)s MB."
        ) % {"limit": megabytes(self.limit)}
        self.fields["files"].widget.attrs.update({"accept": ACCEPTED, "data-max-bytes": self.limit})

    def clean_files(self) -> list:
        """Refuse by size before anything is read."""
        files = self.cleaned_data["files"]
        total = sum(upload.size for upload in files)
        if total > self.limit:
            name = files[0].name if len(files) == 1 else ", ".join(f.name for f in files)
            raise forms.ValidationError(too_large_message(name, total, self.limit))
        return files

    def uploads(self) -> list[UploadedFile]:
        return [
            UploadedFile(name=upload.name, content=b"".join(upload.chunks()))
            for upload in self.cleaned_data["files"]
        ]


# --- Pages ----------------------------------------------------------------------------------------


def _editable_plan(request: HttpRequest, plan_id: int) -> Plan:
    scope = scope_for(request.user)
    plan = plan_or_404(request.user, plan_id, scope)
    require(can_edit_plan(scope, plan))
    return plan


def _own_job(request: HttpRequest, plan: Plan, token: str) -> ImportJob | None:
    """The job of `token` if it is the user's own; another person's is a 404; None if there is
    none (expired, used, cancelled)."""
    job = pending_job(plan=plan, token=token)
    if job is not None and job.owner_id != request.user.pk:
        raise Http404
    return job


def _columns(language: str) -> list[tuple[str, list[str]]]:
    """Each sheet with its columns, as the page describes the format."""
    return [
        (
            words.sheet_label(kind, language),
            [words.column_label(key, language) for key in RESOURCES[kind].column_keys()],
        )
        for kind in KINDS
    ]


def _page(
    request: HttpRequest,
    plan: Plan,
    *,
    form: ImportForm | None = None,
    report: ImportReport | None = None,
    token: str = "",
) -> HttpResponse:
    scope = scope_for(request.user)
    language = words.file_language()
    can_import = can_edit_plan(scope, plan)
    form = form or ImportForm()
    context = {
        "plan": plan,
        "can_import": can_import,
        "form": form,
        "report": report,
        "token": token,
        "kinds": [(kind, words.sheet_label(kind, language)) for kind in KINDS],
        "columns": _columns(language),
        "max_megabytes": megabytes(form.limit),
        "limit": PREVIEW_LIMIT,
        "limit_slice": f":{PREVIEW_LIMIT}",
        "jobs": _open_jobs(request, plan) if can_import and not report else [],
        **(export_links(request, plan) if not report else {}),
    }
    template = "transfer/preview.html" if report else "transfer/page.html"
    return render(request, template, context)


def _open_jobs(request: HttpRequest, plan: Plan) -> list[ImportJob]:
    """The user's own background imports of the plan that are still to be seen through."""
    return list(
        ImportJob.objects.filter(plan=plan, owner=request.user, background=True).exclude(
            stage=ImportJob.Stage.IMPORT, status=ImportJob.Status.DONE
        )[:10]
    )


@login_required
@require_GET
def transfer_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Export links for everyone who may read the plan; the upload form for its planners."""
    return _page(request, plan_or_404(request.user, plan_id))


@login_required
@require_POST
def import_preview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Read the uploaded files and show what importing them would do; nothing is saved. A
    large import is previewed by the background worker: its page follows it."""
    plan = _editable_plan(request, plan_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, plan, form=form)
    upload = import_upload(
        plan=plan, files=form.uploads(), actor=request.user, language=words.file_language()
    )
    if upload.report is None:
        return redirect("transfer:plan_import_job", plan.pk, upload.job.token)
    token = upload.job.token if upload.job else ""
    return _page(request, plan, report=upload.report, token=token)


def _expired(request: HttpRequest, plan: Plan) -> HttpResponse:
    messages.error(
        request, _("The preview has expired or was already imported. Upload the file again.")
    )
    return redirect("transfer:plan_transfer", plan.pk)


@login_required
@require_POST
def import_confirm(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Import the files kept since the preview, all or nothing (a large import: in the
    background, followed on its page)."""
    plan = _editable_plan(request, plan_id)
    job = _own_job(request, plan, request.POST.get("token", ""))
    if job is None or not job.confirmable or job.stage != ImportJob.Stage.PREVIEW:
        return _expired(request, plan)
    report = import_confirm_service(job=job, actor=request.user)
    if job.background:
        return redirect("transfer:plan_import_job", plan.pk, job.token)
    if report is None:
        return _expired(request, plan)
    if not report.applied:
        return _page(request, plan, report=report)
    messages.success(request, imported_message(report))
    return redirect("transfer:plan_transfer", plan.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Forget the files kept for a preview (not an import the worker has begun)."""
    plan = _editable_plan(request, plan_id)
    job = _own_job(request, plan, request.POST.get("token", ""))
    if job is not None and job.stage == ImportJob.Stage.IMPORT and not job.is_finished:
        messages.error(request, _("The import is already running and cannot be cancelled."))
        return redirect("transfer:plan_import_job", plan.pk, job.token)
    if job is not None:
        pending_discard(job)
    messages.info(request, _("Nothing was imported."))
    return redirect("transfer:plan_transfer", plan.pk)


@login_required
@require_GET
def import_job(request: HttpRequest, plan_id: int, token: str) -> HttpResponse:
    """A background import, its owner's only: its progress bar (polled by htmx until it is
    finished, then the page reloads), then the preview to confirm, or what was imported."""
    plan = _editable_plan(request, plan_id)
    job = _own_job(request, plan, token)
    if job is None:
        raise Http404
    if request.htmx:
        response = render(request, "transfer/job.html#progress", _job_context(job))
        if job.is_finished:
            response["HX-Refresh"] = "true"  # the whole page: the preview, or what was done
        return response
    context = _job_context(job)
    report = pending_report(job) if job.is_finished and not job.is_imported else None
    language = words.file_language()
    context.update(
        {
            "report": report,
            "token": job.token if job.confirmable and job.stage == job.Stage.PREVIEW else "",
            "limit": PREVIEW_LIMIT,
            "limit_slice": f":{PREVIEW_LIMIT}",
            "kinds": [(kind, words.sheet_label(kind, language)) for kind in KINDS],
        }
    )
    return render(request, "transfer/job.html", context)


def _job_context(job: ImportJob) -> dict:
    done, total = progress_read(job) if not job.is_finished else (job.rows, job.rows)
    total = max(total, 1)
    return {
        "plan": job.plan,
        "job": job,
        "done": done,
        "total": total,
        "percent": min(100, round(100 * done / total)),
        "poll": POLL_SECONDS,
        "imported": imported_counts(job) if job.is_imported else "",
    }


def imported_message(report: ImportReport) -> str:
    return _(
        "The import is done. Rows created: %(created)d, changed: %(changed)d, left as they "
        "were: %(unchanged)d."
    ) % {
        "created": report.count("new"),
        "changed": report.count("update"),
        "unchanged": report.count("skip"),
    }


def imported_counts(job: ImportJob) -> str:
    return _(
        "The import is done. Rows created: %(created)d, changed: %(changed)d, left as they "
        "were: %(unchanged)d."
    ) % {"created": job.created, "changed": job.changed, "unchanged": job.unchanged}


# --- Pasting a table from Word or Excel -----------------------------------------------------------

PASTE_PAGE = "transfer/paste.html"


def _paste_goal(request: HttpRequest, plan: Plan) -> Goal | None:
    """The goal the table is pasted into (`goal`), or None for the plan itself."""
    value = request.POST.get("goal") or request.GET.get("goal") or ""
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(Goal, pk=int(value), plan=plan)


def _paste_inputs(request: HttpRequest) -> dict:
    """What was pasted and what the planner chose: the kind of rows, whether the first row is
    the header, and what each column holds (`column-<n>`)."""
    header = request.POST.get("header_row", "")
    choices = {}
    for name, value in request.POST.items():
        number = name.removeprefix("column-")
        if name.startswith("column-") and number.isdigit():
            choices[int(number)] = value
    return {
        "text": request.POST.get("text", ""),
        "html": request.POST.get("html", ""),
        "kind": request.POST.get("kind", ""),
        "header_row": None if header not in ("yes", "no") else header == "yes",
        "choices": choices,
    }


def _paste_answer(
    request: HttpRequest, plan: Plan, goal: Goal | None, result: PasteResult | None = None
) -> HttpResponse:
    language = words.file_language()
    inputs = _paste_inputs(request) if request.method == "POST" else {}
    context = {
        "plan": plan,
        "goal": goal,
        "result": result,
        "inputs": inputs,
        "where": f"goal-{goal.pk}" if goal else f"plan-{plan.pk}",
        "kinds": [(kind, kind_label(kind, language)) for kind in (result.kinds if result else ())],
        "choices": column_choices(result.kind, goal, language) if result and result.kind else [],
        "leave_out": LEAVE_OUT,
        "versions": json.dumps(result.report.versions) if result else "{}",
        "limit": PREVIEW_LIMIT,
    }
    if request.htmx:
        return render(request, f"{PASTE_PAGE}#preview", context)
    return render(request, PASTE_PAGE, context)


@login_required
def paste_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET: the page to paste a table on (without JavaScript; the plan page has the same form
    under each goal). POST: what the pasted table would become; nothing is saved."""
    plan = _editable_plan(request, plan_id)
    goal = _paste_goal(request, plan)
    if request.method == "GET":
        return _paste_answer(request, plan, goal)
    if request.method != "POST":
        return HttpResponse(status=405)
    result = paste_import(
        plan=plan,
        goal=goal,
        actor=request.user,
        apply=False,
        language=words.file_language(),
        **_paste_inputs(request),
    )
    return _paste_answer(request, plan, goal, result)


def _versions(text: str) -> dict[str, dict[int, int]]:
    """The versions the preview saw, as posted back; what is not such a table is no versions
    (every existing row then counts as changed since: the confirmation stops)."""
    try:
        found = json.loads(text)
        return {
            str(kind): {int(pk): int(version) for pk, version in versions.items()}
            for kind, versions in found.items()
        }
    except (ValueError, TypeError, AttributeError):
        return {"goals": {}, "indicators": {}, "activities": {}}


@login_required
@require_POST
def paste_confirm(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Save every row of the pasted table, or none (the preview is shown again, saying why)."""
    plan = _editable_plan(request, plan_id)
    goal = _paste_goal(request, plan)
    result = paste_import(
        plan=plan,
        goal=goal,
        actor=request.user,
        apply=True,
        language=words.file_language(),
        expected_versions=_versions(request.POST.get("versions", "")),
        **_paste_inputs(request),
    )
    if not result.report.applied:
        return _paste_answer(request, plan, goal, result)
    message = pasted_message(result, goal)
    anchor = f"goal-{goal.pk}" if goal else ""
    if not request.htmx:
        messages.success(request, message)
        return redirect(structure_url(plan, anchor))
    response = render(
        request, f"{PASTE_PAGE}#saved", {"message": message, "plan": plan, "goal": goal}
    )
    response["HX-Trigger"] = json.dumps({"styrkort:pasted": {"goal": goal.pk if goal else ""}})
    return response


def pasted_message(result: PasteResult, goal: Goal | None) -> str:
    report = result.report
    counts = {"created": report.count("new"), "changed": report.count("update")}
    if goal is None:
        return (
            _("The pasted table was saved: %(created)d rows added, %(changed)d changed.") % counts
        )
    return _(
        "The pasted table was saved in goal %(number)s: %(created)d rows added, %(changed)d "
        "changed."
    ) % {**counts, "number": goal.number}
