"""Background tasks for open data: sync one plan on demand, or every linked plan on a schedule.

A page enqueues `opendata_sync_plan.enqueue(plan_id=plan.pk, actor_id=request.user.pk)`; the
task worker (`manage.py db_worker`, from django-tasks-db) runs it. Each sync records a
`SyncRun` saying how it went.

To sync every plan regularly, let cron call the management command. It runs the syncs in its
own process, or with --enqueue hands each plan to the worker:

    # every night at 03:15
    15 3 * * *  cd /srv/styrkort && .venv/bin/python manage.py sync_opendata

Kolada and KOSTRA publish most figures once or twice a year, so nightly or weekly is plenty.

A sync whose worker died is run again by another worker (`core.worker`, up to
`TASK_MAX_ATTEMPTS` tries): a sync writes each plan's values in one transaction and records its
`SyncRun` when it ends, so running it again is safe.
"""

from django.contrib.auth import get_user_model
from django.tasks import task

from opendata.sync import plan_opendata_sync, plans_with_opendata
from planning.models import Plan


@task
def opendata_sync_plan(plan_id: int, actor_id: int | None = None) -> list[int]:
    """Sync one plan from every source its indicators are linked to; returns the runs' ids.

    A plan deleted since the task was queued is skipped.
    """
    plan = Plan.objects.select_related("organisation").filter(pk=plan_id).first()
    if plan is None:
        return []
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return [run.pk for run in plan_opendata_sync(plan=plan, actor=actor)]


@task
def opendata_sync_all() -> list[int]:
    """Sync every plan, not archived, with indicators linked to open data (for a schedule)."""
    return [
        run.pk
        for plan in plans_with_opendata().select_related("organisation")
        for run in plan_opendata_sync(plan=plan, actor=None)
    ]
