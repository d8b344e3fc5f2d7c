"""The tables of the shared plumbing: the background worker's heartbeat, and the log of data
changes behind `core.datastamp`.

Each running `manage.py db_worker` (see `core.worker`) writes its heartbeat row every few
seconds. A row that has not been written for `WORKER_HEARTBEAT_TIMEOUT` seconds belongs to a
worker that died (kill -9, a lost machine): the other workers take over its jobs, and
`/health/` says not ok when no worker beats at all.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A background worker's sign of life: who it is and when it last wrote."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class DataChange(models.Model):
    """One change to a watched table, written by a database trigger (see `core.datastamp`),
    or many folded into one row: the data's stamp is the sum of the weights."""

    weight = models.BigIntegerField(_("changes"), default=1)
    # The last day of the follow-up period of the rows changed; empty for rows of no period.
    ends_on = models.DateField(_("period ends on"), null=True, blank=True)
    # The plan the rows changed belong to (settings.DATASTAMP_PLAN_PATHS), for rows of a period;
    # empty when not known: such a change counts for every plan. No foreign key: the shared
    # plumbing names no app's model, and the log outlives what it noted.
    plan_id = models.BigIntegerField(_("plan"), null=True, blank=True)
    # The goal of the plan the rows changed belong to (settings.DATASTAMP_GOAL_PATHS): a
    # goal's value, status or indicator; empty for the rest of a plan, or when not known.
    goal_id = models.BigIntegerField(_("goal"), null=True, blank=True)

    class Meta:
        verbose_name = _("data change")
        verbose_name_plural = _("data changes")

    def __str__(self) -> str:
        return f"{self.pk}: {self.weight}"
