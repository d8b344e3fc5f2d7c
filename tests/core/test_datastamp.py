"""The data's stamp (core.datastamp): database triggers count every committed change of the
watched tables, whoever writes, and `kept` builds again once the stamp has moved."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.utils import timezone

from core import datastamp
from core.datastamp import NO_PERIODS, compact, kept, stamp
from core.datastamp.triggers import sources, unwatch_sources, watch_sources, watched_tables
from core.models import DataChange, WorkerHeartbeat
from indicators.models import Indicator, Measurement
from indicators.services import measurement_record
from planning.models import Organisation, Unit
from planning.services import unit_create
from tests.follow_up import ENTERED, record_value

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
    # A row per day noted, one for no day, and one for the plan's content.
    assert set(DataChange.objects.values_list("ends_on", "plan_id")) == {
        *((period.ends_on, indicator.goal.plan_id) for period in periods),
        (None, None),
        (None, indicator.goal.plan_id),
    }
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


# --- Rows of a period note their plan ------------------------------------------------------------


def test_every_table_of_a_period_finds_its_plan():
    for watched in sources():
        if watched.periods:
            assert watched.plan is not None, watched.table


@pytest.mark.parametrize("entered", ENTERED)
def test_a_row_of_a_period_notes_its_plan(other_plan, periods, entered):
    DataChange.objects.all().delete()
    ENTERED[entered](other_plan, periods[0])
    noted = set(DataChange.objects.exclude(ends_on=None).values_list("ends_on", "plan_id"))
    # The row and its history record: both of the period and the plan.
    assert noted == {(periods[0].ends_on, other_plan.pk)}
    assert not DataChange.objects.filter(ends_on=None).exclude(plan_id=None).exists()


@pytest.mark.parametrize("entered", ENTERED)
def test_another_plans_row_leaves_a_plans_stamp(plan, goal, indicator, activity, other_plan,
                                                periods, entered):  # fmt: skip
    day = periods[0].ends_on
    mine, everyone = stamp(until=day, plans=[plan.pk]), stamp(until=day)
    ENTERED[entered](other_plan, periods[0])
    assert stamp(until=day, plans=[plan.pk]) == mine
    assert stamp(until=day) > everyone
    assert stamp(until=day, plans=[plan.pk, other_plan.pk]) > mine
    ENTERED[entered](plan, periods[0])
    assert stamp(until=day, plans=[plan.pk]) > mine


def test_another_plans_content_leaves_a_plans_stamp(plan, indicator, other_plan, periods):
    day = periods[0].ends_on
    before, structure = stamp(until=day, plans=[plan.pk]), stamp(until=NO_PERIODS, plans=[plan.pk])
    Indicator.objects.filter(goal__plan=other_plan).update(name="Nöjda matgäster")
    other_plan.goals.update(title="God och näringsrik mat")
    assert stamp(until=day, plans=[plan.pk]) == before
    assert stamp(until=NO_PERIODS, plans=[plan.pk]) == structure
    assert stamp(until=NO_PERIODS, plans=[other_plan.pk]) > structure
    Indicator.objects.filter(pk=indicator.pk).update(name="HME")
    assert stamp(until=NO_PERIODS, plans=[plan.pk]) > structure
    assert stamp(until=day, plans=[plan.pk]) > before


def test_a_change_of_no_plan_moves_every_plans_stamp(plan, indicator, other_plan, units, periods):
    before = stamp(until=periods[0].ends_on, plans=[plan.pk])
    Unit.objects.filter(pk=units["operation"].pk).update(name="Vård och omsorg")
    assert stamp(until=periods[0].ends_on, plans=[plan.pk]) > before
    assert stamp(until=NO_PERIODS, plans=[other_plan.pk]) > before


def test_what_reads_every_plan_counts_every_plans_changes(plan, indicator, other_plan, periods):
    before = stamp(until=NO_PERIODS)
    Indicator.objects.filter(goal__plan=other_plan).update(name="Nöjda matgäster")
    assert stamp(until=NO_PERIODS) > before


def test_a_row_of_a_period_whose_plan_is_not_found_moves_every_plans_stamp(plan, periods):
    DataChange.objects.all().delete()
    before = stamp(until=periods[0].ends_on, plans=[plan.pk])
    # A value of an indicator that is not there (the foreign key is checked at commit).
    gone = Measurement(indicator_id=987654, period=periods[0], entered_at=timezone.now())
    Measurement.objects.bulk_create([gone])
    Measurement.objects.filter(indicator_id=987654).delete()
    assert set(
        DataChange.objects.filter(ends_on=periods[0].ends_on).values_list("plan_id", flat=True)
    ) == {None}
    assert stamp(until=periods[0].ends_on, plans=[plan.pk]) > before


def test_compact_keeps_every_plans_stamp(plan, goal, indicator, activity, other_plan, periods):
    for entered in ENTERED.values():
        for some in (plan, other_plan):
            entered(some, periods[0])
            entered(some, periods[1])
    readings = [
        (day, plans)
        for day in (None, NO_PERIODS, periods[0].ends_on, periods[1].ends_on)
        for plans in (None, [], [plan.pk], [other_plan.pk], [plan.pk, other_plan.pk])
    ]
    before = [stamp(until=day, plans=plans) for day, plans in readings]
    compact()
    # A row per day and plan noted, one per plan of no day, and one of neither.
    assert DataChange.objects.count() == 7
    assert [stamp(until=day, plans=plans) for day, plans in readings] == before


def test_compact_folds_the_oldest_plans_rows_for_every_plan_past_its_limit(
    plan, goal, indicator, activity, other_plan, periods, monkeypatch
):
    monkeypatch.setattr(datastamp, "FOLDED_PLAN_ROWS", 2)
    DataChange.objects.all().delete()  # the plans' content: values alone below
    for period in periods:
        record_value(indicator, period)
    record_value(Indicator.objects.get(goal__plan=other_plan), periods[2])
    readings = [
        (day, plans)
        for day in (periods[0].ends_on, periods[1].ends_on, periods[2].ends_on)
        for plans in ([plan.pk], [other_plan.pk])
    ]
    before = [stamp(until=day, plans=plans) for day, plans in readings]
    compact()
    assert set(DataChange.objects.exclude(plan_id=None).values_list("ends_on", "plan_id")) == {
        (periods[2].ends_on, plan.pk),
        (periods[2].ends_on, other_plan.pk),
    }
    after = [stamp(until=day, plans=plans) for day, plans in readings]
    # Folded for every plan: another plan's stamp of the older days grows, none goes back.
    assert all(now >= then for now, then in zip(after, before, strict=True))
    assert after[1] > before[1]  # T1, the other plan: now counts the plan's T1 value
    assert after[0::2] == before[0::2]  # the plan's own: the same


def test_kept_is_kept_apart_per_set_of_plans_and_built_again_for_its_plans(
    plan, goal, indicator, other_plan, periods
):
    built = []

    def build():
        built.append(1)
        return len(built)

    day = periods[0].ends_on
    assert kept("k", build, until=day, plans=[plan.pk]) == 1
    assert kept("k", build, until=day, plans=[plan.pk]) == 1
    assert kept("k", build, until=day, plans=[plan.pk, other_plan.pk]) == 2
    record_value(Indicator.objects.get(goal__plan=other_plan), periods[0])
    assert kept("k", build, until=day, plans=[plan.pk]) == 1
    assert kept("k", build, until=day, plans=[other_plan.pk, plan.pk]) == 3
    record_value(indicator, periods[0])
    assert kept("k", build, until=day, plans=[plan.pk]) == 4
