"""The three evaluation flags (T1, T2, year-end) migrate to months by the scheme of each plan's
organisation, with the flags' old meaning: T1 the first period, T2 every period between the
first and the last, the year-end the last."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from planning.models import PRESETS

BEFORE = [("goals", "0003_sub_goals_labels_perspectives"), ("planning", "0009_follow_up_schemes")]
AFTER = [("goals", "0004_activity_evaluated_months")]

# The demo's "Utvärderas" values (demo/seed_002.py) and the other combinations of the flags.
FLAGS = {
    "Tertialrapport": (True, True, False),
    "Årsbokslut": (False, False, True),
    "Tertialrapport/Årsbokslut": (True, True, True),
    "T1": (True, False, False),
    "T1/Årsbokslut": (True, False, True),
    "T2": (False, True, False),
    "T2/Årsbokslut": (False, True, True),
}

# The months each is evaluated in afterwards (the last month of each period chosen).
TERTIAL = {
    "Tertialrapport": {4, 8},
    "Årsbokslut": {12},
    "Tertialrapport/Årsbokslut": {4, 8, 12},
    "T1": {4},
    "T1/Årsbokslut": {4, 12},
    "T2": {8},
    "T2/Årsbokslut": {8, 12},
}
QUARTER = {  # T2 meant every quarter between the first and the last: Q2 and Q3
    "Tertialrapport": {3, 6, 9},
    "Årsbokslut": {12},
    "Tertialrapport/Årsbokslut": {3, 6, 9, 12},
    "T1": {3},
    "T1/Årsbokslut": {3, 12},
    "T2": {6, 9},
    "T2/Årsbokslut": {6, 9, 12},
}
HALF_YEAR = {  # no period between the first and the last: T2 alone meant nothing
    "Tertialrapport": {6},
    "Årsbokslut": {12},
    "Tertialrapport/Årsbokslut": {6, 12},
    "T1": {6},
    "T1/Årsbokslut": {6, 12},
    "T2": {12},
    "T2/Årsbokslut": {12},
}


def months_of(mask: int) -> set[int]:
    return {month for month in range(1, 13) if mask & (1 << (month - 1))}


def make_world(apps, name: str, preset: str | None) -> dict[str, int]:
    """An organisation following `preset` (None: no stored scheme), a plan, a goal and an
    activity for each combination of the flags; their ids by combination."""
    organisation = apps.get_model("planning", "Organisation").objects.create(name=name)
    if preset:
        for position, (code, first, last, cumulative, sv, nb, nn, en) in enumerate(
            PRESETS[preset][1]
        ):
            apps.get_model("planning", "SchemePeriod").objects.create(
                organisation=organisation, position=position, code=code, first_month=first,
                last_month=last, cumulative=cumulative, name_sv=sv, name_nb=nb, name_nn=nn,
                name_en=en,
            )  # fmt: skip
    plan = apps.get_model("planning", "Plan").objects.create(
        organisation=organisation, name=f"Verksamhetsplan {name}", start_year=2026, end_year=2026
    )
    goal = apps.get_model("goals", "Goal").objects.create(plan=plan, number=1, title="Mål")
    activity_model = apps.get_model("goals", "Activity")
    ids = {}
    for position, (words, (t1, t2, year_end)) in enumerate(FLAGS.items()):
        activity = activity_model.objects.create(
            goal=goal, position=position, title=words, ongoing=True,
            evaluated_t1=t1, evaluated_t2=t2, evaluated_year_end=year_end,
        )  # fmt: skip
        ids[words] = activity.pk
    return ids


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("without_change_triggers")
def test_the_flags_become_the_months_of_each_organisations_scheme():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        worlds = {
            "tertial": (make_world(old, "Sorsele kommun", "tertial"), TERTIAL),
            "quarter": (make_world(old, "Kvartalskommun", "quarter"), QUARTER),
            "half_year": (make_world(old, "Halvårskommun", "half_year"), HALF_YEAR),
            "none stored": (make_world(old, "Utan schema", None), TERTIAL),
            "interim": (make_world(old, "Region Gotland", "interim"), TERTIAL),
        }

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        activity_model = new.get_model("goals", "Activity")
        for scheme, (ids, expected) in worlds.items():
            found = {
                words: months_of(activity_model.objects.get(pk=pk).evaluated_months)
                for words, pk in ids.items()
            }
            assert found == expected, scheme
        history = new.get_model("goals", "HistoricalActivity")
        assert not history.objects.exists() or all(
            record.evaluated_months for record in history.objects.all()
        )

        # Back again: the flags as they were (but T2 under half-years, which had no T2).
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        activity_model = old.get_model("goals", "Activity")
        for scheme, (ids, _expected) in worlds.items():
            for words, pk in ids.items():
                activity = activity_model.objects.get(pk=pk)
                flags = (activity.evaluated_t1, activity.evaluated_t2, activity.evaluated_year_end)
                t1, t2, year_end = FLAGS[words]
                if scheme == "half_year":  # no period between: T2 went to the year-end or T1
                    t1, t2, year_end = t1, False, year_end or not t1
                assert flags == (t1, t2, year_end), (scheme, words)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
