"""Benchmark: a plan's Excel and CSV export as its rows grow, up to 100,000 rows.

    DATABASE_URL=postgres://.../city .venv/bin/python bench/export_bench.py
        [--rows 12500,25000,50000,100000] [--json FILE] [--worker]

Works in the large city of `bench/make_city.py` (or any database holding it): the plan with
the most indicators gets measured values (every period, total, women and men, as an import of
ten years of statistics gives it) in a transaction that is rolled back at the end, so the
database is left as it was. At each size the plan is exported as `transfer.exporting` does it
for a download: the workbook (`plan_export_xlsx`) and the zip of CSV files
(`plan_export_csv_zip`), timed (wall and CPU) with the peak memory of the process. Linear in
rows: the time per 1,000 rows stays the same as the rows double.

Plans of more than EXPORT_BACKGROUND_ROWS rows are exported by the background worker: at each
size the workbook is also asked for as the export link's POST asks for it
(`export_job_request`: the request's part, its rows counted) and made as the worker makes it
(`make_export.call`, the task itself, in this process).

With `--worker`, the values are committed instead (on a copy of the city only: `createdb -T
bench_city bench_export`; they are removed at the end) and a real `manage.py db_worker` makes
each workbook: the time from the request to the file kept, and the worker's peak memory
(VmHWM of its process).
"""

import argparse
import contextlib
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from make_city import CITY, setup_django  # noqa: E402


class Rollback(Exception):
    """Leaves the transaction: nothing the benchmark added is kept."""


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def add_values(plan, periods, units, wanted: int, done: set) -> list[int]:
    """Measured values of the plan's indicators (the plan's, then its units') until there are
    `wanted`; `done` holds the (indicator, period, unit, gender) already there. Returns the
    new values' ids."""
    from django.utils import timezone

    from indicators.models import Indicator, Measurement

    now = timezone.now()
    batch = []
    indicators = list(Indicator.objects.filter(goal__plan=plan).values_list("pk", flat=True))
    keys = (
        (indicator, period, unit, gender)
        for unit in [None, *units]
        for period in periods
        for gender in ("T", "K", "M")
        for indicator in indicators
    )
    for key in keys:
        if len(done) + len(batch) >= wanted:
            break
        if key in done:
            continue
        indicator, period, unit, gender = key
        batch.append(Measurement(indicator_id=indicator, period_id=period, unit_id=unit,
                                 gender=gender, value=Decimal(len(batch) % 997) / 10,
                                 entered_at=now, comment="Enligt SCB."))  # fmt: skip
    Measurement.objects.bulk_create(batch, batch_size=5000)
    done.update((m.indicator_id, m.period_id, m.unit_id, m.gender) for m in batch)
    return [m.pk for m in batch]


def timed(run) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    content = run()
    return {"seconds": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2), "bytes": len(content)}  # fmt: skip


