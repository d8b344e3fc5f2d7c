"""Benchmark: no acknowledged write is lost while PostgreSQL restarts under load.

    .venv/bin/python bench/fault_replay.py [--threads 8] [--seconds 60] [--workers 4]
        [--restart-every 10] [--down 2] [--output var/fault_replay.json]

Not a test: it replays the fault test of the issue ("no request takes the service down, no job
is lost") against the real parts, and prints what it counted (also written as JSON):

1. a throwaway PostgreSQL cluster (as bin/test makes one, but with production's durability:
   fsync and synchronous_commit on), migrated, with the demo loaded (Verksamhetsplan Omsorg
   2023, its T2 open for reporting), and the static files collected (into `staticfiles/`);
2. gunicorn serving config.wsgi with `--workers` processes and production's CONN_MAX_AGE=60;
3. `--threads` writers, each logged in as the demo planner in a session of its own, each with
   activities and indicators of its own, posting activity statuses and measured values through
   the reporting page's URLs as htmx posts them, for `--seconds`; each write carries a comment
   no other write has;
4. meanwhile PostgreSQL is stopped every `--restart-every` seconds, a crash (pg_ctl -m
   immediate) and a fast shutdown in turn, and started again `--down` seconds later;
5. afterwards, with gunicorn stopped: the writes acknowledged (the page said saved), refused
   (edit conflicts: a write whose answer was lost, then retried with the version it knew),
   failed (errors, timeouts, connection refused), and the acknowledged writes found again in the
   history tables (every saved change is recorded with its comment). Lost = acknowledged but
   not found: the goal is zero. Writes that failed for the client but were saved are counted
   too ("saved, answer lost").

Needs the Debian postgresql package (as bin/test does); run as root or as a user that may run
initdb. Takes about a minute plus the demo's loading.
"""

import argparse
import json
import logging
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r'name="expected_version" value="(\d+)"')
STATUSES = ("in_progress", "delayed", "done")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- PostgreSQL -----------------------------------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL cluster on a free loopback port, durable as in production."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not found:
            raise SystemExit(
                "No PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)."
            )
        self.bin = found[-1].parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="styrkort-fault-"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, cwd="/", capture_output=True, text=True, check=check)

    def init(self) -> None:
        self.run("initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                 "-D", str(self.data))  # fmt: skip
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "styrkort")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-s",
                 "start", "-o", options)  # fmt: skip

    def stop(self, mode: str) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-s", "stop", check=False)

    def destroy(self) -> None:
        self.stop("fast")
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/styrkort"


# --- The data -------------------------------------------------------------------------------------


