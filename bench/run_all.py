"""Every page that matters, timed through gunicorn against a database holding the large city.

    DATABASE_URL=postgres://.../city .venv/bin/python bench/run_all.py [--repeat 5]
        [--out bench/results/NAME.json] [--locust-seconds 60] [--no-organisation-report]
        [--no-exports] [--import-rows 10000]

The database must hold the city of `bench/make_city.py`. The script starts gunicorn on a free
port of 127.0.0.1 (with gunicorn.conf.py, as production does: GUNICORN_WORKERS, CONN_MAX_AGE...
come from the environment), logs each person in (a session in the database, as a login makes),
and measures:

- each page as the right person: the unit manager's reporting page (the manager of the largest
  operational plan, thousands of rows: its first page, only what is left, one goal), every
  role's start page, the plan page (this year's largest decided plan and next year's draft, and
  the largest goal of each as it loads into the page: read-only in the decided plan, with its
  controls in the draft), the committee's overview and the report
  (HTML) of that plan for the last closed period, a status change and a value entry (htmx posts
  on the reporting page, in the open period), a step down or up of an activity in the draft's
  largest goal (the arrow keys on the plan page) and its first activity dragged to the end and
  back (every row moves), the plan's change history (first and last page),
  and the plan's Excel and CSV export: the response time on 127.0.0.1 (median of `--repeat`
  runs, the pages interleaved so a busy machine slows them alike), the size of the answer, and
  the number of queries (the same request once more in this process, counted);
- each page's floor: the fixed cost of a request through the same stack (GET /health/ as the
  same person, through the same gunicorn, middleware, session and user: median of `--repeat`)
  plus the rows the page shows fetched with plain queries in this process (`values_list` by
  their ids, or a bare UPDATE and history INSERT for a change; median of `--repeat`); the ratio
  page/floor is how much the page costs beyond answering at all and reading its data (the ratio
  to the plain queries alone is kept too, `ratio_to_queries_alone`);
- the PDF of the largest plan (too large for a request: made by a `manage.py db_worker`
  started here, as a person asks for it): the time from the request to the finished PDF, its
  pages, the worker's peak memory (VmHWM) and how the job's progress moved (the longest time
  it stood still); the same for the whole organisation's report (long; not with
  `--no-organisation-report`);
- bench/export_bench.py (the largest plan's export up to 100,000 rows, in the request and as
  the background job makes it) and
  bench/import_measurements.py (`--import-rows` values into this database), not with
  `--no-exports`;
- with `--locust-seconds` > 0 (default 60), bench/locustfile.py: 50 simulated users with think
  time, headless, for that long: median and 99th percentile response times and errors.

The results, with the machine (CPU, cores, memory, PostgreSQL), go to a JSON file. The status
change and value entry write to the database (new versions and history records), as a person
would; nothing else is changed.
"""