def asker(plan):
    """Someone who asks for the export (a job is its asker's)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(memberships__organisation=plan.organisation)
    return users.order_by("pk").first() or get_user_model().objects.order_by("pk").first()


def job_in_process(plan, user) -> dict:
    """The workbook as the export link's POST asks for it and the worker's task makes it."""
    from django.db import transaction

    from transfer.models import ExportJob
    from transfer.services import export_job_request
    from transfer.tasks import make_export

    wall = time.perf_counter()
    with transaction.atomic():
        job = export_job_request(plan=plan, file_format="xlsx", language="sv", actor=user)
    requested = time.perf_counter() - wall
    cpu = time.process_time()
    make_export.call(job.pk)
    job = ExportJob.objects.get(pk=job.pk)
    assert job.status == "done", job.error
    return {"request_s": round(requested, 3), "seconds": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2), "bytes": job.size,
            "rows": job.rows}  # fmt: skip


def peak_of(pid: int) -> float:
    """The peak resident memory (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def job_by_worker(plan, user, worker: subprocess.Popen) -> dict:
    """The workbook asked for and made by a real worker: from the request to the file kept."""
    from django.db import transaction

    from transfer.models import ExportJob
    from transfer.services import export_job_request

    wall = time.perf_counter()
    with transaction.atomic():
        job = export_job_request(plan=plan, file_format="xlsx", language="sv", actor=user)
    requested = time.perf_counter() - wall
    deadline = wall + 900
    while True:
        job = ExportJob.objects.defer("content").get(pk=job.pk)
        if job.is_finished or time.perf_counter() > deadline or worker.poll() is not None:
            break
        time.sleep(0.1)
    assert job.status == "done", (job.status, job.error)
    seconds = round(time.perf_counter() - wall, 2)
    return {"request_s": round(requested, 3), "seconds": seconds, "bytes": job.size,
            "rows": job.rows, "worker_peak_mib": peak_of(worker.pid)}  # fmt: skip


def start_worker(log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload",
             "--interval", "0.2"],
            cwd=ROOT, env=os.environ, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="12500,25000,50000,100000",
                        help="measured values at each step, comma-separated")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--worker", action="store_true",
                        help="commit the values (on a copy of the city) and have a real worker "
                             "make each workbook")  # fmt: skip
    options = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import translation

    from indicators.models import Measurement
    from planning.models import FollowUpPeriod, Plan, Unit
    from transfer.exporting import export_row_counts, plan_export_csv_zip, plan_export_xlsx
    from transfer.models import ExportJob

    settings.DEBUG = False
    translation.activate("sv")
    plan = (
        Plan.objects.filter(organisation__name=CITY)
        .annotate(indicators=Count("goals__indicators"))
        .order_by("-indicators", "pk")
        .first()
    )
    if plan is None:
        raise SystemExit(f"No {CITY} in this database: run bench/make_city.py first.")
    if options.worker and connection.settings_dict["NAME"] == "bench_city":
        raise SystemExit("--worker commits values: run it on a copy (createdb -T bench_city ...).")
    periods = list(
        FollowUpPeriod.objects.filter(organisation=plan.organisation)
        .order_by("-ends_on")
        .values_list("pk", flat=True)
    )
    units = Unit.objects.filter(organisation=plan.organisation).order_by("pk")
    units = list(units.values_list("pk", flat=True))
    user = asker(plan)
    steps, added = [], []
    worker = start_worker(Path("/tmp") / f"export-bench-worker-{os.getpid()}.log") if (
        options.worker
    ) else None  # fmt: skip
    try:
        # In-process: in a transaction rolled back; with a worker, each statement committed.
        with contextlib.nullcontext() if options.worker else transaction.atomic():
            done = set(
                Measurement.objects.filter(indicator__goal__plan=plan).values_list(
                    "indicator_id", "period_id", "unit_id", "gender"
                )
            )
            for wanted in [int(number) for number in options.rows.split(",")]:
                added += add_values(plan, periods, units, wanted, done)
                rows = sum(export_row_counts(plan).values())
                step = {"values": len(done), "rows": rows}
                if worker is None:
                    step["xlsx"] = timed(lambda: plan_export_xlsx(plan=plan, language="sv"))
                    step["csv_zip"] = timed(lambda: plan_export_csv_zip(plan=plan, language="sv"))
                    step["job"] = job_in_process(plan, user)
                    step["peak_mib"] = peak_mib()
                else:
                    step["job"] = job_by_worker(plan, user, worker)
                for kind in ("xlsx", "csv_zip", "job"):
                    if kind in step:
                        step[kind]["ms_per_1000_rows"] = round(
                            1000 * 1000 * step[kind]["seconds"] / max(rows, 1), 1
                        )
                steps.append(step)
                print(describe(step), flush=True)
            if worker is None:
                raise Rollback
    except Rollback:
        pass
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
            Measurement.objects.filter(pk__in=added)._raw_delete(Measurement.objects.db)
            ExportJob.objects.filter(plan=plan).delete()
    result = {
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "plan": {"id": plan.pk, "name": plan.name},
        "by": "worker" if options.worker else "in-process",
        "export_background_rows": settings.EXPORT_BACKGROUND_ROWS,
        "steps": steps,
    }
    if options.json:
        options.json.write_text(json.dumps(result, indent=1) + "\n")


def describe(step: dict) -> str:
    parts = [f"{step['rows']:>8,} rows:"]
    for kind, label in (("xlsx", "Excel"), ("csv_zip", "CSV zip")):
        if kind in step:
            parts.append(f"{label} {step[kind]['seconds']:6.2f} s "
                         f"({step[kind]['ms_per_1000_rows']} ms per 1,000 rows),")  # fmt: skip
    job = step["job"]
    parts.append(f"job: request {job['request_s']:.3f} s, file after {job['seconds']:6.2f} s")
    if "worker_peak_mib" in job:
        parts.append(f"(worker peak {job['worker_peak_mib']} MiB)")
    else:
        parts.append(f"(in-process), peak {step['peak_mib']} MiB")
    return " ".join(parts)


if __name__ == "__main__":
    main()
