"""`manage.py purge_pending_imports`: remove uploaded import files and jobs past their time.

The background worker does this on every sweep (`WORKER_SWEEPS`); this command is for cron on
a machine whose worker does not run, or to clean up at once.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from transfer.pending import pending_sweep


class Command(BaseCommand):
    help = "Remove uploaded import files and their jobs older than IMPORT_PENDING_SECONDS."

    def handle(self, *args, verbosity: int = 1, **options) -> None:
        removed = pending_sweep()
        if verbosity:
            self.stdout.write(
                f"Removed {removed} pending imports older than "
                f"{settings.IMPORT_PENDING_SECONDS} seconds."
            )
