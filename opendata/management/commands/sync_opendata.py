"""manage.py sync_opendata: fetch indicator values from Kolada and SSB (for cron).

Syncs every plan that is not archived and has indicators linked to Kolada or SSB, or the plans
given with --plan; with --enqueue, queues one task per plan for the worker instead. Exits with
an error when a sync failed, so that cron reports it.
"""

from django.core.management.base import BaseCommand, CommandError

from indicators.models import SyncRun
from opendata.sync import plan_opendata_sync, plans_with_opendata
from opendata.tasks import opendata_sync_plan
from planning.models import Plan


class Command(BaseCommand):
    help = (
        "Fetch indicator values from Kolada and SSB for every plan linked to them and write "
        "them as measurements. Values entered by a person are never overwritten."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--plan",
            type=int,
            action="append",
            dest="plans",
            metavar="ID",
            help="Sync only this plan (its id); may be given more than once.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the syncs for the task worker (manage.py db_worker) instead.",
        )

    def handle(self, *args, plans: list[int] | None, enqueue: bool, **options) -> None:
        chosen = Plan.objects.filter(pk__in=plans) if plans else plans_with_opendata()
        chosen = chosen.select_related("organisation").order_by("pk")
        if enqueue:
            for plan in chosen:
                opendata_sync_plan.enqueue(plan_id=plan.pk)
            self.stdout.write(f"Queued the sync of {len(chosen)} plan(s).")
            return
        failed = 0
        for plan in chosen:
            runs = plan_opendata_sync(plan=plan, actor=None)
            if not runs:
                self.stdout.write(f"{plan} (id {plan.pk}): no indicator is linked to open data.")
            for run in runs:
                failed += run.status == SyncRun.Status.FAILED
                self._report(plan, run)
        if failed:
            raise CommandError(f"{failed} sync(s) failed; see the messages above.")

    def _report(self, plan: Plan, run: SyncRun) -> None:
        line = (
            f"{plan} (id {plan.pk}), {run.source}: {run.status}. Created {run.created}, "
            f"updated {run.updated}, unchanged {run.unchanged}, kept {run.skipped_manual}."
        )
        if run.message:
            line += f" {run.message}"
        if run.status == SyncRun.Status.FAILED:
            self.stderr.write(line)
        else:
            self.stdout.write(line)
