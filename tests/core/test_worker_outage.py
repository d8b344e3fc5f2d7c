"""The worker outlives a database outage: a real `manage.py db_worker` keeps running while the
test stops the PostgreSQL server for five seconds and starts it again, then beats and works again.

PostgreSQL only, on the throwaway cluster of bin/test, which exports PG_DIR and PG_BIN.
"""

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat
from opendata.tasks import opendata_sync_plan
from tests.worker_process import WorkerProcess, database_url, wait_for

# bin/test runs it alone, after the others: while the server is down no other test can run.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.alone]


def pg_ctl(*args: str) -> None:
    """pg_ctl on bin/test's cluster, as the postgres user when run as root."""
    command = [str(Path(os.environ["PG_BIN"]) / "pg_ctl"), "-D", f"{os.environ['PG_DIR']}/data"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run([*command, *args], cwd="/", check=True, capture_output=True, timeout=60)


def test_the_worker_outlives_a_database_outage(client, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("stops and starts the PostgreSQL server: runs in bin/test's PostgreSQL run")
    if not (os.environ.get("PG_DIR") and os.environ.get("PG_BIN")):
        pytest.skip("needs bin/test's throwaway PostgreSQL cluster (PG_DIR and PG_BIN)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_HEARTBEAT_TIMEOUT = 2

    def beaten_since(moment):
        return WorkerHeartbeat.objects.filter(worker_id="outlives", beat_at__gt=moment).exists()

    with WorkerProcess(
        database_url(), tmp_path / "worker.log", "--worker-id", "outlives"
    ) as worker:
        wait_for(lambda: beaten_since(timezone.now() - timezone.timedelta(seconds=1)),
                 timeout=30, what="the worker beats", logs=[worker])  # fmt: skip
        assert client.get("/health/").json() == {"status": "ok"}

        connections.close_all()
        pg_ctl("stop", "-m", "fast", "-w")
        try:
            down = client.get("/health/")
            assert (down.status_code, down.json()) == (503, {"status": "not ok"})
            time.sleep(5)
            assert worker.alive(), worker.output()
        finally:
            pg_ctl("restart", "-w", "-l", f"{os.environ['PG_DIR']}/server.log")
            connections.close_all()
        back = timezone.now()

        wait_for(lambda: beaten_since(back), timeout=30, what="the worker beats again",
                 logs=[worker])  # fmt: skip
        assert client.get("/health/").json() == {"status": "ok"}
        queued = opendata_sync_plan.enqueue(plan_id=0)  # a plan that is gone: done at once
        wait_for(
            lambda: DBTaskResult.objects.filter(id=queued.id, status="SUCCESSFUL").exists(),
            timeout=30, what="the worker runs a task queued after the outage", logs=[worker],
        )  # fmt: skip
        assert worker.alive()
    assert "The database is unreachable" in worker.output()
