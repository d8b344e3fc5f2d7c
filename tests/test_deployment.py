"""Several machines: two app servers (gunicorn, as deploy/ runs them) and two background workers
(`manage.py db_worker`) on one PostgreSQL, sharing everything through it.

- a login made through one app server is valid on the other (sessions in the database);
- a report asked for through one (a background PDF job) is made by a worker and downloads
  through the other;
- twenty report jobs asked for at once, through both servers, are each run exactly once;
- a plan's overview assembled through one is kept in the database and read through the other
  (`ASSEMBLED_CACHE_URL=db://...`), not assembled again.

PostgreSQL only (bin/test's PostgreSQL run): the processes share the test database, which
SQLite keeps in the test process's memory.
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from reports.models import ReportJob
from tests.worker_process import WorkerProcess, database_url, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "several-machines-1"
HOST = "127.0.0.1"
JOBS = 20
KEPT_TABLE = "styrkort_assembled"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(url: str) -> dict[str, str]:
    """What every app server and worker of the deployment shares: the database, the secret key,
    the settings; plain HTTP here (no proxy ending TLS), so cookies are not HTTPS-only."""
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "several-machines-secret-key",
        "ALLOWED_HOSTS": HOST,
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "2",
        # A worker busy with a PDF still beats; none is taken for dead while it renders.
        "WORKER_HEARTBEAT_INTERVAL": "1",
        "WORKER_HEARTBEAT_TIMEOUT": "30",
        "TASK_MAX_ATTEMPTS": "2",
        "ASSEMBLED_CACHE_URL": f"db://{KEPT_TABLE}",
    }
    for name in ("DEBUG", "TASKS_BACKEND"):
        environment.pop(name, None)
    return environment


class AppServer:
    """gunicorn with gunicorn.conf.py, as deploy/systemd/styrkort-web.service starts it."""

    def __init__(self, environment: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = log
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "gunicorn.conf.py",
                 "--bind", f"{HOST}:{self.port}"],
                cwd=settings.BASE_DIR, env=environment, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def wait_until_up(self) -> None:
        def answers() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped:\n{self.log.read_text()[-3000:]}")
            try:
                return httpx.get(f"{self.url}/login/", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(answers, timeout=60, what=f"gunicorn answers on {self.url}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def log_in(server: AppServer, username: str) -> httpx.Client:
    """A browser that logged in through `server`'s login page (cookies kept, no redirects)."""
    browser = httpx.Client(timeout=60)
    page = browser.get(f"{server.url}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = browser.post(
        f"{server.url}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302, answer.text[:2000]
    return browser


def ask_for_pdf(browser: httpx.Client, server: AppServer, plan, period) -> int:
    """The report's background PDF, asked for as the report page's button does; the job's id."""
    answer = browser.post(
        f"{server.url}/reports/plan/{plan.pk}/period/{period.pk}/pdf/background/",
        headers={"X-CSRFToken": browser.cookies["csrftoken"]},
    )
    assert answer.status_code == 302, answer.text[:2000]
    return int(re.search(r"/reports/jobs/(\d+)/", answer.headers["location"])[1])


def kept_entries() -> set[tuple[str, object]]:
    """What the servers keep in the database: each entry's key and when it expires (a new
    entry, or one built again and stored over the old, expires later)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, expires FROM {KEPT_TABLE}")
        return set(cursor.fetchall())


def test_two_app_servers_and_two_workers_share_one_database(plan, periods, indicator, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several processes share the database: runs in bin/test's PostgreSQL run")
    user = get_user_model().objects.create(
        username="planerare",
        is_superuser=True,
        # The servers check passwords with the default hashers (the tests use a faster one).
        password=PBKDF2PasswordHasher().encode(PASSWORD, "severalmachines", iterations=1000),
    )
    period = periods[1]
    # The table `migrate` makes for the servers' setting (this process keeps in its memory).
    with override_settings(
        CACHES={**settings.CACHES, "assembled": {**settings.CACHES["assembled"],
                "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": KEPT_TABLE}}
    ):  # fmt: skip
        call_command("createcachetable", verbosity=0)
    environment = server_environment(database_url())
    servers = [AppServer(environment, tmp_path / f"web-{n}.log") for n in (1, 2)]
    workers = [
        WorkerProcess(database_url(), tmp_path / f"worker-{n}.log", "--worker-id", f"w{n}",
                      **{k: environment[k] for k in ("WORKER_HEARTBEAT_INTERVAL",
                                                       "WORKER_HEARTBEAT_TIMEOUT",
                                                       "TASK_MAX_ATTEMPTS")})
        for n in (1, 2)
    ]  # fmt: skip
    try:
        for server in servers:
            server.wait_until_up()
        one, other = servers

        # A login through one server is a login on the other.
        browser = log_in(one, user.username)
        assert browser.get(f"{other.url}/reports/published/").status_code == 200
        assert httpx.get(f"{other.url}/reports/published/").status_code == 302  # not logged in

        # A plan's overview assembled through one is read through the other, not assembled.
        overview = f"/reports/plan/{plan.pk}/overview/{period.pk}/"
        first = browser.get(one.url + overview)
        assert first.status_code == 200 and plan.name in first.text
        entries = kept_entries()
        assert any(f"report:{plan.pk}:{period.pk}:" in key for key, _expires in entries)
        again = browser.get(other.url + overview)
        assert again.status_code == 200 and plan.name in again.text
        assert kept_entries() == entries

        # A report asked for through one is made by a worker and downloads through the other.
        job_id = ask_for_pdf(browser, one, plan, period)
        wait_for(
            lambda: ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.DONE).exists(),
            timeout=60, what="a worker makes the PDF", logs=workers,
        )  # fmt: skip
        download = browser.get(f"{other.url}/reports/jobs/{job_id}/pdf/")
        assert download.status_code == 200
        assert download.headers["content-type"] == "application/pdf"
        assert download.content.startswith(b"%PDF")

        # Twenty asked for at once, half through each server: each is made exactly once.
        with ThreadPoolExecutor(max_workers=8) as pool:
            asked = list(pool.map(lambda n: ask_for_pdf(browser, servers[n % 2], plan, period),
                                  range(JOBS)))  # fmt: skip
        assert len(set(asked)) == JOBS
        jobs = ReportJob.objects.filter(pk__in=asked)
        wait_for(
            lambda: jobs.filter(status=ReportJob.Status.DONE).count() == JOBS,
            timeout=120, what=f"the workers make {JOBS} PDFs", logs=workers,
        )  # fmt: skip
        assert list(jobs.values_list("attempts", flat=True)) == [1] * JOBS
        tasks = DBTaskResult.objects.filter(id__in=list(jobs.values_list("task_id", flat=True)))
        assert [len(task.worker_ids) for task in tasks] == [1] * JOBS  # claimed once each
        assert {task.status for task in tasks} == {"SUCCESSFUL"}
        assert all(worker.alive() for worker in workers)
    finally:
        for server in servers:
            server.stop()
        for worker in workers:
            worker.stop()
