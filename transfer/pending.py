"""Uploaded files kept on the server between an import's preview and its confirmation.

Each upload is an `ImportJob` (its owner, its plan, its token) and a folder named by the token
in a private folder of this installation (`IMPORT_PENDING_DIR`, default `var/imports`): the
folder is mode 0700 and each file 0600, so no other user of the machine can list the tokens or
read a file. Only the person who uploaded the files may preview, confirm or cancel them (another
person's token is a 404, decided by the views); the confirmation reads the files kept here, never
anything the browser sends back.

Next to the files wait what a preview found (`report.json`: the preview page of a background
preview, and the versions the confirmation expects) and, while a background job runs, how far
it is (`progress.json`, written outside the import's transaction so that the page sees it).

Files and jobs older than `IMPORT_PENDING_SECONDS` are removed by `pending_sweep`: the worker
runs it every sweep (`WORKER_SWEEPS`), and `manage.py purge_pending_imports` runs it from cron.
With several application servers, the folder must be shared between them and the worker.
"""

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.versioning import Actor
from planning.models import Plan
from transfer.models import ImportJob
from transfer.report import ImportReport, report_from_data, report_to_data
from transfer.resources.files import UploadedFile

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
META, REPORT, PROGRESS = "meta.json", "report.json", "progress.json"
FOLDER_MODE, FILE_MODE = 0o700, 0o600


def pending_root() -> Path:
    """The private folder of pending imports, made (0700) if it does not exist."""
    root = Path(settings.IMPORT_PENDING_DIR)
    root.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if root.stat().st_mode & 0o777 != FOLDER_MODE:
        os.chmod(root, FOLDER_MODE)
    return root


def folder_of(token: str) -> Path:
    if not TOKEN.match(token or ""):
        raise ValueError("not a token")
    return pending_root() / token


def _write(path: Path, content: bytes) -> None:
    """Write a file readable by this user only, replacing it at once (never half-written)."""
    partial = path.with_name(path.name + ".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as output:
        output.write(content)
    os.replace(partial, path)


def _write_json(path: Path, data: object) -> None:
    _write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


# --- Keeping files --------------------------------------------------------------------------------


@transaction.atomic
def pending_save(
    *,
    plan: Plan,
    owner: Actor,
    files: Sequence[UploadedFile],
    rows: int,
    language: str,
    background: bool,
    report: ImportReport | None = None,
) -> ImportJob:
    """Keep uploaded files for a preview in the background or for the confirmation."""
    token = secrets.token_urlsafe(32)
    folder = folder_of(token)
    folder.mkdir(mode=FOLDER_MODE)
    os.chmod(folder, FOLDER_MODE)
    for index, upload in enumerate(files):
        _write(folder / str(index), upload.content)
    _write_json(folder / META, {"names": [upload.name for upload in files]})
    finished = report is not None
    if finished:
        _write_json(folder / REPORT, report_to_data(report))
    return ImportJob.objects.create(
        token=token,
        plan=plan,
        owner=owner,
        language=language,
        file_names=[upload.name for upload in files],
        rows=rows,
        background=background,
        stage=ImportJob.Stage.PREVIEW,
        status=ImportJob.Status.DONE if finished else ImportJob.Status.QUEUED,
        confirmable=finished and report.ok and report.has_changes,
        uploaded_at=timezone.now(),
        finished_at=timezone.now() if finished else None,
    )


def pending_job(*, plan: Plan, token: str) -> ImportJob | None:
    """The job of `token` for this plan, whoever owns it (the views decide who may use it);
    None when there is none (expired, used, cancelled, or never made)."""
    if not TOKEN.match(token or ""):
        return None
    return ImportJob.objects.filter(plan=plan, token=token).select_related("plan").first()


def pending_files(job: ImportJob) -> list[UploadedFile] | None:
    """The files kept for the job, or None if they are gone."""
    folder = folder_of(job.token)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        return [
            UploadedFile(name=name, content=(folder / str(index)).read_bytes())
            for index, name in enumerate(meta["names"])
        ]
    except (OSError, ValueError, KeyError):
        return None


def pending_report(job: ImportJob) -> ImportReport | None:
    """What the job's preview (or failed import) found, or None if nothing is kept."""
    try:
        data = json.loads((folder_of(job.token) / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report_from_data(data)


def pending_keep_report(job: ImportJob, report: ImportReport) -> None:
    """Keep what the job's preview (or failed import) found; nothing if it was cancelled."""
    with contextlib.suppress(FileNotFoundError):
        _write_json(folder_of(job.token) / REPORT, report_to_data(report))


def pending_discard(job: ImportJob) -> None:
    """Forget a job and its files."""
    ImportJob.objects.filter(pk=job.pk).delete()
    _remove(job.token)


def _remove(token: str) -> None:
    with contextlib.suppress(ValueError):
        shutil.rmtree(folder_of(token), ignore_errors=True)


# --- Progress of a background job -----------------------------------------------------------------


def progress_write(job: ImportJob, done: int, total: int) -> None:
    """How many of the job's rows the worker has run (seen by the page while it runs)."""
    with contextlib.suppress(OSError, ValueError):
        _write_json(folder_of(job.token) / PROGRESS, {"done": done, "total": total})


def progress_read(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) of a running job; (0, rows) before it starts."""
    try:
        data = json.loads((folder_of(job.token) / PROGRESS).read_text(encoding="utf-8"))
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0, job.rows


# --- Sweeping -------------------------------------------------------------------------------------


def pending_sweep(now: datetime | None = None) -> int:
    """Remove the jobs and files older than IMPORT_PENDING_SECONDS; how many were removed.

    A job the worker is running is left alone for twice as long (a large import may take a
    while); a folder without a job (its job went with its plan, say) goes by its age.
    """
    now = now or timezone.now()
    age = timedelta(seconds=settings.IMPORT_PENDING_SECONDS)
    running = [ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    old = ImportJob.objects.filter(uploaded_at__lt=now - age).exclude(
        status__in=running, uploaded_at__gte=now - 2 * age
    )
    removed = 0
    for token in list(old.values_list("token", flat=True)):
        ImportJob.objects.filter(token=token).delete()
        _remove(token)
        removed += 1
    kept = set(ImportJob.objects.values_list("token", flat=True))
    oldest = (now - age).timestamp()
    for path in pending_root().iterdir():
        try:
            stale = path.name not in kept and path.stat().st_mtime < oldest
        except FileNotFoundError:
            continue
        if stale:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    if removed:
        logger.info("Removed %d pending imports older than %d s.", removed, age.total_seconds())
    return removed
