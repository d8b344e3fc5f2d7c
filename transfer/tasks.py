"""Background tasks of imports and exports (Django's tasks framework; `manage.py db_worker`
runs them).

`run_import` runs an `ImportJob`'s stage, its preview or its import (see `transfer.jobs`). A task
whose worker died is run again by another worker (`core.worker`), up to `TASK_MAX_ATTEMPTS`
tries: a preview starts over, an import starts over only if it saved nothing (the job is marked
done in the transaction that saves the rows). After the last try, `import_jobs_reconcile` fails
the job with the reason.

`make_export` makes an `ExportJob`'s file (see `transfer.export_jobs`): run again after its
worker died, it starts over (a file is made again, nothing else is written); after the last
try, `export_jobs_reconcile` fails the job.
"""

from django.tasks import task
from django.utils import translation

from transfer import export_jobs, jobs
from transfer.models import ExportJob, ImportJob


@task()
def run_import(job_id: int) -> str:
    """Run the job's stage; its status afterwards ("gone" if it was cancelled meanwhile).

    A failure is recorded on the job with its reason and raised again, so that the task
    result is marked failed too.
    """
    job = ImportJob.objects.select_related("plan__organisation", "owner").filter(pk=job_id).first()
    if job is None:
        return "gone"
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return job.status  # run again after its worker died, but it had finished
    with translation.override(job.language):
        try:
            jobs.import_job_run(job)
        except Exception as error:
            jobs.import_job_fail(job, error)
            raise
    return job.status


@task()
def make_export(job_id: int) -> str:
    """Make an export job's file; its status afterwards ("gone" if it was removed meanwhile).

    A failure is recorded on the job with its reason and raised again, so that the task
    result is marked failed too.
    """
    job = (
        ExportJob.objects.select_related("plan__organisation")
        .defer("content")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        return "gone"
    if job.status == ExportJob.Status.DONE:
        return job.status  # run again after its worker died, but the file was kept
    with translation.override(job.language):
        try:
            export_jobs.export_job_run(job)
        except Exception as error:
            export_jobs.export_job_fail(job, error)
            raise
    return job.status
