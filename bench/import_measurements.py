"""Benchmark: importing 10,000 measured values from an Excel workbook, against a bare bulk_create.

    DEBUG=true .venv/bin/python bench/import_measurements.py [--rows 10000]

Sets Django up itself. Without DATABASE_URL it works in a throwaway SQLite database in a
temporary directory; with DATABASE_URL it uses that database (migrated first) and deletes
everything it created afterwards. Query logging is turned off while timing, as in production.

Measured:
- the import path: reading the workbook, matching every row, validating and saving each row
  through `planning.services.save_validated` (versions and history), all in one transaction
  (what `indicators.transfer.plan_import` does when a planner confirms an import);
- the same rows inserted with a bare `Measurement.objects.bulk_create` (no validation, no
  history), the floor any import is compared with.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS = range(2020, 2024)
GENDERS = ("T", "K", "M")


def setup_django() -> Path | None:
    """Configure Django; returns the temporary directory of a throwaway SQLite database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = Path(tempfile.mkdtemp(prefix="styrkort-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # no query log while timing
    return temporary


def create_plan(label: str, indicators: int):
    """An organisation with four years of tertials, a plan, one goal and its indicators."""
    from goals.models import Goal
    from indicators.models import Indicator
    from planning.models import FollowUpPeriod, Plan
    from planning.services import organisation_create, periods_ensure_year, plan_create

    organisation = organisation_create(name=f"Benchkommun {label}", actor=None)
    periods = [
        period
        for year in YEARS
        for period in periods_ensure_year(organisation=organisation, year=year, actor=None)
    ]
    # The values of a closed period are not imported: the periods are open for reporting, as
    # they are while a municipality imports a tertial's values.
    FollowUpPeriod.objects.filter(pk__in=[period.pk for period in periods]).update(is_open=True)
    plan = plan_create(
        organisation=organisation,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name=f"Benchplan {label}",
        start_year=YEARS[0],
        end_year=YEARS[-1],
        actor=None,
    )
    goal = Goal.objects.create(plan=plan, number=1, title="Mål")
    Indicator.objects.bulk_create(
        Indicator(goal=goal, position=number, name=f"Indikator {number}", green_bound=50)
        for number in range(indicators)
    )
    return plan, periods


def rows(count: int, periods) -> list[tuple[str, str, str, Decimal]]:
    """(indicator, period, gender, value) for `count` distinct values."""
    found = []
    number = 0
    while len(found) < count:
        for period in periods:
            for gender in GENDERS:
                found.append((f"Indikator {number}", str(period), gender, Decimal(number % 97) / 4))
        number += 1
    return found[:count]


def workbook(values) -> bytes:
    from transfer.resources import MeasurementResource
    from transfer.resources.files import OutTable, write_xlsx
    from transfer.resources.vocabulary import MEASUREMENTS, column_label, sheet_label

    labels = {"T": "Totalt", "K": "Kvinnor", "M": "Män"}
    headers = [column_label(key, "sv") for key in MeasurementResource.column_keys()]
    table = OutTable(
        title=sheet_label(MEASUREMENTS, "sv"),
        headers=headers,
        rows=[
            [1, name, period, "", labels[gender], value, "", ""]
            for name, period, gender, value in values
        ],
    )
    return write_xlsx([table])


class Timer:
    """Wall-clock and CPU seconds of a block (CPU time is steadier on a busy machine)."""

    def __enter__(self) -> "Timer":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:7.2f} s wall, {self.cpu:7.2f} s CPU"


def time_import(content: bytes, plan, actor) -> tuple[Timer, Timer, int]:
    """The time to read the workbook alone, the time of the whole import, rows created."""
    from transfer.resources.files import UploadedFile, read_files
    from transfer.services import plan_import

    upload = UploadedFile("bench.xlsx", content)
    with Timer() as reading:
        read_files([upload])
    with Timer() as importing:
        report = plan_import(plan=plan, files=[upload], actor=actor, apply=True, language="sv")
    if not report.applied:
        raise SystemExit(f"The import failed: {report.errors or report.problems()[:3]}")
    return reading, importing, report.count("new")


def time_bulk_create(values, plan, periods, actor) -> Timer:
    from django.db import transaction
    from django.utils import timezone

    from indicators.models import Indicator, Measurement

    indicators = {i.name: i.pk for i in Indicator.objects.filter(goal__plan=plan)}
    period_ids = {str(period): period.pk for period in periods}
    now = timezone.now()
    with Timer() as timer, transaction.atomic():
        Measurement.objects.bulk_create(
            (
                Measurement(
                    indicator_id=indicators[name],
                    period_id=period_ids[period],
                    gender=gender,
                    value=value,
                    entered_by=actor,
                    entered_at=now,
                )
                for name, period, gender, value in values
            ),
            batch_size=1000,
        )
    return timer


def clean_up(label: str, user) -> None:
    """Delete what the benchmark created in a database that is kept, history included."""
    from goals.models import Goal
    from indicators.models import Indicator, Measurement
    from planning.models import FollowUpPeriod, Organisation, Plan

    organisations = list(Organisation.objects.filter(name__endswith=label))
    plans = list(Plan.objects.filter(organisation__in=organisations).values_list("pk", flat=True))
    goals = list(Goal.objects.filter(plan__in=plans).values_list("pk", flat=True))
    indicators = list(Indicator.objects.filter(goal__in=goals).values_list("pk", flat=True))
    Measurement.objects.filter(indicator__in=indicators).delete()
    Plan.objects.filter(pk__in=plans).delete()
    FollowUpPeriod.objects.filter(organisation__in=organisations).delete()
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).delete()
    # Deleting records history too: remove it last.
    Measurement.history.filter(indicator_id__in=indicators).delete()
    Indicator.history.filter(goal_id__in=goals).delete()
    Goal.history.filter(plan_id__in=plans).delete()
    Plan.history.filter(id__in=plans).delete()
    user.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--json", type=Path, help="write the results here too")
    options = parser.parse_args()
    count = options.rows
    temporary = setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection

    label = uuid.uuid4().hex[:8]
    user = get_user_model().objects.create_user(f"bench-{label}")
    indicators = -(-count // (len(YEARS) * 3 * len(GENDERS)))
    try:
        imported_plan, periods = create_plan(f"import {label}", indicators)
        bulk_plan, bulk_periods = create_plan(f"bulk {label}", indicators)
        values = rows(count, periods)
        content = workbook(values)
        reading, importing, created = time_import(content, imported_plan, user)
        bulk = time_bulk_create(values, bulk_plan, bulk_periods, user)
        print(
            f"Database: {connection.vendor}; {created} measured values from a "
            f"{len(content) / 1024:.0f} kB workbook"
        )
        print(f"  reading the workbook alone:      {reading}")
        print(
            f"  import (read, match, validate,   {importing}  "
            f"({importing.cpu / created * 1000:.2f} ms CPU per row)"
        )
        print("    save with versions and history)")
        print(f"  bare bulk_create:                {bulk}")
        print(
            f"  ratio import / bulk_create: {importing.wall / bulk.wall:.0f}x wall, "
            f"{importing.cpu / bulk.cpu:.0f}x CPU"
        )
        print(f"  rows a second: {created / importing.wall:,.0f} (wall)")
        if options.json:
            options.json.write_text(json.dumps({
                "database": connection.vendor, "rows": created,
                "workbook_bytes": len(content),
                "import_s": round(importing.wall, 2), "import_cpu_s": round(importing.cpu, 2),
                "rows_per_s": round(created / importing.wall),
                "bulk_create_s": round(bulk.wall, 2),
            }, indent=1) + "\n")  # fmt: skip
    finally:
        if temporary is None:
            clean_up(label, user)
        else:
            connection.close()
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