def prepare(url: str) -> dict:
    """Migrate, load the demo; the open period and the records the writers share out."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connections

    from demo.loader import load_demo
    from demo.seed_002 import DEMO_PASSWORD
    from goals.models import Activity, ActivityStatus
    from indicators.models import Indicator, Measurement
    from planning.models import FollowUpPeriod, Plan

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as in production
    load_demo()
    plan = Plan.objects.get(name="Verksamhetsplan Omsorg 2023")
    period = FollowUpPeriod.objects.get(organisation=plan.organisation, year=2023, is_open=True)
    activities = [
        activity
        for activity in Activity.objects.filter(goal__plan=plan).order_by("pk")
        if activity.is_evaluated_in(period)
    ]
    statuses = dict(
        ActivityStatus.objects.filter(period=period).values_list("activity_id", "version")
    )
    values = dict(
        Measurement.objects.filter(period=period, unit=None, gender="T").values_list(
            "indicator_id", "version"
        )
    )
    records = [("activities", a.pk, statuses.get(a.pk, 0)) for a in activities]
    records += [
        ("indicators", pk, values.get(pk, 0))
        for pk in Indicator.objects.filter(goal__plan=plan)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    connections.close_all()  # nothing of this process may hold a connection through restarts
    return {"period": period.pk, "records": records, "password": DEMO_PASSWORD}


def count_found(payloads: list[str]) -> set[str]:
    """The comments among `payloads` that the history tables hold (every saved change)."""
    from django.db import connections

    from goals.models import ActivityStatus
    from indicators.models import Measurement

    found: set[str] = set()
    for model in (ActivityStatus.history.model, Measurement.history.model):
        for start in range(0, len(payloads), 5000):
            chunk = payloads[start : start + 5000]
            found |= set(model.objects.filter(comment__in=chunk).values_list("comment", flat=True))
    connections.close_all()
    return found


# --- gunicorn -------------------------------------------------------------------------------------


class Server:
    def __init__(self, url: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "CONN_MAX_AGE": "60",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "false",
            "LOG_LEVEL": "WARNING",
            "AXES_FAILURE_LIMIT": "1000",
        }
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                 "--timeout", "30"],
                cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self) -> None:
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/login/", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- The writers ----------------------------------------------------------------------------------


@dataclass
class Tally:
    attempted: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    conflicts: int = 0
    failed: int = 0
    server_errors: int = 0
    latencies: list[float] = field(default_factory=list)
    acknowledged_at: list[float] = field(default_factory=list)  # monotonic clock
    errors_at: list[float] = field(default_factory=list)


class Writer(threading.Thread):
    """One planner's session writing its own records until the deadline."""

    def __init__(self, number: int, base: str, prepared: dict, records: list, deadline: float):
        super().__init__(name=f"writer-{number}")
        self.number = number
        self.base = base
        self.period = prepared["period"]
        self.password = prepared["password"]
        self.versions = {(kind, pk): version for kind, pk, version in records}
        self.deadline = deadline
        self.tally = Tally()
        self.error = ""

    def login(self, client) -> None:
        client.get("/login/")
        token = client.cookies.get("csrftoken")
        answer = client.post(
            "/login/",
            data={"username": "planerare", "password": self.password,
                  "csrfmiddlewaretoken": token},
        )  # fmt: skip
        if answer.status_code != 302:
            self.error = f"{self.name} could not log in ({answer.status_code})"
            raise RuntimeError(self.error)

    def run(self) -> None:
        import httpx

        with httpx.Client(
            base_url=self.base, timeout=10, headers={"Accept-Language": "en"}
        ) as client:
            self.login(client)
            keys = list(self.versions)
            sequence = 0
            while time.monotonic() < self.deadline:
                kind, pk = keys[sequence % len(keys)]
                sequence += 1
                payload = f"fault-{self.number}-{sequence}-{secrets.token_hex(4)}"
                data = {"comment": payload, "expected_version": str(self.versions[kind, pk])}
                if kind == "activities":
                    data["status"] = STATUSES[sequence % len(STATUSES)]
                else:
                    data |= {"value": str(40 + sequence % 50), "source": "fault_replay"}
                self.tally.attempted.append(payload)
                started = time.monotonic()
                try:
                    answer = client.post(
                        f"/reports/reporting/{self.period}/{kind}/{pk}/",
                        data=data,
                        headers={"HX-Request": "true",
                                 "X-CSRFToken": client.cookies.get("csrftoken", "")},
                    )  # fmt: skip
                except httpx.HTTPError:
                    self.tally.failed += 1
                    self.tally.errors_at.append(time.monotonic())
                    time.sleep(0.05)
                    continue
                self.tally.latencies.append(time.monotonic() - started)
                if answer.status_code >= 500:
                    self.tally.server_errors += 1
                    self.tally.errors_at.append(time.monotonic())
                    time.sleep(0.05)  # as a person would not press again at once
                    continue
                if answer.status_code != 200:
                    self.tally.failed += 1
                    continue
                version = VERSION.search(answer.text)
                if version:
                    self.versions[kind, pk] = int(version.group(1))
                if 'class="saved-mark"' in answer.text:
                    self.tally.acknowledged.append(payload)
                    self.tally.acknowledged_at.append(time.monotonic())
                else:
                    self.tally.conflicts += 1


