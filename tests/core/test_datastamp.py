"""The data's stamp (core.datastamp): database triggers count every committed change of the
watched tables, whoever writes, and `kept` builds again once the stamp has moved."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from core import datastamp
from core.datastamp import (
    compact,
    kept,
    sources,
    stamp,
    unwatch_sources,
    watch_sources,
    watched_tables,
)
from core.models import DataChange, WorkerHeartbeat
from indicators.models import Indicator, Measurement
from indicators.services import measurement_record
from planning.models import Organisation, Unit
from planning.services import unit_create

pytestmark = pytest.mark.django_db


def test_every_table_of_the_source_apps_is_watched_after_migrate():
    expected = {
        model._meta.db_table
        for label in ("planning", "goals", "indicators")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model._meta.proxy
    }
    assert {"goals_goal", "goals_historicalgoal", "planning_plan_partner_organisations"} <= expected
    assert expected | {get_user_model()._meta.db_table} == {w.table for w in sources()}
    assert watched_tables(connection) >= {w.table for w in sources()}


def test_the_tables_of_other_apps_are_not_watched():
    watched = watched_tables(connection)
    assert "reports_reportjob" not in watched
    assert "django_session" not in watched
    assert "core_datachange" not in watched


def test_a_service_write_moves_the_stamp(organisation):
    before = stamp()
    unit_create(organisation=organisation, name="Skolan", kind=Unit.Kind.UNIT, actor=None)
    assert stamp() > before


def test_a_bulk_update_and_a_delete_move_the_stamp(organisation):
    before = stamp()
    Organisation.objects.filter(pk=organisation.pk).update(name="Nykommun")
    after_update = stamp()
    assert after_update > before
    Organisation.objects.filter(pk=organisation.pk).delete()
    assert stamp() > after_update


def test_raw_sql_moves_the_stamp(organisation):
    before = stamp()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE planning_organisation SET name = %s", ["Annan"])
    assert stamp() > before


def test_a_login_leaves_the_stamp_but_a_new_name_moves_it(django_user_model):
    person = django_user_model.objects.create_user("anna", password="x")
    before = stamp()
    django_user_model.objects.filter(pk=person.pk).update(last_login="2026-01-01T00:00Z")
    assert stamp() == before
    django_user_model.objects.filter(pk=person.pk).update(first_name="Anna")
    assert stamp() > before


def test_an_unwatched_table_leaves_the_stamp():
    # A table of core (the plumbing's own): not a report's source.
    before = stamp()
    WorkerHeartbeat.objects.create(
        worker_id="w",
        hostname="h",
        pid=1,
        started_at="2026-01-01T00:00Z",
        beat_at="2026-01-01T00:00Z",
    )
    assert stamp() == before


def test_compact_folds_the_log_and_keeps_the_stamp(organisation):
    for name in ("A", "B", "C"):
        Organisation.objects.filter(pk=organisation.pk).update(name=name)
    before = stamp()
    assert DataChange.objects.count() > 1
    compact()
    assert DataChange.objects.count() == 1
    assert stamp() == before
    Organisation.objects.filter(pk=organisation.pk).update(name="D")
    assert stamp() > before


def test_a_long_log_is_folded_when_the_stamp_is_read(organisation, monkeypatch):
    monkeypatch.setattr(datastamp, "COMPACT_AFTER", 3)
    for name in ("A", "B", "C", "D", "E"):
        Organisation.objects.filter(pk=organisation.pk).update(name=name)
    before = stamp()
    assert DataChange.objects.count() == 1
    assert stamp() == before


def test_kept_builds_once_until_the_data_changes(organisation):
    built = []

    def build():
        built.append(Organisation.objects.get(pk=organisation.pk).name)
        return built[-1]

    assert kept("name", build) == "Testkommun"
    assert kept("name", build) == "Testkommun"
    assert built == ["Testkommun"]
    Organisation.objects.filter(pk=organisation.pk).update(name="Nykommun")
    assert kept("name", build) == "Nykommun"
    assert built == ["Testkommun", "Nykommun"]


def test_kept_builds_every_time_inside_a_transaction(organisation):
    built = []
    with transaction.atomic():
        kept("name", lambda: built.append(1))
        kept("name", lambda: built.append(2))
    assert built == [1, 2]


def test_kept_builds_every_time_when_keeping_is_off(organisation, settings):
    settings.ASSEMBLED_CACHE_SECONDS = 0
    built = []
    kept("name", lambda: built.append(1))
    kept("name", lambda: built.append(2))
    assert built == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_an_uncommitted_change_does_not_count_elsewhere_until_it_commits():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one connection write at a time: nobody reads meanwhile")
    organisation = Organisation.objects.create(name="Kommun", municipality_code="2422")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(weight), 0) FROM core_datachange")
            (seen_before,) = cursor.fetchone()
        with transaction.atomic():
            Organisation.objects.filter(pk=organisation.pk).update(name="Ny")
            with other.cursor() as cursor:
                cursor.execute("SELECT coalesce(sum(weight), 0) FROM core_datachange")
                assert cursor.fetchone() == (seen_before,)
        with other.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(weight), 0) FROM core_datachange")
            assert cursor.fetchone()[0] > seen_before
    finally:
        other.close()


# --- Rows of a follow-up period note its last day ---------------------------------------------


def test_the_tables_with_a_period_note_it():
    with_periods = {w.table for w in sources() if w.periods}
    assert with_periods == {
        table
        for name in ("goals_activitystatus", "goals_goalfollowup", "indicators_measurement",
                     "planning_reportreadiness")
        for table in (name, name.replace("_", "_historical", 1))
    }  # fmt: skip


def test_a_value_notes_the_last_day_of_its_period(indicator, periods):
    DataChange.objects.all().delete()
    measurement_record(indicator=indicator, period=periods[1], value=Decimal(3), actor=None)
    assert set(DataChange.objects.values_list("ends_on", flat=True)) >= {periods[1].ends_on}


def test_a_later_periods_value_leaves_an_earlier_days_stamp(indicator, periods):
    t1, t2 = periods[0].ends_on, periods[1].ends_on
    before_t1, before = stamp(until=t1), stamp()
    measurement_record(indicator=indicator, period=periods[1], value=Decimal(3), actor=None)
    assert stamp(until=t1) == before_t1
    assert stamp(until=t2) > before_t1
    assert stamp() > before
    measurement_record(indicator=indicator, period=periods[0], value=Decimal(4), actor=None)
    assert stamp(until=t1) > before_t1


def test_a_change_of_no_period_moves_every_days_stamp(indicator, periods):
    before = stamp(until=periods[0].ends_on)
    Indicator.objects.filter(pk=indicator.pk).update(name="Nytt namn")
    assert stamp(until=periods[0].ends_on) > before


def test_a_value_moved_to_a_later_period_notes_both(indicator, periods):
    value = measurement_record(indicator=indicator, period=periods[0], value=Decimal(3), actor=None)
    before = stamp(until=periods[0].ends_on)
    Measurement.objects.filter(pk=value.pk).update(period=periods[2])
    assert stamp(until=periods[0].ends_on) > before


def test_a_deleted_value_notes_its_period(indicator, periods):
    value = measurement_record(indicator=indicator, period=periods[0], value=Decimal(3), actor=None)
    before = stamp(until=periods[0].ends_on)
    Measurement.objects.filter(pk=value.pk).delete()
    assert stamp(until=periods[0].ends_on) > before


def test_compact_keeps_every_days_stamp(indicator, periods):
    for period in periods:
        measurement_record(indicator=indicator, period=period, value=Decimal(3), actor=None)
    Indicator.objects.filter(pk=indicator.pk).update(name="Nytt namn")
    days = [None, *(period.ends_on for period in periods)]
    before = [stamp(until=day) for day in days]
    compact()
    assert DataChange.objects.count() == 4  # one row per day noted, one for no day
    assert [stamp(until=day) for day in days] == before


def test_migrations_run_without_the_triggers_and_get_them_back(organisation):
    unwatch_sources(connection.alias)
    assert watched_tables(connection) == set()
    before = stamp()
    Organisation.objects.filter(pk=organisation.pk).update(name="Under migrering")
    assert stamp() == before
    watch_sources(connection.alias)
    assert watched_tables(connection) >= {w.table for w in sources()}
    assert stamp() > before  # what the migrations did counts as a change
    moved = stamp()
    Organisation.objects.filter(pk=organisation.pk).update(name="Efter migrering")
    assert stamp() > moved
