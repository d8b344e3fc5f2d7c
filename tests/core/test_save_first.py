"""Concurrent first writes of the same row: one value is saved, the others are told, like an
edit conflict; nobody gets a server error or a constraint's name.

The races need a database that writes concurrently: they run on PostgreSQL (bin/test's first
run) and are skipped on SQLite, which serialises writers by locking the whole file.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from core.versioning import EditConflict, save_validated
from goals.models import ActivityStatus
from goals.services import activity_status_set
from indicators.models import Measurement
from indicators.services import measurement_record
from planning.models import Plan
from tests.reports.test_views_reporting import (
    make_user,
    manager,
    report_goal,
    sick_leave,
    status_url,
    t2,
    value_url,
    whole,
)

__all__ = ["make_user", "manager", "report_goal", "sick_leave", "t2", "whole"]

THREADS = 8


@pytest.fixture
def decided_plan(plan):
    """The reporting tests' decided plan, saved in a transaction of its own (these tests run
    without the test's wrapping transaction, so that the threads see committed rows)."""
    plan.status = Plan.Status.DECIDED
    plan.decision_date = datetime.date(2022, 11, 29)
    with transaction.atomic():
        return save_validated(plan, actor=None)


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers: concurrent first writes cannot race there",
)


def race(work, count: int = THREADS) -> list:
    """Run `work(i)` in `count` threads released at the same moment; each result or error."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_values_save_one_and_tell_the_others(t2, sick_leave, manager):
    def record(index: int):
        return measurement_record(
            indicator=sick_leave,
            period=t2,
            value=Decimal(5 + index),
            expected_version=0,
            actor=manager,
        )

    results = race(record)
    saved = [r for r in results if isinstance(r, Measurement)]
    conflicts = [r for r in results if isinstance(r, EditConflict)]
    assert len(saved) == 1, results
    assert len(conflicts) == THREADS - 1, results
    stored = Measurement.objects.get(indicator=sick_leave, period=t2)
    assert stored.value == saved[0].value
    assert {conflict.current_version for conflict in conflicts} == {stored.version}


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_statuses_save_one_and_tell_the_others(t2, whole, manager):
    statuses = ["done", "in_progress", "not_started", "delayed"]

    def report(index: int):
        return activity_status_set(
            activity=whole,
            period=t2,
            status=statuses[index % len(statuses)],
            expected_version=0,
            actor=manager,
        )

    results = race(report)
    assert sum(isinstance(r, ActivityStatus) for r in results) == 1, results
    assert sum(isinstance(r, EditConflict) for r in results) == THREADS - 1, results
    assert ActivityStatus.objects.filter(activity=whole, period=t2).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_managers_reporting_the_same_row_at_once_see_a_conflict_not_an_error(
    t2, whole, sick_leave, manager
):
    def post(index: int):
        client = Client()
        client.force_login(manager)
        if index % 2:
            url, data = value_url(t2, sick_leave), {"value": str(5 + index), "comment": ""}
        else:
            url, data = status_url(t2, whole), {"status": "done", "comment": ""}
        data["expected_version"] = 0
        return client.post(url, data, headers={"HX-Request": "true", "accept-language": "en"})

    responses = race(post)
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert {r.status_code for r in responses} == {200}
    pages = [r.content.decode() for r in responses]
    assert not any("_unique_" in page or "IntegrityError" in page for page in pages)
    saved = sum("Saved:" in page for page in pages)
    told = sum("while you were working on it" in page for page in pages)
    assert (saved, told) == (2, THREADS - 2)  # one saved per row; every other poster is told
    assert Measurement.objects.filter(indicator=sick_leave, period=t2).count() == 1
    assert ActivityStatus.objects.filter(activity=whole, period=t2).count() == 1


@pytest.mark.django_db
def test_a_first_write_without_a_race_is_saved_as_before(t2, sick_leave, manager):
    saved = measurement_record(
        indicator=sick_leave, period=t2, value=Decimal("6.5"), expected_version=0, actor=manager
    )
    assert saved.version == 1
    again = measurement_record(
        indicator=sick_leave, period=t2, value=Decimal("6.4"), expected_version=1, actor=manager
    )
    assert (again.pk, again.version, again.value) == (saved.pk, 2, Decimal("6.4"))
