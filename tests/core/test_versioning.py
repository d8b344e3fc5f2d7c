"""A deletion with what it takes along: every object's deletion record, written a model at a
time, as django-simple-history writes it when an object is deleted on its own."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from core.versioning import delete_recorded
from goals.models import Activity, ActivityStatus, Goal
from goals.services import activity_create, activity_status_set, goal_create
from indicators.models import Indicator, Measurement
from indicators.services import indicator_create, measurement_record
from tests.deadlines import month_end


def _goal_with(plan, periods, activities: int, number: int = 1) -> Goal:
    """A goal with an indicator and its value, and `activities` activities, each reported."""
    goal = goal_create(plan=plan, number=number, title=f"Mål {number}", actor=None)
    indicator = indicator_create(
        goal=goal, name="Nöjda", unit="percent", green_bound=Decimal("80"), actor=None
    )
    measurement_record(indicator=indicator, period=periods[0], value=Decimal("75"), actor=None)
    for index in range(activities):
        activity = activity_create(goal=goal, title=f"Aktivitet {index}", due_on=month_end(6),
                                   actor=None)  # fmt: skip
        activity_status_set(activity=activity, period=periods[0], status="done", actor=None)
    return goal


def _tracked(model, pk) -> dict:
    """The stored values of the fields the model's history records."""
    history = model.history.model
    names = [field.attname for field in history.tracked_fields]
    return model._default_manager.filter(pk=pk).values(*names).get()


def test_each_deleted_object_gets_one_record_with_its_last_values_at_one_moment(
    plan, periods, django_user_model
):
    chief = django_user_model.objects.create_user("kvalitetschef")
    goal = _goal_with(plan, periods, activities=3)
    under = {
        Goal: Goal.objects.filter(pk=goal.pk),
        Indicator: Indicator.objects.filter(goal=goal),
        Activity: Activity.objects.filter(goal=goal),
        ActivityStatus: ActivityStatus.objects.filter(activity__goal=goal),
        Measurement: Measurement.objects.filter(indicator__goal=goal),
    }
    objects = [
        (model, pk) for model, found in under.items() for pk in found.values_list("pk", flat=True)
    ]
    before = {(model, pk): _tracked(model, pk) for model, pk in objects}

    mark = delete_recorded(goal, actor=chief)

    for (model, pk), values in before.items():
        (record,) = model.history.filter(id=pk, history_type="-")
        assert record.history_change_reason == mark
        assert record.history_user == chief
        names = [field.attname for field in model.history.model.tracked_fields]
        assert {name: getattr(record, name) for name in names} == values
        assert not model._default_manager.filter(pk=pk).exists()
    moments = {
        when
        for model in under
        for when in model.history.filter(history_change_reason=mark).values_list(
            "history_date", flat=True
        )
    }
    assert len(moments) == 1


def test_a_deletion_takes_the_same_queries_whatever_it_takes_along(plan, periods):
    small = _goal_with(plan, periods, activities=2, number=1)
    large = _goal_with(plan, periods, activities=20, number=2)

    with CaptureQueriesContext(connection) as for_small:
        delete_recorded(small, actor=None)
    with CaptureQueriesContext(connection) as for_large:
        delete_recorded(large, actor=None)

    assert len(for_large.captured_queries) == len(for_small.captured_queries)
    assert Activity.history.filter(history_type="-").count() == 22


def test_another_listener_is_told_of_each_deleted_object(plan, periods):
    goal = _goal_with(plan, periods, activities=3)
    told = []

    def listener(sender, instance, **kwargs):
        told.append(instance.title)

    signals.post_delete.connect(listener, sender=Activity)
    try:
        mark = delete_recorded(goal, actor=None)
    finally:
        signals.post_delete.disconnect(listener, sender=Activity)

    assert sorted(told) == ["Aktivitet 0", "Aktivitet 1", "Aktivitet 2"]
    recorded = Activity.history.filter(history_type="-", history_change_reason=mark)
    assert recorded.count() == 3
    assert ActivityStatus.history.filter(history_change_reason=mark).count() == 3


@pytest.mark.parametrize("actor_is_person", [True, False])
def test_a_restored_goal_comes_back_whole(plan, periods, django_user_model, actor_is_person):
    from authoring.services import history_restore

    chief = django_user_model.objects.create_user("kvalitetschef")
    goal = _goal_with(plan, periods, activities=4)
    pk = goal.pk
    delete_recorded(goal, actor=chief if actor_is_person else None)
    record = Goal.history.get(id=pk, history_type="-")

    history_restore(model_name="goal", history_id=record.history_id, actor=chief)

    assert Goal.objects.filter(pk=pk).exists()
    assert Activity.objects.filter(goal_id=pk).count() == 4
    assert ActivityStatus.objects.filter(activity__goal_id=pk).count() == 4
    assert Measurement.objects.filter(indicator__goal_id=pk).count() == 1
