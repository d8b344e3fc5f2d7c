"""A report written locks its own row and nothing else (`core.versioning.row_for_update`): not
the plan, its goal, its activity or indicator, nor the organisation's period, which every unit
manager of the organisation writes in at once, and which publishing a report holds."""

from decimal import Decimal

import pytest
from django.db import OperationalError, connection, connections, transaction

from goals.services import activity_status_set, goal_follow_up_save
from indicators.services import measurement_record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other():
    """A second connection, as a second request would have."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database for a write, not rows")
    found = connections.create_connection("default")
    yield found
    found.close()


def locked(other, model, pk: int) -> bool:
    """Whether another transaction holds the row of `model` (a NOWAIT lock fails)."""
    table = other.ops.quote_name(model._meta.db_table)
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])
    except OperationalError:
        return True
    return False


def _status(activity, period):
    return activity_status_set(activity=activity, period=period, status="done", actor=None)


def _analysis(goal, period):
    return goal_follow_up_save(
        goal=goal, period=period, assessment="achieved", analysis="Klart.", actor=None
    )


def _value(indicator, period):
    return measurement_record(indicator=indicator, period=period, value=Decimal(81), actor=None)


@pytest.mark.parametrize("write", ["status", "analysis", "value"])
def test_a_report_again_locks_its_own_row_alone(
    other, plan, goal, indicator, activity, periods, write
):
    period = periods[0]
    again = {
        "status": lambda: _status(activity, period),
        "analysis": lambda: _analysis(goal, period),
        "value": lambda: _value(indicator, period),
    }[write]
    first = again()  # the row exists: the write reads it FOR UPDATE
    with transaction.atomic():
        again()
        assert locked(other, type(first), first.pk)  # its own row: held until the commit
        for related in (plan, goal, activity, indicator, period):
            assert not locked(other, type(related), related.pk), type(related).__name__
    assert not locked(other, type(first), first.pk)
