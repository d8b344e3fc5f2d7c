"""The links' move into `Indicator.open_data` (indicators 0005-0007), forward and back, on the
database the suite runs on (PostgreSQL and SQLite): no link is lost either way."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("indicators", "0004_reference_values_and_sync_runs")
AFTER = ("indicators", "0007_remove_link_columns")
SELECTION = {"KOKkommuneregion0000": ["4631", "EAK"], "ContentsCode": "KOSAG110000"}
LINKS = {
    "Sjukfrånvaro": {"kolada": {"kpi": "N00090"}},
    "Netto driftsutgifter": {"ssb": {"table": "12362", "selection": SELECTION}},
    "Båda": {"kolada": {"kpi": "U00200"}, "ssb": {"table": "12362", "selection": ["4631"]}},
    "Utan länk": {},
}
COLUMNS = {
    "Sjukfrånvaro": ("N00090", "", {}),
    "Netto driftsutgifter": ("", "12362", SELECTION),
    "Båda": ("U00200", "12362", ["4631"]),
    "Utan länk": ("", "", {}),
}


def migrate(target: tuple[str, str] | None = None):
    """Migrate to `target` (all the latest if None); the models as the database now is."""
    executor = MigrationExecutor(connection)
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())
    executor = MigrationExecutor(connection)
    applied = list(executor.recorder.applied_migrations())
    return executor.loader.project_state(applied, at_end=True).apps


def linked_plan(apps) -> None:
    """A plan with indicators linked the old way (three columns), their history and a sync."""
    organisation = apps.get_model("planning", "Organisation").objects.create(
        name="Alver kommune", municipality_code="4631"
    )
    plan = apps.get_model("planning", "Plan").objects.create(
        organisation=organisation,
        kind="operational_plan",
        name="Plan",
        start_year=2023,
        end_year=2023,
    )
    goal = apps.get_model("goals", "Goal").objects.create(plan=plan, number=1, title="Mål")
    history = apps.get_model("indicators", "HistoricalIndicator")
    for position, (name, (kpi, table, selection)) in enumerate(COLUMNS.items()):
        fields = {
            "name": name,
            "position": position,
            "green_bound": D("1"),
            "kolada_kpi": kpi,
            "ssb_table": table,
            "ssb_selection": selection,
        }
        indicator = apps.get_model("indicators", "Indicator").objects.create(goal=goal, **fields)
        history.objects.create(
            id=indicator.pk,
            goal_id=goal.pk,
            history_date=timezone.now(),
            history_type="+",
            **fields,
        )
    now = timezone.now()
    apps.get_model("indicators", "SyncRun").objects.create(
        source="ssb",
        organisation=organisation,
        plan=plan,
        started_at=now,
        finished_at=now + datetime.timedelta(seconds=1),
        status="ok",
    )


def links(apps, model: str) -> dict[str, object]:
    return dict(apps.get_model("indicators", model).objects.values_list("name", "open_data"))


def columns(apps, model: str) -> dict[str, tuple]:
    rows = apps.get_model("indicators", model).objects.values_list(
        "name", "kolada_kpi", "ssb_table", "ssb_selection"
    )
    return {name: tuple(values) for name, *values in rows}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("without_change_triggers")
def test_links_move_into_open_data_and_back_without_loss():
    try:
        old = migrate(BEFORE)
        linked_plan(old)

        new = migrate(AFTER)
        assert links(new, "Indicator") == LINKS
        assert links(new, "HistoricalIndicator") == LINKS
        run = new.get_model("indicators", "SyncRun").objects.get()
        assert (run.source, run.plan.name) == ("ssb", "Plan")
        indicator = new.get_model("indicators", "Indicator")
        assert not {"kolada_kpi", "ssb_table", "ssb_selection"} & {
            field.name for field in indicator._meta.get_fields()
        }

        back = migrate(BEFORE)
        assert columns(back, "Indicator") == COLUMNS
        assert columns(back, "HistoricalIndicator") == COLUMNS
        assert back.get_model("indicators", "SyncRun").objects.get().source == "ssb"

        again = migrate(AFTER)
        assert links(again, "Indicator") == LINKS
    finally:
        migrate()
