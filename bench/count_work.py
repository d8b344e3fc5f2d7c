"""The work each page of `run_all.py` does, counted in this process: counts that are the same
at every run, where times on a shared virtual machine move by a third from one run to the next.

    DATABASE_URL=postgres://.../city .venv/bin/python bench/count_work.py [--out FILE.json]
        [--only PAGE-NAME-PREFIX]

Per page, as the right person, after three untimed requests:
- `python_calls`: Python function calls (cProfile's count; a C builtin is one call too);
- `objects`: model instances built (`post_init`, in a request of its own);
- `failed_lookups`: variables a template asked for and did not find (each is an exception, and
  on a model instance a `dir()` of it);
- `queries`: SQL queries;
and, as a rough guide only, the median CPU time of `--repeat` more requests.

The status change and value entry write, as in `run_all.py`. Use a copy of the city.
"""

import argparse
import cProfile
import json
import logging
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run_city import machine, setup_for_city, the_city  # noqa: E402
from run_pages import asker, the_pages  # noqa: E402


class _FailedLookups(logging.Handler):
    """Counts Django's "Exception while resolving variable" records (logged at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Exception while resolving variable"):
            self.count += 1


def count_page(page, user, repeat: int, failed: _FailedLookups) -> dict:
    from django.db import connection
    from django.db.models.signals import post_init
    from django.test.utils import CaptureQueriesContext

    ask = asker(page, user)
    for _ in range(3):
        ask()
    built = []

    def count_object(sender, **kwargs) -> None:
        built.append(sender)

    failed.count = 0
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profile.enable()
        ask()
        profile.disable()
    counted = {
        "python_calls": pstats.Stats(profile).total_calls,
        "failed_lookups": failed.count,
        "queries": len(queries),  # read now: the next request empties Django's query log
    }
    # Objects in a request of their own: the counting receiver's calls are not the page's.
    post_init.connect(count_object, weak=False)
    try:
        ask()
    finally:
        post_init.disconnect(count_object)
    counted["objects"] = len(built)
    times = []
    for _ in range(repeat):
        started = time.process_time()
        ask()
        times.append(time.process_time() - started)
    counted["cpu_ms_median"] = round(statistics.median(times) * 1000, 1)
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests timed per page")
    parser.add_argument("--out", type=Path, help="the JSON file (else printed only)")
    parser.add_argument("--only", help="count only the pages whose name starts with this")
    args = parser.parse_args()
    setup_for_city()
    from django.utils import translation

    translation.activate("sv")
    failed = _FailedLookups()
    logger = logging.getLogger("django.template")
    logger.addHandler(failed)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    city = the_city()
    results = {}
    for page in the_pages(city):
        if page.name.startswith("export"):  # files, not pages: export_bench.py
            continue
        if args.only and not page.name.startswith(args.only):
            continue
        results[page.name] = count_page(page, city.people[page.person], args.repeat, failed)
        print(f"{page.name:36} {results[page.name]}", flush=True)
    if args.out:
        args.out.write_text(json.dumps({"machine": machine(), "pages": results}, indent=1))
        print(f"Written to {args.out}")


if __name__ == "__main__":
    main()
