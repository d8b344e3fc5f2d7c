"""Real `manage.py db_worker` processes against the test database, for the crash tests.

PostgreSQL: the workers connect to the test database itself. SQLite: the test database lives in
memory, so `SharedDatabase` copies it to a file for the workers (`push`) and back (`pull`); while
workers run, the test reads the file.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

# A worker that beats every 0.2 s, counts as dead after 2 s, and tries a task once.
FAST_WORKER = {
    "WORKER_HEARTBEAT_INTERVAL": "0.2",
    "WORKER_HEARTBEAT_TIMEOUT": "2",
    "TASK_MAX_ATTEMPTS": "1",
}


def database_url(path: Path | None = None) -> str:
    """The test database's URL (SQLite: the file at `path`)."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{path}"
    settings_dict = connection.settings_dict
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{settings_dict['NAME']}"


class SharedDatabase:
    """The test database as worker processes see it (see the module's docstring)."""

    def __init__(self, directory: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.path = directory / "shared.sqlite3"
        self.url = database_url(self.path)

    def push(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            with sqlite3.connect(self.path) as copy:
                connection.connection.backup(copy)

    def pull(self) -> None:
        if self.sqlite:
            with sqlite3.connect(self.path) as copy:
                copy.backup(connection.connection)

    def row(self, sql: str, params: tuple = ()) -> tuple | None:
        """One row as the workers see it now."""
        if self.sqlite:
            with sqlite3.connect(self.path, timeout=10) as reader:
                return reader.execute(sql.replace("%s", "?"), params).fetchone()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()


class WorkerProcess:
    """`manage.py db_worker` in a process of its own, its output in a log file."""

    def __init__(self, url: str, log: Path, *args: str, **environment: str) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret-key",
            **FAST_WORKER,
            **environment,
        }
        for name in ("DEBUG", "TASKS_BACKEND"):
            env.pop(name, None)
        self.log = log
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload",
                 "--interval", "0.1", *args],
                cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text()

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """kill -9: no clean-up of any kind."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM, as systemd stops it: finishes its task, removes its heartbeat."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return self.process.returncode

    def __enter__(self) -> "WorkerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, logs=()) -> object:
    """Poll `condition` until it gives something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    output = "\n".join(f"--- {worker.log.name}\n{worker.output()}" for worker in logs)
    raise AssertionError(f"not within {timeout} s: {what}\n{output}")
