"""The planner's indicator services, restoring what was deleted, and the colour of the latest
value computed by the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authoring.selectors import deleted_items
from authoring.services import history_restore
from core.versioning import EditConflict
from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
from goals.services import (
    activity_add,
    activity_delete,
    activity_status_set,
    goal_add,
    goal_delete,
    goal_follow_up_save,
    goal_item_move,
)
from indicators.colour import evaluate
from indicators.models import Indicator, Measurement
from indicators.selectors import plan_indicators, with_latest_colour
from indicators.services import (
    indicator_add,
    indicator_delete,
    indicator_update,
    measurement_record,
)
from planning.models import FollowUpPeriod
from planning.services import organisation_create, plan_create
from tests.indicators.kinds import listed

D = Decimal


def add(goal, name, **fields):
    fields.setdefault("green_bound", D(80))
    return indicator_add(goal=goal, name=name, actor=None, **fields)


# --- Indicators -------------------------------------------------------------------------------


def test_indicators_move_within_their_goal(goal):
    a, _b, _c = (add(goal, name) for name in "ABC")
    goal_item_move(item=a, direction="down", actor=None)
    assert list(goal.indicators.order_by("position").values_list("name", flat=True)) == [
        "B",
        "A",
        "C",
    ]


def test_indicator_edit_based_on_an_old_version_is_refused(indicator):
    seen = indicator.version
    indicator_update(indicator=indicator, actor=None, expected_version=seen, green_bound=D(78))
    with pytest.raises(EditConflict):
        indicator_update(
            indicator=Indicator.objects.get(pk=indicator.pk),
            actor=None,
            expected_version=seen,
            red_bound=D(60),
        )


def test_indicator_bands_are_checked_on_edit(indicator, english):
    with pytest.raises(ValidationError) as refused:
        indicator_update(indicator=indicator, actor=None, red_bound=D(90))
    assert "below the green bound" in refused.value.message_dict["red_bound"][0]


@pytest.fixture
def council_measure(organisation, units):
    council = plan_create(
        organisation=organisation,
        kind="strategy",
        name="Kommunfullmäktiges mål 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    goal = goal_add(plan=council, title="Nöjda medarbetare", actor=None)
    return add(goal, "HME-index", scope="municipality_wide", red_bound=D(70), decimals=0)


def test_a_plan_reuses_a_municipality_wide_measure(goal, council_measure):
    reused = add(goal, "HME-index", reuses=council_measure, red_bound=D(70))
    assert reused.reuses == council_measure
    assert reused.scope == "municipality_wide"
    copy = add(goal, "HME-index igen", reuses=reused)
    assert copy.reuses == council_measure  # always the measure itself, never a copy


def test_reuse_is_limited_to_the_organisations_municipality_wide_measures(goal, indicator, english):
    with pytest.raises(ValidationError, match="municipality-wide measure"):
        add(goal, "Egen", reuses=indicator)  # operation-specific
    other = organisation_create(name="Annan kommun", actor=None)
    other_plan = plan_create(
        organisation=other, kind="strategy", name="X", start_year=2023, end_year=2023, actor=None
    )
    foreign = add(goal_add(plan=other_plan, title="X", actor=None), "X", scope="municipality_wide")
    with pytest.raises(ValidationError, match="municipality-wide measure"):
        add(goal, "Främmande", reuses=foreign)


# --- Restoring --------------------------------------------------------------------------------


@pytest.fixture
def full_goal(plan, goal, indicator, activity, periods, django_user_model):
    """Goal 1 with an indicator and its values, an activity and its status, an analysis;
    goals 2 and 3 after it."""
    measurement_record(indicator=indicator, period=periods[0], value=D(75), actor=None)
    measurement_record(indicator=indicator, period=periods[1], value=D(82), actor=None)
    activity_status_set(activity=activity, period=periods[0], status="done", actor=None)
    goal_follow_up_save(
        goal=goal, period=periods[0], assessment="expected", analysis="Bra", actor=None
    )
    goal_add(plan=plan, title="Mål två", actor=None)
    goal_add(plan=plan, title="Mål tre", actor=None)
    return goal


def counts(plan):
    return {
        "goals": Goal.objects.filter(plan=plan).count(),
        "indicators": Indicator.objects.filter(goal__plan=plan).count(),
        "activities": Activity.objects.filter(goal__plan=plan).count(),
        "statuses": ActivityStatus.objects.filter(activity__goal__plan=plan).count(),
        "measurements": Measurement.objects.filter(indicator__goal__plan=plan).count(),
        "follow_ups": GoalFollowUp.objects.filter(goal__plan=plan).count(),
    }


def test_a_deleted_goal_comes_back_with_everything_under_it(
    full_goal, plan, django_user_model, english
):
    chief = django_user_model.objects.create_user("kvalitetschef")
    before = counts(plan)
    ids = {
        "goal": full_goal.pk,
        "indicators": set(Indicator.objects.filter(goal=full_goal).values_list("pk", flat=True)),
        "measurements": set(
            Measurement.objects.filter(indicator__goal=full_goal).values_list("pk", flat=True)
        ),
    }
    goal_delete(goal=full_goal, actor=chief)
    assert counts(plan) == {
        "goals": 2, "indicators": 0, "activities": 0, "statuses": 0, "measurements": 0,
        "follow_ups": 0,
    }  # fmt: skip
    assert [g.title for g in Goal.objects.filter(plan=plan).order_by("number")] == [
        "Mål två",
        "Mål tre",
    ]
    record = Goal.history.get(id=ids["goal"], history_type="-")
    assert record.history_user == chief

    result = history_restore(model_name="goal", history_id=record.history_id, actor=chief)

    assert counts(plan) == before
    restored = Goal.objects.get(pk=ids["goal"])
    assert restored == result.restored
    assert [g.title for g in Goal.objects.filter(plan=plan).order_by("number")] == [
        "Nöjda och friska medarbetare",
        "Mål två",
        "Mål tre",
    ]
    assert set(restored.indicators.values_list("pk", flat=True)) == ids["indicators"]
    assert (
        set(Measurement.objects.filter(indicator__goal=restored).values_list("pk", flat=True))
        == ids["measurements"]
    )
    assert result.counts == {
        "indicators": 1, "activities": 1, "measurements": 2, "activity statuses": 1,
        "goal follow-ups": 1,
    }  # fmt: skip
    assert result.skipped == []
    latest = restored.history.first()
    assert (latest.history_type, latest.history_user) in {("+", chief), ("~", chief)}
    assert restored.history.filter(history_change_reason="restored").exists()


def test_a_goal_comes_back_in_the_same_statements_however_much_was_deleted_with_it(
    full_goal, periods, django_user_model
):
    chief = django_user_model.objects.create_user(username="kvalitetschef", password="x")

    def delete_and_restore() -> int:
        pk = full_goal.pk
        goal_delete(goal=Goal.objects.get(pk=pk), actor=chief)
        record = Goal.history.filter(id=pk, history_type="-").latest("history_date")
        with CaptureQueriesContext(connection) as counted:
            result = history_restore(model_name="goal", history_id=record.history_id, actor=chief)
        assert result.skipped == []
        return len(counted.captured_queries)

    few = delete_and_restore()
    for number in range(10):
        activity = activity_add(goal=full_goal, title=f"A{number}", ongoing=True, actor=None)
        activity_status_set(activity=activity, period=periods[0], status="in_progress", actor=None)
        add(full_goal, f"I{number}")
    before = counts(full_goal.plan)
    assert delete_and_restore() == few
    assert counts(full_goal.plan) == before
    # Each object came back with its creation record, by the one who restored it.
    for model in (Indicator, Activity, ActivityStatus):
        latest = model.history.filter(history_change_reason="restored")
        assert latest.count() >= 10
        assert set(latest.values_list("history_type", "history_user")) == {("+", chief.pk)}


def test_restoring_twice_is_refused(full_goal, english):
    pk = full_goal.pk
    goal_delete(goal=full_goal, actor=None)
    record = Goal.history.get(id=pk, history_type="-")
    history_restore(model_name="goal", history_id=record.history_id, actor=None)
    with pytest.raises(ValidationError, match="nothing to restore"):
        history_restore(model_name="goal", history_id=record.history_id, actor=None)


def test_what_was_deleted_before_the_goal_stays_deleted(full_goal, activity, plan):
    earlier = activity_add(goal=full_goal, title="Tidigare borttagen", ongoing=True, actor=None)
    earlier_pk = earlier.pk
    activity_delete(activity=earlier, actor=None)
    pk = full_goal.pk
    goal_delete(goal=full_goal, actor=None)
    record = Goal.history.get(id=pk, history_type="-")
    history_restore(model_name="goal", history_id=record.history_id, actor=None)
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert not Activity.objects.filter(pk=earlier_pk).exists()
    assert [item.label for item in deleted_items(plan)[0]] == ["Tidigare borttagen"]


def test_a_deleted_indicator_comes_back_in_its_place_with_its_values(full_goal, indicator, english):
    first = add(full_goal, "Först")
    goal_item_move(item=first, direction="up", actor=None)
    last = add(full_goal, "Sist")
    pk = indicator.pk
    indicator_delete(indicator=indicator, actor=None)
    record = Indicator.history.get(id=pk, history_type="-")
    result = history_restore(model_name="indicator", history_id=record.history_id, actor=None)
    assert result.counts == {"measurements": 2}
    names = list(full_goal.indicators.order_by("position").values_list("name", flat=True))
    assert names == ["Först", "HME-index", last.name]


def test_a_row_deleted_after_another_comes_back_between_the_same_rows(full_goal, indicator):
    a, b, c = (add(full_goal, name) for name in "ABC")  # after HME-index: positions 0..3
    indicator_delete(indicator=indicator, actor=None)  # leaves A, B, C at 1, 2, 3
    pk = b.pk
    indicator_delete(indicator=b, actor=None)
    record = Indicator.history.get(id=pk, history_type="-")
    history_restore(model_name="indicator", history_id=record.history_id, actor=None)
    names = list(full_goal.indicators.order_by("position", "pk").values_list("name", flat=True))
    assert names == [a.name, "B", c.name]


def test_an_activity_of_a_deleted_goal_comes_back_only_with_the_goal(full_goal, activity, english):
    activity_pk = activity.pk
    goal_delete(goal=full_goal, actor=None)
    record = Activity.history.get(id=activity_pk, history_type="-")
    with pytest.raises(ValidationError, match="restore the goal"):
        history_restore(model_name="activity", history_id=record.history_id, actor=None)


def test_what_no_longer_fits_is_left_out_and_reported(full_goal, indicator, periods):
    pk = indicator.pk
    indicator_delete(indicator=indicator, actor=None)
    FollowUpPeriod.objects.filter(pk=periods[1].pk).delete()
    record = Indicator.history.get(id=pk, history_type="-")
    result = history_restore(model_name="indicator", history_id=record.history_id, actor=None)
    assert Measurement.objects.filter(indicator_id=pk).count() == 1
    assert len(result.skipped) == 1


def test_a_restored_goal_takes_its_old_number(plan):
    goals = [goal_add(plan=plan, title=f"Mål {n}", actor=None) for n in range(1, 5)]
    pk = goals[1].pk
    goal_delete(goal=goals[1], actor=None)
    goal_add(plan=plan, title="Mål 5", actor=None)
    record = Goal.history.get(id=pk, history_type="-")
    history_restore(model_name="goal", history_id=record.history_id, actor=None)
    numbered = Goal.objects.filter(plan=plan).order_by("number").values_list("title", "number")
    assert list(numbered) == [
        ("Mål 1", 1), ("Mål 2", 2), ("Mål 3", 3), ("Mål 4", 4), ("Mål 5", 5),
    ]  # fmt: skip


# --- The colour of the latest value, in SQL -------------------------------------------------------

BANDS = [
    {"direction": "higher", "green_bound": D(80), "red_bound": D(70), "red_bound_inclusive": False},
    {"direction": "higher", "green_bound": D(80), "green_bound_inclusive": False},
    {"direction": "lower", "green_bound": D("6"), "green_bound_inclusive": False,
     "red_bound": D("7"), "red_bound_inclusive": True},
    {"direction": "lower", "green_bound": D(232), "red_bound": D(275)},
    {"direction": "higher", "green_bound": D("3.9"), "red_bound": D("3.4")},
]  # fmt: skip
VALUES = [None, D(0), D("3.4"), D("3.5"), D("3.9"), D(6), D("6.5"), D(7), D(70), D("70.5"),
          D(80), D("80.0001"), D(232), D(250), D(275), D(300)]  # fmt: skip


def test_the_list_colours_every_value_as_the_colour_rule_does(goal, periods):
    expected = {}
    for index, bands in enumerate(BANDS):
        for value in VALUES:
            indicator = add(goal, f"{index}-{value}", **bands)
            measurement_record(indicator=indicator, period=periods[0], value=D(1), actor=None)
            measurement_record(indicator=indicator, period=periods[1], value=value, actor=None)
            expected[indicator.pk] = evaluate(value, indicator.bands).value
    found = {row.pk: row.latest_colour for row in with_latest_colour(plan_indicators(goal.plan))}
    assert found == expected


def test_the_latest_value_is_the_whole_plans_total(indicator, periods, units):
    measurement_record(indicator=indicator, period=periods[0], value=D(90), actor=None)
    measurement_record(
        indicator=indicator, period=periods[1], value=D(10), unit=units["unit_a"], actor=None
    )
    measurement_record(indicator=indicator, period=periods[1], value=D(20), gender="K", actor=None)
    row = listed(indicator.goal.plan, indicator.pk)
    assert (row.latest_value, row.latest_period_kind, row.latest_colour) == (D(90), "T1", "green")
