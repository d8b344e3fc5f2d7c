"""The activities' migrations on a copy of the demo: the demo loaded, taken back to the schema of
three evaluation flags (T1, T2, year-end) and a month without a year, then forward again."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from demo.seed_002 import ACTIVITIES
from goals.models import Activity

FLAGS = [("goals", "0003_sub_goals_labels_perspectives")]

# "Utvärderas" in the seed -> the flags (T1, T2, year-end) as the old schema stored them.
SEED_FLAGS = {
    "Tertialrapport": (True, True, False),
    "Årsbokslut": (False, False, True),
    "Tertialrapport/Årsbokslut": (True, True, True),
}
MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip


def activities() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in Activity.objects.values_list(
            "pk", "title", "ongoing", "due_on", "due_precision", "evaluated_months"
        )
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("without_change_triggers")
def test_the_demo_goes_back_to_flags_and_months_and_forward_unchanged():
    call_command("load_demo", stdout=StringIO())
    loaded = activities()
    assert len(loaded) > len(ACTIVITIES)  # seed 002's and the joint plan's
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(FLAGS)
        old = executor.loader.project_state(FLAGS).apps.get_model("goals", "Activity")
        by_title = {
            activity.title: activity
            for activity in old.objects.filter(goal__plan__name="Verksamhetsplan Omsorg 2023")
        }
        for _goal, title, _responsible, when, evaluated in ACTIVITIES:
            activity = by_title[title]
            flags = (activity.evaluated_t1, activity.evaluated_t2, activity.evaluated_year_end)
            assert flags == SEED_FLAGS[evaluated], title
            month = None if when == "Löpande" else MONTHS[when.lower()]
            assert (activity.ongoing, activity.due_month) == (when == "Löpande", month), title

        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
        assert activities() == loaded
    finally:
        MigrationExecutor(connection).migrate(leaves)