# --- The run --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--restart-every", type=float, default=10)
    parser.add_argument("--down", type=float, default=2)
    parser.add_argument("--output", type=Path, default=ROOT / "var" / "fault_replay.json")
    options = parser.parse_args()

    cluster = Cluster()
    server = None
    try:
        cluster.init()
        print(f"PostgreSQL on port {cluster.port}; migrating and loading the demo...", flush=True)
        prepared = prepare(cluster.url)
        server = Server(cluster.url, options.workers, cluster.dir / "gunicorn.log")
        server.wait()
        records = prepared["records"]
        shares = [records[n :: options.threads] for n in range(options.threads)]
        deadline = time.monotonic() + options.seconds
        writers = [
            Writer(n, server.url, prepared, share, deadline)
            for n, share in enumerate(shares)
            if share
        ]
        print(
            f"{len(writers)} writers, {len(records)} records, {options.workers} gunicorn workers, "
            f"{options.seconds:.0f} s; PostgreSQL stopped every {options.restart_every:.0f} s "
            f"for {options.down:.0f} s...",
            flush=True,
        )
        started = time.monotonic()
        for writer in writers:
            writer.start()
        restarts = []
        modes = ("immediate", "fast")
        while time.monotonic() + options.restart_every < deadline:
            time.sleep(options.restart_every)
            mode = modes[len(restarts) % 2]
            stopped = time.monotonic()
            restarts.append({"mode": mode, "at": round(stopped - started, 1)})
            cluster.stop(mode)
            time.sleep(options.down)
            cluster.start()
            back = time.monotonic()
            restarts[-1] |= {"down_seconds": round(back - stopped, 2), "back": back}
            print(f"  restarted ({mode}) at {stopped - started:.0f} s", flush=True)
        for writer in writers:
            writer.join()
        elapsed = time.monotonic() - started
        errors = [writer.error for writer in writers if writer.error]
        if errors:
            log = server.log.read_text()[-3000:]
            raise SystemExit("; ".join(errors) + f"\n--- gunicorn's log:\n{log}")
        server.stop()
        server = None

        tally = Tally()
        for writer in writers:
            for name in ("attempted", "acknowledged", "latencies", "acknowledged_at", "errors_at"):
                getattr(tally, name).extend(getattr(writer.tally, name))
            tally.conflicts += writer.tally.conflicts
            tally.failed += writer.tally.failed
            tally.server_errors += writer.tally.server_errors
        for restart in restarts:
            # Seconds from PostgreSQL's start to the next write saved and acknowledged.
            back = restart.pop("back")
            first = min((at for at in tally.acknowledged_at if at >= back), default=None)
            restart["first_write_after_seconds"] = None if first is None else round(first - back, 2)
            # Requests that failed once PostgreSQL was back (a stale connection of a worker).
            restart["errors_after_back"] = sum(
                1 for at in tally.errors_at if back <= at < back + options.restart_every / 2
            )
        found = count_found(tally.attempted)
        acknowledged = set(tally.acknowledged)
        lost = sorted(acknowledged - found)
        unacknowledged_saved = len((found - acknowledged) & set(tally.attempted))
        result = {
            "threads": len(writers),
            "gunicorn_workers": options.workers,
            "seconds": round(elapsed, 1),
            "restarts": restarts,
            "writes_attempted": len(tally.attempted),
            "writes_acknowledged": len(acknowledged),
            "acknowledged_found": len(acknowledged & found),
            "acknowledged_lost": len(lost),
            "lost_examples": lost[:10],
            "saved_but_answer_lost": unacknowledged_saved,
            "edit_conflicts": tally.conflicts,
            "server_errors_5xx": tally.server_errors,
            "failed_requests": tally.failed,
            "acknowledged_per_second": round(len(acknowledged) / elapsed, 1),
            "latency_p50_ms": round(percentile(tally.latencies, 0.5) * 1000),
            "latency_p95_ms": round(percentile(tally.latencies, 0.95) * 1000),
            "latency_max_ms": round(max(tally.latencies, default=0) * 1000),
        }
        print(json.dumps(result, indent=2))
        options.output.parent.mkdir(parents=True, exist_ok=True)
        options.output.write_text(json.dumps(result, indent=2) + "\n")
        print(f"Written to {options.output}")
        if lost:
            raise SystemExit(f"{len(lost)} acknowledged writes were lost")
    finally:
        if server is not None:
            server.stop()
        cluster.destroy()


if __name__ == "__main__":
    main()
