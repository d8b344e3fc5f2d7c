"""A database from before deadlines were dates migrates forward: an activity's month (which
meant a month of the plan's year) becomes the last day of that month in the plan's first year,
with the precision month; an ongoing activity keeps no deadline; the history follows."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("goals", "0003_sub_goals_labels_perspectives"), ("planning", "0009_follow_up_schemes")]
AFTER = [("goals", "0005_activity_due_on"), ("planning", "0009_follow_up_schemes")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("without_change_triggers")
def test_a_month_becomes_its_last_day_in_the_plans_first_year():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        organisation = old.get_model("planning", "Organisation").objects.create(
            name="Sorsele kommun", municipality_code="2422"
        )
        plan = old.get_model("planning", "Plan").objects.create(
            organisation=organisation,
            name="Verksamhetsplan Omsorg 2024–2025",
            kind="operational_plan",
            start_year=2024,
            end_year=2025,
        )
        goal = old.get_model("goals", "Goal").objects.create(plan=plan, number=1, title="Mål")
        activity_model = old.get_model("goals", "Activity")
        february = activity_model.objects.create(goal=goal, title="Februari", due_month=2)
        ongoing = activity_model.objects.create(goal=goal, title="Löpande", ongoing=True)
        old.get_model("goals", "HistoricalActivity").objects.create(
            id=february.pk, goal_id=goal.pk, title="Februari", due_month=2, ongoing=False,
            evaluated_t1=False, evaluated_t2=False, evaluated_year_end=True, position=0,
            version=1, history_date=datetime.datetime(2024, 1, 5, tzinfo=datetime.UTC),
            history_type="+",
        )  # fmt: skip

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        activities = new.get_model("goals", "Activity").objects
        migrated = activities.get(pk=february.pk)
        # 2024 is a leap year: the last day of February is the 29th.
        assert (migrated.due_on, migrated.due_precision) == (datetime.date(2024, 2, 29), "month")
        kept = activities.get(pk=ongoing.pk)
        assert (kept.ongoing, kept.due_on) == (True, None)
        history = new.get_model("goals", "HistoricalActivity").objects.get(id=february.pk)
        assert (history.due_on, history.due_precision) == (datetime.date(2024, 2, 29), "month")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
