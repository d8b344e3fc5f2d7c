"""Background imports and exports whose worker died: the worker's sweep (`core.worker.recover`)
fails the lost task after its last try, then fails the job with the reason, in the asker's
language, once; a job whose task is still running is left alone."""

import pytest
from django.db import OperationalError
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from core.worker import recover
from planning.models import Role
from planning.services import membership_grant
from tests.core.test_worker import claimed
from transfer import export_jobs, jobs
from transfer.models import ExportJob, ImportJob
from transfer.services import export_job_request, import_job_enqueue


@pytest.fixture
def planner(django_user_model, organisation, units, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_MAX_ATTEMPTS = 1
    user = django_user_model.objects.create_user("planner", password="pw")
    membership_grant(
        user=user, organisation=organisation, unit=units["operation"], role=Role.PLANNER, actor=None
    )
    return user


def an_export(plan, planner, language):
    return export_job_request(plan=plan, file_format="xlsx", language=language, actor=planner)


def an_import(plan, planner, language):
    job = ImportJob.objects.create(
        token="x" * 32, plan=plan, owner=planner, language=language, file_names=["a.xlsx"],
        rows=5000, background=True, uploaded_at=timezone.now(),
    )  # fmt: skip
    return import_job_enqueue(job)


KINDS = {
    "export": (an_export, ExportJob, export_jobs),
    "import": (an_import, ImportJob, jobs),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_job_whose_worker_died_fails_with_the_reason_in_its_language(
    plan, planner, django_capture_on_commit_callbacks, kind, language
):
    ask, model, module = KINDS[kind]
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(plan, planner, language)
    job = model.objects.get(pk=job.pk)
    model.objects.filter(pk=job.pk).update(status="running", attempts=1)
    claimed(DBTaskResult.objects.get(id=job.task_id), "dead")
    reconcile = getattr(module, f"{kind}_jobs_reconcile")
    assert reconcile() == []  # its task is still running (for all the queue knows)

    recover(worker_id="me", include_others=True)  # fails the task, then reconciles the job
    job = model.objects.get(pk=job.pk)
    assert job.status == "failed" and job.finished_at is not None
    with translation.override(language):
        assert job.error == module.worker_lost_reason(1)
    if language == "en":
        assert job.error.startswith("The background worker stopped while")
    assert reconcile() == []  # once


@pytest.mark.parametrize("kind", KINDS)
def test_a_job_whose_task_failed_unrecorded_fails_with_the_errors_name(
    plan, planner, django_capture_on_commit_callbacks, kind
):
    ask, model, module = KINDS[kind]
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(plan, planner, "en")
    job = model.objects.get(pk=job.pk)
    DBTaskResult.objects.get(id=job.task_id).set_failed(OperationalError("the server is gone"))
    assert getattr(module, f"{kind}_jobs_reconcile")() == [job.pk]
    assert model.objects.get(pk=job.pk).error.endswith(": OperationalError")
