"""`manage.py db_worker`: django-tasks-db's worker command, running `core.worker.SupervisedWorker`.

It takes the place of django-tasks-db's command of the same name (core comes before
django_tasks_db in INSTALLED_APPS) and takes the same options. See `core.worker` for what it adds:
a heartbeat, recovery of the tasks of dead workers, and surviving database outages.
"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core.worker import SupervisedWorker


class Command(db_worker.Command):
    help = (
        "Run the background worker: django-tasks-db's, with a heartbeat, recovery of the tasks "
        "of dead workers, and retries while the database is unreachable."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SupervisedWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child that runs the worker
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
