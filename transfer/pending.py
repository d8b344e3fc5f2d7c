"""Uploaded files kept on the server between an import's preview and its confirmation.

The files wait in a folder named by a random token under the system's temporary directory; the
session remembers which tokens are its own and for which plan, so a confirmation can only import
what the same person uploaded for the same plan, and never anything the browser sends back.
Files older than an hour are removed. (With several application servers, the temporary
directory must be shared.)
"""

import json
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.contrib.sessions.backends.base import SessionBase

from planning.models import Plan
from transfer.resources.files import UploadedFile

PENDING_DIR = Path(tempfile.gettempdir()) / "styrkort-imports"
PENDING_MAX_AGE = 60 * 60  # seconds
SESSION_KEY = "transfer.pending"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class PendingImport:
    """Uploaded files kept for the confirmation, with the versions the preview saw."""

    files: list[UploadedFile]
    versions: dict[str, dict[int, int]]


def pending_save(
    *,
    session: SessionBase,
    plan: Plan,
    files: Sequence[UploadedFile],
    versions: dict[str, dict[int, int]],
) -> str:
    """Keep uploaded files on the server for the confirmation; returns their token."""
    _purge_pending()
    token = secrets.token_urlsafe(24)
    folder = PENDING_DIR / token
    folder.mkdir(parents=True, mode=0o700)
    for index, upload in enumerate(files):
        (folder / str(index)).write_bytes(upload.content)
    meta = {"names": [upload.name for upload in files], "versions": versions}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    pending = session.get(SESSION_KEY, {})
    pending[token] = {"plan": plan.pk, "created": time.time()}
    session[SESSION_KEY] = pending
    return token


def pending_load(*, session: SessionBase, plan: Plan, token: str) -> PendingImport | None:
    """The files kept under `token` for this session and plan, or None (expired, unknown)."""
    entry = session.get(SESSION_KEY, {}).get(token)
    if not _TOKEN.match(token or "") or entry is None or entry.get("plan") != plan.pk:
        return None
    folder = PENDING_DIR / token
    if time.time() - entry.get("created", 0) > PENDING_MAX_AGE or not folder.is_dir():
        return None
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    files = [
        UploadedFile(name=name, content=(folder / str(index)).read_bytes())
        for index, name in enumerate(meta["names"])
    ]
    versions = {
        kind: {int(pk): version for pk, version in found.items()}
        for kind, found in meta["versions"].items()
    }
    return PendingImport(files=files, versions=versions)


def pending_discard(*, session: SessionBase, token: str) -> None:
    """Forget the files kept under `token`."""
    pending = session.get(SESSION_KEY, {})
    if pending.pop(token, None) is not None:
        session[SESSION_KEY] = pending
    if _TOKEN.match(token or ""):
        shutil.rmtree(PENDING_DIR / token, ignore_errors=True)


def _purge_pending() -> None:
    """Remove kept files older than PENDING_MAX_AGE (of every session)."""
    if not PENDING_DIR.is_dir():
        return
    limit = time.time() - PENDING_MAX_AGE
    for folder in PENDING_DIR.iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            continue
