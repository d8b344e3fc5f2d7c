"""Uploaded files between preview and confirmation: in a private folder of the installation,
their uploader's only, and removed after their time by the worker's sweep (or the command)."""

import io
import os
import stat
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.worker import recover
from indicators.services import measurement_record
from planning.models import Role
from tests.transfer.test_views import ENGLISH, member, upload, workbook
from transfer.models import ImportJob
from transfer.pending import pending_root, pending_save, pending_sweep
from transfer.report import ImportReport
from transfer.resources.files import UploadedFile


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def kept(plan, planner_user):
    """Files kept for a confirmation, an hour and a half old."""
    job = pending_save(
        plan=plan,
        owner=planner_user,
        files=[UploadedFile("a.xlsx", b"PK\x03\x04 a"), UploadedFile("b.csv", b"x;y")],
        rows=1,
        language="sv",
        background=False,
        report=ImportReport(),
    )
    ImportJob.objects.filter(pk=job.pk).update(uploaded_at=timezone.now() - timedelta(minutes=90))
    return job


@pytest.fixture
def planner_user(django_user_model, db):
    return django_user_model.objects.create_user("planerare-pending")


def test_files_wait_in_a_private_folder(kept, settings):
    root = pending_root()
    assert root == settings.IMPORT_PENDING_DIR
    folder = root / kept.token
    assert mode(root) == 0o700 and mode(folder) == 0o700  # nobody else lists the tokens
    assert sorted(path.name for path in folder.iterdir()) == ["0", "1", "meta.json", "report.json"]
    assert {mode(path) for path in folder.iterdir()} == {0o600}
    assert (folder / "1").read_bytes() == b"x;y"


def test_a_loose_folder_is_made_private_again(settings, tmp_path):
    settings.IMPORT_PENDING_DIR = tmp_path / "loose"
    settings.IMPORT_PENDING_DIR.mkdir(mode=0o755)
    os.chmod(settings.IMPORT_PENDING_DIR, 0o755)
    assert mode(pending_root()) == 0o700


def test_the_sweep_removes_what_is_past_its_time(kept, plan, planner_user, settings):
    settings.IMPORT_PENDING_SECONDS = 3600
    fresh = pending_save(
        plan=plan,
        owner=planner_user,
        files=[UploadedFile("c.xlsx", b"PK")],
        rows=5000,
        language="sv",
        background=True,
    )
    running = pending_save(
        plan=plan,
        owner=planner_user,
        files=[UploadedFile("d.xlsx", b"PK")],
        rows=90_000,
        language="sv",
        background=True,
    )
    ImportJob.objects.filter(pk=running.pk).update(
        status=ImportJob.Status.RUNNING, uploaded_at=timezone.now() - timedelta(minutes=90)
    )
    orphan = pending_root() / ("o" * 43)
    orphan.mkdir()
    old = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(orphan, (old, old))

    assert pending_sweep() == 2  # the old job and the folder without a job

    assert set(ImportJob.objects.values_list("token", flat=True)) == {fresh.token, running.token}
    assert sorted(path.name for path in pending_root().iterdir()) == sorted(
        [fresh.token, running.token]
    )
    # A job the worker is running is given twice the time, then it goes too.
    assert pending_sweep(now=timezone.now() + timedelta(hours=1)) == 1
    assert [path.name for path in pending_root().iterdir()] == [fresh.token]


def test_the_worker_sweeps_on_its_rounds(kept, settings):
    assert "transfer.pending.pending_sweep" in settings.WORKER_SWEEPS
    recover(worker_id="test-worker", include_others=False)
    assert not ImportJob.objects.exists()
    assert not (pending_root() / kept.token).exists()


def test_a_command_sweeps_from_cron(kept):
    output = io.StringIO()
    call_command("purge_pending_imports", stdout=output)
    assert output.getvalue() == "Removed 1 pending imports older than 3600 seconds.\n"
    assert not ImportJob.objects.exists()


def test_confirming_after_the_sweep_says_the_preview_expired(
    client, plan, indicator, periods, units, django_user_model
):
    planner = member(
        django_user_model, plan.organisation, units["operation"], Role.PLANNER, "planerare-2"
    )
    measurement_record(indicator=indicator, period=periods[0], value=D("72"), actor=None)
    client.force_login(planner)
    content = workbook([[1, "HME-index", "T1 2023", "", "", 75, ""]])
    url = reverse("transfer:plan_import", args=[plan.pk])
    token = client.post(url, {"files": upload(content)}).context["token"]
    pending_sweep(now=timezone.now() + timedelta(hours=2))
    response = client.post(
        reverse("transfer:plan_import_confirm", args=[plan.pk]),
        {"token": token},
        headers=ENGLISH,
        follow=True,
    )
    assert "The preview has expired" in response.text
