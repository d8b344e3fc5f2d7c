"""Large imports run in the background worker, with a progress bar, and stay all or nothing.

A planner exports a plan of 20,007 measured values, changes 1,000 of them and imports the file
again: the upload is handed to the worker (more than IMPORT_BACKGROUND_ROWS rows), the page
follows the preview's progress, shows the preview, and the confirmation is imported by the
worker too, in one transaction. The task is run here as the worker runs it (`run_import.call`),
and the page is asked for its progress from inside the running task.
"""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goals.models import Goal
from indicators.models import Indicator, Measurement
from planning.models import Role
from planning.services import membership_grant
from tests.worker_process import SharedDatabase, WorkerProcess, wait_for
from transfer import jobs
from transfer.models import ImportJob
from transfer.resources import MeasurementResource
from transfer.resources.files import OutTable, write_xlsx
from transfer.resources.vocabulary import MEASUREMENTS, column_label, sheet_label
from transfer.tasks import run_import

HTMX = {"HX-Request": "true"}
ENGLISH = {"accept-language": "en"}
GENDERS = {"T": "Totalt", "K": "Kvinnor", "M": "Män"}
INDICATORS = 2223  # x 3 periods x 3 genders = 20,007 values
CHANGED = 1000


@pytest.fixture
def planner(django_user_model, organisation, units):
    user = django_user_model.objects.create_user("planner", password="pw")
    membership_grant(
        user=user, organisation=organisation, unit=units["operation"], role=Role.PLANNER, actor=None
    )
    return user


@pytest.fixture
def large_plan(plan, periods, planner):
    """The plan with 2,223 indicators and their 20,007 values (T1–T3 2023, three genders)."""
    goal = Goal.objects.create(plan=plan, number=2, title="Många mått")
    Indicator.objects.bulk_create(
        Indicator(goal=goal, position=n, name=f"Mått {n}", green_bound=50)
        for n in range(INDICATORS)
    )
    now = timezone.now()
    Measurement.objects.bulk_create(
        (
            Measurement(
                indicator=indicator,
                period=period,
                gender=gender,
                value=D(indicator.position % 97),
                entered_by=planner,
                entered_at=now,
            )
            for indicator in Indicator.objects.filter(goal=goal)
            for period in periods
            for gender in GENDERS
        ),
        batch_size=2000,
    )
    return plan


def edited_export(plan, periods) -> bytes:
    """The plan's values as an export has them, the first CHANGED of them changed."""
    keys = MeasurementResource.column_keys()
    rows = []
    for n in range(INDICATORS):
        for period in periods:
            for word in GENDERS.values():
                value = D(n % 97) + (D("0.5") if len(rows) < CHANGED else 0)
                row = {"goal_number": 2, "indicator": f"Mått {n}", "period": str(period)}
                row |= {"gender": word, "value": value}
                rows.append([row.get(key, "") for key in keys])
    headers = [column_label(key, "sv") for key in keys]
    return write_xlsx([OutTable(sheet_label(MEASUREMENTS, "sv"), headers, rows)])


