"""Benchmark: a plan's Excel and CSV export as its rows grow, up to 100,000 rows.

    DATABASE_URL=postgres://.../city .venv/bin/python bench/export_bench.py
        [--rows 12500,25000,50000,100000] [--json FILE]

Works in the large city of `bench/make_city.py` (or any database holding it): the plan with
the most indicators gets measured values (every period, total, women and men, as an import of
ten years of statistics gives it) in a transaction that is rolled back at the end, so the
database is left as it was. At each size the plan is exported as `transfer.exporting` does it
for a download: the workbook (`plan_export_xlsx`) and the zip of CSV files
(`plan_export_csv_zip`), timed (wall and CPU) with the peak memory of the process. Linear in
rows: the time per 1,000 rows stays the same as the rows double.
"""

import argparse
import datetime
import json
import resource
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


def add_values(plan, periods, units, wanted: int, done: set) -> None:
    """Measured values of the plan's indicators (the plan's, then its units') until there are
    `wanted`; `done` holds the (indicator, period, unit, gender) already there."""
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


def timed(run) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    content = run()
    return {"seconds": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2), "bytes": len(content)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="12500,25000,50000,100000",
                        help="measured values at each step, comma-separated")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the results here too")
    options = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import transaction
    from django.db.models import Count
    from django.utils import translation

    from indicators.models import Measurement
    from planning.models import FollowUpPeriod, Plan, Unit
    from transfer.exporting import export_table, plan_export_csv_zip, plan_export_xlsx
    from transfer.resources import KINDS

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
    periods = list(
        FollowUpPeriod.objects.filter(organisation=plan.organisation)
        .order_by("-ends_on")
        .values_list("pk", flat=True)
    )
    units = Unit.objects.filter(organisation=plan.organisation).order_by("pk")
    units = list(units.values_list("pk", flat=True))
    steps = []
    try:
        with transaction.atomic():
            done = set(
                Measurement.objects.filter(indicator__goal__plan=plan).values_list(
                    "indicator_id", "period_id", "unit_id", "gender"
                )
            )
            for wanted in [int(number) for number in options.rows.split(",")]:
                add_values(plan, periods, units, wanted, done)
                rows = sum(len(export_table(plan, kind, "sv").rows) for kind in KINDS)
                step = {
                    "values": len(done),
                    "rows": rows,
                    "xlsx": timed(lambda: plan_export_xlsx(plan=plan, language="sv")),
                    "csv_zip": timed(lambda: plan_export_csv_zip(plan=plan, language="sv")),
                    "peak_mib": peak_mib(),
                }
                for kind in ("xlsx", "csv_zip"):
                    step[kind]["ms_per_1000_rows"] = round(
                        1000 * 1000 * step[kind]["seconds"] / max(rows, 1), 1
                    )
                steps.append(step)
                print(f"{rows:>8,} rows: Excel {step['xlsx']['seconds']:6.2f} s "
                      f"({step['xlsx']['ms_per_1000_rows']} ms per 1,000 rows), CSV zip "
                      f"{step['csv_zip']['seconds']:6.2f} s "
                      f"({step['csv_zip']['ms_per_1000_rows']} ms per 1,000), "
                      f"peak {step['peak_mib']} MiB", flush=True)  # fmt: skip
            raise Rollback
    except Rollback:
        pass
    result = {
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "plan": {"id": plan.pk, "name": plan.name},
        "steps": steps,
    }
    if options.json:
        options.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