import argparse
import datetime
import json
import os
import runpy
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from make_city import CITY, summary  # noqa: E402
from run_city import machine, rows_per_plan, session_of, setup_for_city, the_city  # noqa: E402
from run_extras import (  # noqa: E402
    after_entries,
    background_report,
    exports_and_import,
    print_table,
    run_locust,
)
from run_pages import Server, measure_pages, the_pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per page (median)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (else GUNICORN_WORKERS "
                        "or gunicorn.conf.py's default)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="the JSON file (default bench/results/...)")
    parser.add_argument("--locust-seconds", type=int, default=60, help="0: no simulated users")
    parser.add_argument("--locust-users", type=int, default=50)
    parser.add_argument("--no-pdf", action="store_true", help="skip the largest plan's PDF")
    parser.add_argument("--organisation-report", action=argparse.BooleanOptionalAction,
                        default=True, help="the organisation's report too (long)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="who the simulated users are")
    parser.add_argument("--no-exports", action="store_true",
                        help="skip export_bench.py and import_measurements.py")  # fmt: skip
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument(
        "--keep-assembled",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="--no-keep-assembled: every page assembled at every request, as "
        "for the first reader after a change (ASSEMBLED_CACHE_SECONDS=0)",
    )
    parser.add_argument("--after-entries", action=argparse.BooleanOptionalAction, default=True,
                        help="pages of the largest plan after a change in another plan and in "
                        "its own")  # fmt: skip
    options = parser.parse_args()
    setup_for_city()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a city made by an older version of the code
    from django.urls import reverse
    from django.utils import translation

    translation.activate("sv")
    settings.DEBUG = False
    started_at = datetime.datetime.now(datetime.UTC)
    city = the_city()
    print(f"{CITY}: the largest plan is {city.largest} ({city.largest.pk}); "
          f"open period {city.open_period}, closed {city.closed_period}.", flush=True)  # fmt: skip
    sessions = {role: session_of(user) for role, user in city.people.items()}
    pages = the_pages(city)
    work = Path(tempfile.mkdtemp(prefix="styrkort-bench-"))
    environment = {
        **os.environ, "SECRET_KEY": settings.SECRET_KEY, "LOG_LEVEL": "WARNING",
        "STATIC_MANIFEST": os.environ.get("STATIC_MANIFEST", "false"),
    }  # fmt: skip
    environment.pop("DEBUG", None)
    if not options.keep_assembled:
        environment["ASSEMBLED_CACHE_SECONDS"] = "0"
        settings.ASSEMBLED_CACHE_SECONDS = 0  # the queries counted in this process too
    gunicorn_conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # what gunicorn reads
    results: dict = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": " ".join(["bench/run_all.py", *sys.argv[1:]]),
        "machine": machine(),
        "city": summary(),
        "largest_plan": {
            "id": city.largest.pk,
            "name": city.largest.name,
            "rows": rows_per_plan().get(city.largest.pk),
        },
        "serving": {
            "gunicorn_workers": options.workers or gunicorn_conf["workers"],
            "gunicorn_threads": gunicorn_conf["threads"],
            "gunicorn_timeout": gunicorn_conf["timeout"],
            "CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": settings.DATABASES["default"].get("CONN_HEALTH_CHECKS"),
            "ASSEMBLED_CACHE_SECONDS": int(
                environment.get("ASSEMBLED_CACHE_SECONDS", settings.ASSEMBLED_CACHE_SECONDS)
            ),
            "ASSEMBLED_CACHE_URL": settings.ASSEMBLED_CACHE_URL,
        },
        "repeat": options.repeat,
    }
    server = Server(environment, work / "gunicorn.log", options.workers)
    try:
        print(f"Pages through gunicorn on port {server.port}, {options.repeat} rounds:", flush=True)
        # Three warm-up rounds a worker: each worker's first request of each page untimed.
        warm = 3 * results["serving"]["gunicorn_workers"]
        results["warm_rounds"] = warm
        results["request_floor_s"] = measure_pages(pages, server, sessions, city.people,
                                                   options.repeat, warm)  # fmt: skip
        results["pages"] = [page.result for page in pages]
        print_table(pages)
        if options.after_entries:
            print("\nPages of the largest plan after another plan's change and after its "
                  "own...", flush=True)  # fmt: skip
            results["after_entries"] = after_entries(
                server, city, sessions, results["serving"]["gunicorn_workers"], options.repeat
            )
            print(f"  {results['after_entries']['pages']}")
        if not options.no_pdf:
            print("\nThe largest plan's PDF, made by the worker...", flush=True)
            url = reverse("reports:pdf_job", args=[city.largest.pk, city.closed_period.pk])
            results["pdf_largest_plan"] = background_report(
                server, environment, sessions["planner"], url, work / "worker.log", 1800
            )
            print(f"  {results['pdf_largest_plan']}")
        if options.organisation_report:
            print("\nThe whole organisation's report, made by the worker...", flush=True)
            url = reverse("reports:organisation",
                          args=[city.organisation.pk, city.closed_period.pk])  # fmt: skip
            results["pdf_organisation"] = background_report(
                server, environment, sessions["planner"], url, work / "worker-org.log", 7200
            )
            print(f"  {results['pdf_organisation']}")
        if not options.no_exports:
            results.update(exports_and_import(work, options.import_rows))
        if options.locust_seconds > 0:
            print(f"\n{options.locust_users} simulated users for {options.locust_seconds} s...",
                  flush=True)  # fmt: skip
            results["locust"] = run_locust(server, city, options.locust_users,
                                           options.locust_seconds, work, options.seed)  # fmt: skip
            print(f"  {results['locust']['all']}")
    finally:
        server.stop()
    results["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out = options.out or ROOT / "bench" / "results" / f"run-{started_at:%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")
    print(f"\nWritten to {out} (logs in {work}).")


if __name__ == "__main__":
    main()