def test_a_20000_row_import_runs_in_the_background_with_its_progress(
    client, large_plan, periods, planner, django_capture_on_commit_callbacks
):
    content = edited_export(large_plan, periods)
    client.force_login(planner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = dict(Measurement.objects.values_list("pk", "version"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("transfer:plan_import", args=[large_plan.pk]),
            {"files": SimpleUploadedFile("mått.xlsx", content)},
        )

    job = ImportJob.objects.get()
    page = reverse("transfer:plan_import_job", args=[large_plan.pk, job.token])
    assert response.status_code == 302 and response["Location"] == page
    assert (job.background, job.stage, job.status, job.rows) == (True, "preview", "queued", 20007)
    assert DBTaskResult.objects.filter(id=job.task_id).exists()  # queued for the worker
    waiting = client.get(page).text
    assert "0 of 20007 rows." in waiting and 'value="0"' in waiting

    # The worker runs the preview; half-way, the page shows how far it is.
    seen = run_watching(client, page, at=0.5)
    assert 'role="status"' in seen and "The file is being checked in the background" in seen
    assert 'value="51"' in seen and "10200 of 20007 rows." in seen  # told every 200 rows
    assert dict(Measurement.objects.values_list("pk", "version")) == before  # a preview

    job.refresh_from_db()
    assert (job.status, job.confirmable, job.changed, job.unchanged) == (
        "done", True, CHANGED, 20007 - CHANGED
    )  # fmt: skip
    finished = client.get(page, headers=HTMX)
    assert finished["HX-Refresh"] == "true"  # the page reloads to show the preview
    preview = client.get(page).text
    assert "1000 rows to change" in preview and "19007 rows left as they are" in preview
    assert f'name="token" value="{job.token}"' in preview

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(
            reverse("transfer:plan_import_confirm", args=[large_plan.pk]), {"token": job.token}
        )
    assert confirmed["Location"] == page
    job.refresh_from_db()
    assert (job.stage, job.status) == ("import", "queued")
    # Confirming twice queues nothing more.
    client.post(reverse("transfer:plan_import_confirm", args=[large_plan.pk]), {"token": job.token})
    assert DBTaskResult.objects.count() == 2

    seen = run_watching(client, page, at=0.25)
    assert "The rows are being imported in the background." in seen and 'value="26"' in seen

    job.refresh_from_db()
    assert (job.status, job.created, job.changed, job.unchanged) == ("done", 0, 1000, 19007)
    after = dict(Measurement.objects.values_list("pk", "version"))
    assert sum(after[pk] != version for pk, version in before.items()) == CHANGED
    assert "The import is done. Rows created: 0, changed: 1000, left as they were: 19007." in (
        client.get(page).text
    )
    # Run again (as after its worker died once it had saved): nothing is imported twice.
    assert run_import.call(job.pk) == "done"
    assert dict(Measurement.objects.values_list("pk", "version")) == after


def run_watching(client, page: str, *, at: float) -> str:
    """Run the job's task as the worker does; when it is `at` of the way, ask the page for its
    progress (as htmx polls it) and return what it says."""
    seen = []
    write = jobs.progress_write

    def watched(job, done, total):
        write(job, done, total)
        if not seen and done >= at * total:
            response = client.get(page, headers=HTMX)
            assert response.status_code == 200 and "HX-Refresh" not in response
            seen.append(response.text)

    jobs.progress_write = watched
    try:
        job = ImportJob.objects.get(token=page.rstrip("/").rsplit("/", 1)[1])
        run_import.call(job.pk)
    finally:
        jobs.progress_write = write
    assert seen, "the task never told its progress"
    return seen[0]


def test_a_real_worker_previews_and_imports(
    client, transactional_db, plan, indicator, periods, planner, settings, tmp_path
):
    """`manage.py db_worker` in a process of its own runs both stages; it finds the files in
    the folder the web server kept them in."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IMPORT_BACKGROUND_ROWS = 0
    keys = MeasurementResource.column_keys()
    row = {"goal_number": 1, "indicator": "HME-index", "period": "T2 2023", "value": 81}
    headers = [column_label(key, "sv") for key in keys]
    content = write_xlsx(
        [OutTable(sheet_label(MEASUREMENTS, "sv"), headers, [[row.get(k, "") for k in keys]])]
    )
    client.force_login(planner)
    client.post(
        reverse("transfer:plan_import", args=[plan.pk]),
        {"files": SimpleUploadedFile("mått.xlsx", content)},
    )
    job = ImportJob.objects.get()
    shared = SharedDatabase(tmp_path)
    pending = {"IMPORT_PENDING_DIR": str(settings.IMPORT_PENDING_DIR)}

    def work(name: str) -> None:
        shared.push()
        with WorkerProcess(shared.url, tmp_path / f"{name}.log", "--batch", **pending) as worker:
            wait_for(lambda: not worker.alive(), timeout=60, what=name, logs=[worker])
            assert worker.process.returncode == 0, worker.output()
        shared.pull()

    work("preview")
    job.refresh_from_db()
    assert (job.stage, job.status, job.confirmable) == ("preview", "done", True)
    client.post(reverse("transfer:plan_import_confirm", args=[plan.pk]), {"token": job.token})
    work("import")
    job.refresh_from_db()
    assert (job.stage, job.status, job.created) == ("import", "done", 1)
    assert Measurement.objects.get(period=periods[1]).value == D("81")
