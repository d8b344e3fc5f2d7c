"""The data's stamp (core.datastamp): database triggers count every committed change of the
watched tables, whoever writes, and `kept` builds again once the stamp has moved."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from core import datastamp
from core.datastamp import compact, kept, sources, stamp, watched_tables
from core.models import DataChange, WorkerHeartbeat
from planning.models import Organisation, Unit
from planning.services import unit_create

pytestmark = pytest.mark.django_db


def test_every_table_of_the_source_apps_is_watched_after_migrate():
    expected = {
        model._meta.db_table
        for label in ("planning", "goals", "indicators")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not hasattr(model, "instance_type") and not model._meta.proxy
    }
    assert len(expected) > 20
    assert expected | {get_user_model()._meta.db_table} == {w.table for w in sources()}
    assert watched_tables(connection) >= {w.table for w in sources()}


def test_history_tables_are_not_watched():
    assert not any(table.endswith("_historicalgoal") for table in watched_tables(connection))
    assert "goals_historicalgoal" in connection.introspection.table_names()


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
