"""Generate a large city: one municipality with ten years of goal plans, bulk-inserted.

    DATABASE_URL=postgres://... .venv/bin/python bench/make_city.py [--scale 1] [--seed 1]

At `--scale 1` (loaded in about 20 seconds into PostgreSQL 15 on two cores, after migrate):

- Storvik kommun, following up by tertials, its periods 2017-2027 (T3 2026 open for reporting);
  a unit tree four levels deep: 8 committees > an administration each > 4 operations each >
  5 units each (208 units);
- a cascade of 40 plans, each goal contributing to a goal of the plan above: a strategy
  (2017-2026, ten years of values) > 8 committee plans (2023-2026) > 14 operational plans of
  operations (2026) > 16 activity plans (2026), and a draft of next year's largest operational
  plan (2027, its indicators following this year's); about 6,000 indicators of every target
  kind (higher or lower is better, two or three bands, each bound on either side, a target
  above or at the green bound, none, or only in words; every unit, a scale, Kolada links,
  municipality-wide measures reused), 20,000 activities, 20,000 measured values (some per unit,
  some by gender), 40,000 activity statuses in every period (60 % of the open one reported),
  the planners' analyses of every goal in every past period, and comparison values;
- 200 people holding every role: administrators and planners of the whole organisation,
  planners of each administration, five members per committee, a manager per operation (the
  one of the largest operational plan reports thousands of rows) and unit managers, some of
  them for two units. All have the password `styrkort-bench`.

`--scale` changes the number of plans and the size of each plan together (`--scale 0.05` is a
city of 11 plans and about a thousand activities, made in two seconds; `--scale 0.25` has 21
plans and 5,000 activities). The same `--seed` gives the same city.

History: every object gets the django-simple-history records the app itself would have written
(who and when), made with bulk inserts: a creation record for each plan, unit, membership,
goal, indicator, activity, value, status and analysis; a second record where the object
changed (the decision of each plan, one status in ten reported twice, a few activities edited
after their plan was decided). So the history pages, the decided version of a plan (read from
the history as of its decision) and the restore page work on the city as on real data.

The database must not hold the city yet (use a new database). Nothing is deleted.
"""

import argparse
import os
import random
import time

from city_content import CityContent
from city_structure import CityStructure
from city_words import CITY, PASSWORD, ROOT, setup_django

__all__ = ["CITY", "PASSWORD", "ROOT", "City", "setup_django", "summary", "validate"]


# --- The generator ----------------------------------------------------------------------------


class City(CityStructure, CityContent):
    """The large city: `build` makes it (the parts are in city_structure.py, city_content.py)."""


# --- Checking what was made -------------------------------------------------------------------


def validate(sample: int, seed: int) -> list[str]:
    """`full_clean()` on up to `sample` objects of each model (all with a negative sample)."""
    from django.core.exceptions import ValidationError

    from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
    from indicators.models import Indicator, Measurement, ReferenceValue
    from planning.models import Membership, Plan, Unit

    rng = random.Random(seed)
    problems = []
    for model in (Unit, Membership, Plan, Goal, Indicator, Activity, Measurement, ActivityStatus,
                  GoalFollowUp, ReferenceValue):  # fmt: skip
        ids = list(model.objects.values_list("pk", flat=True))
        chosen = ids if sample < 0 else rng.sample(ids, min(sample, len(ids)))
        for obj in model.objects.filter(pk__in=chosen):
            try:
                obj.full_clean()
            except ValidationError as error:
                problems.append(f"{model.__name__} {obj.pk}: {error.messages}")
    return problems


def summary() -> dict[str, int]:
    from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
    from indicators.models import Indicator, Measurement, ReferenceValue
    from planning.models import FollowUpPeriod, Membership, Plan, Unit

    return {
        "units": Unit.objects.count(),
        "people": Membership.objects.values("user").distinct().count(),
        "memberships": Membership.objects.count(),
        "periods": FollowUpPeriod.objects.count(),
        "plans": Plan.objects.count(),
        "goals": Goal.objects.count(),
        "indicators": Indicator.objects.count(),
        "activities": Activity.objects.count(),
        "measured values": Measurement.objects.count(),
        "activity statuses": ActivityStatus.objects.count(),
        "goal analyses": GoalFollowUp.objects.count(),
        "comparison values": ReferenceValue.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1: the large city (default)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed, the same city")
    parser.add_argument(
        "--validate",
        type=int,
        default=200,
        metavar="N",
        help="full_clean() N objects of each model afterwards (-1: all, 0: none)",
    )
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a new database for the city (not the demo's).")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    city = City(options.scale, options.seed)
    city.build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as autovacuum would have them
    loaded = time.perf_counter() - started
    print(f"{CITY} (scale {options.scale:g}, seed {options.seed}) loaded into "
          f"{connection.vendor} in {loaded:.1f} s:")  # fmt: skip
    for name, count in summary().items():
        print(f"  {name:<20} {count:>8,}")
    print(f"  {'history records':<20} {city.history_rows:>8,}")
    print(f"Every person's password: {PASSWORD}")
    if options.validate:
        started = time.perf_counter()
        problems = validate(options.validate, options.seed)
        what = "every object" if options.validate < 0 else f"{options.validate} of each model"
        print(f"full_clean() on {what}: {len(problems)} problems "
              f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
        for problem in problems[:20]:
            print("  " + problem)
        if problems:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
