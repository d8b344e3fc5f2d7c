"""manage.py send_reminders: queue the reporting reminders for the worker (for cron, once a day).

With --now the reminders are sent by this process instead. Either way nothing is sent twice
(`reports.reminders`).
"""

from django.core.management.base import BaseCommand, CommandError

from reports.reminders import reminders_send
from reports.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Send reporting reminders by e-mail: before a period's reporting deadline and after it "
        "to unit managers who have not reported, and to planners when every part is ready."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Send them from this process instead of queueing them for the worker.",
        )

    def handle(self, *args, now: bool, **options) -> None:
        if not now:
            send_reminders.enqueue()
            self.stdout.write("Queued the reminders for the worker (manage.py db_worker).")
            return
        run = reminders_send()
        sent = ", ".join(f"{kind} {count}" for kind, count in run.sent.items())
        self.stdout.write(f"Sent: {sent}; sent before: {run.already_sent}; failed: {run.failed}.")
        if run.failed:
            raise CommandError(f"{run.failed} reminder(s) could not be sent; see the log.")
