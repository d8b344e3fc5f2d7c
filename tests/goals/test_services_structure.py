"""The planner's changes to goals and activities: numbering 1..n, moving, deleting."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authoring.services import goal_item_place
from core.versioning import MOVED, SHIFTED, EditConflict
from goals.models import Activity, Goal
from goals.services import (
    activity_add,
    activity_delete,
    activity_update,
    goal_add,
    goal_delete,
    goal_item_move,
    goal_move,
    goal_update,
    goals_renumber,
)
from planning.models import Plan
from planning.services import plan_create


def numbered(plan: Plan) -> list[tuple[int, str]]:
    return list(Goal.objects.filter(plan=plan).order_by("number").values_list("number", "title"))


@pytest.fixture
def five_goals(plan):
    return [goal_add(plan=plan, title=f"Mål {letter}", actor=None) for letter in "ABCDE"]


def test_goals_are_numbered_after_the_last(five_goals, plan):
    assert numbered(plan) == [(1, "Mål A"), (2, "Mål B"), (3, "Mål C"), (4, "Mål D"), (5, "Mål E")]


def test_moving_a_goal_up_swaps_it_with_the_one_above(five_goals, plan):
    goal = goal_move(goal=five_goals[2], direction="up", actor=None)
    assert goal.number == 2
    assert [title for _n, title in numbered(plan)] == ["Mål A", "Mål C", "Mål B", "Mål D", "Mål E"]


def test_moving_the_first_goal_up_changes_nothing(five_goals, plan):
    goal_move(goal=five_goals[0], direction="up", actor=None)
    goal_move(goal=five_goals[4], direction="down", actor=None)
    assert [title for _n, title in numbered(plan)] == ["Mål A", "Mål B", "Mål C", "Mål D", "Mål E"]
    assert all(goal.history.count() == 1 for goal in Goal.objects.filter(plan=plan))


def test_renumbering_follows_any_order_without_gaps(five_goals, plan):
    order = [five_goals[i].pk for i in (4, 0, 3, 1, 2)]
    goals_renumber(plan=plan, actor=None, order=order)
    assert numbered(plan) == [(1, "Mål E"), (2, "Mål A"), (3, "Mål D"), (4, "Mål B"), (5, "Mål C")]


def test_renumbering_records_each_changed_goal_in_the_history(five_goals, plan, django_user_model):
    chief = django_user_model.objects.create_user("kvalitetschef")
    goal_move(goal=five_goals[3], direction="down", actor=chief)
    moved = {goal.title: goal for goal in Goal.objects.filter(plan=plan)}
    for title, number in (("Mål D", 5), ("Mål E", 4)):
        latest = moved[title].history.first()
        assert (latest.number, latest.history_user) == (number, chief)
        assert moved[title].version == 2
    assert moved["Mål A"].version == 1


def test_a_goal_moved_is_recorded_as_moved_and_those_renumbered_by_it_as_shifted(five_goals):
    goal_move(goal=five_goals[3], direction="down", actor=None)
    goal_delete(goal=five_goals[0], actor=None)
    reasons = {
        goal.title: [r.history_change_reason for r in goal.history.order_by("history_id")]
        for goal in five_goals[1:]
    }
    # D moved below E (E renumbered by it); A deleted, B to E renumbered by the deletion.
    assert reasons == {
        "Mål B": [None, SHIFTED],
        "Mål C": [None, SHIFTED],
        "Mål D": [None, MOVED, SHIFTED],
        "Mål E": [None, SHIFTED, SHIFTED],
    }


def test_renumbering_closes_gaps_left_by_old_data(plan):
    for number in (2, 5, 9):
        Goal.objects.create(plan=plan, number=number, title=f"Mål {number}")
    goals_renumber(plan=plan, actor=None)
    assert numbered(plan) == [(1, "Mål 2"), (2, "Mål 5"), (3, "Mål 9")]


def test_renumbering_needs_every_goal_once(five_goals, plan):
    with pytest.raises(ValueError):
        goals_renumber(plan=plan, actor=None, order=[five_goals[0].pk, five_goals[0].pk])


def test_renumbering_one_plan_leaves_another_alone(five_goals, plan, organisation):
    other = plan_create(
        organisation=organisation, kind="action_plan", name="Annan", start_year=2023,
        end_year=2023, actor=None,
    )  # fmt: skip
    goal_add(plan=other, title="Annat mål", actor=None)
    goal_move(goal=five_goals[0], direction="down", actor=None)
    assert numbered(other) == [(1, "Annat mål")]


def test_deleting_a_goal_renumbers_the_rest(five_goals, plan):
    goal_delete(goal=five_goals[1], actor=None)
    assert numbered(plan) == [(1, "Mål A"), (2, "Mål C"), (3, "Mål D"), (4, "Mål E")]


def test_deleting_a_goal_deletes_what_is_under_it(goal, indicator, activity, plan):
    goal_delete(goal=goal, actor=None)
    assert not Activity.objects.filter(goal__plan=plan).exists()
    assert not plan.goals.exists()


def test_goal_edit_based_on_an_old_version_is_refused(goal):
    seen = goal.version
    goal_update(goal=goal, actor=None, expected_version=seen, title="Först")
    with pytest.raises(EditConflict):
        goal_update(
            goal=Goal.objects.get(pk=goal.pk), actor=None, expected_version=seen, title="Sen"
        )
    assert Goal.objects.get(pk=goal.pk).title == "Först"


def test_goal_update_changes_only_words(goal):
    with pytest.raises(TypeError):
        goal_update(goal=goal, actor=None, number=7)


def test_activities_move_within_their_goal(goal):
    _a, _b, c = (activity_add(goal=goal, title=title, ongoing=True, actor=None) for title in "ABC")
    goal_item_move(item=c, direction="up", actor=None)
    assert list(goal.activities.order_by("position").values_list("title", flat=True)) == [
        "A", "C", "B",
    ]  # fmt: skip
    assert list(goal.activities.order_by("position").values_list("position", flat=True)) == [
        0, 1, 2,
    ]  # fmt: skip


def test_a_step_up_records_the_row_moved_and_the_one_it_passed_as_shifted(goal):
    a, b = (activity_add(goal=goal, title=title, ongoing=True, actor=None) for title in "AB")
    goal_item_move(item=b, direction="up", actor=None)
    reasons = {
        found.pk: Activity.history.filter(id=found.pk).latest("history_date").history_change_reason
        for found in (a, b)
    }
    assert reasons == {a.pk: SHIFTED, b.pk: MOVED}


def test_a_row_dragged_to_the_end_moves_the_others_in_a_few_statements_each_recorded(
    goal, django_user_model
):
    planner = django_user_model.objects.create_user(username="planerare", password="x")

    def drag_first_to_the_end() -> tuple[int, dict[int, int]]:
        before = list(goal.activities.order_by("position", "pk"))
        versions = {a.pk: a.version for a in before}
        with CaptureQueriesContext(connection) as counted:
            goal_item_place(item=before[0], index=len(before) - 1, actor=planner)
        return len(counted.captured_queries), versions

    for title in "ABC":
        activity_add(goal=goal, title=title, ongoing=True, actor=None)
    few, was = drag_first_to_the_end()
    after = list(goal.activities.order_by("position", "pk"))
    assert [a.title for a in after] == ["B", "C", "A"]
    assert [a.position for a in after] == [0, 1, 2]
    # Every row that moved: a version up and a change record by the one who dragged, the
    # others' saying they were shifted by it.
    for moved in after:
        assert moved.version == was[moved.pk] + 1
        record = Activity.history.filter(id=moved.pk).latest("history_date")
        assert (record.history_type, record.history_user, record.position) == (
            "~", planner, moved.position,
        )  # fmt: skip
        assert record.history_change_reason == (MOVED if moved.title == "A" else SHIFTED)
    for number in range(20):
        activity_add(goal=goal, title=f"A{number}", ongoing=True, actor=None)
    many, _was = drag_first_to_the_end()
    assert many == few
    assert Activity.history.filter(goal_id=goal.pk, history_type="~").count() == 3 + 23


def test_an_activity_moved_to_another_goal_goes_last(goal, plan, activity):
    other = goal_add(plan=plan, title="Annat mål", actor=None)
    activity_add(goal=other, title="Finns redan", ongoing=True, actor=None)
    moved = activity_update(
        activity=Activity.objects.get(pk=activity.pk),
        actor=None,
        expected_version=activity.version,
        goal=other,
    )
    assert moved.goal == other
    assert list(other.activities.order_by("position").values_list("title", flat=True)) == [
        "Finns redan",
        activity.title,
    ]


def test_an_activity_cannot_move_to_another_plans_goal(activity, organisation, english):
    other_plan = plan_create(
        organisation=organisation, kind="action_plan", name="Annan", start_year=2023,
        end_year=2023, actor=None,
    )  # fmt: skip
    foreign = goal_add(plan=other_plan, title="Främmande", actor=None)
    with pytest.raises(ValidationError, match="same plan"):
        activity_update(activity=activity, actor=None, goal=foreign)


def test_activity_rules_apply_to_edits(activity, english):
    with pytest.raises(ValidationError) as refused:
        activity_update(activity=activity, actor=None, ongoing=True)
    assert "due_on" in refused.value.message_dict


def test_deleting_an_activity_is_marked_for_restoring(activity):
    pk = activity.pk
    mark = activity_delete(activity=activity, actor=None)
    assert mark.startswith(f"deleted:goals.activity:{pk}:")
    assert Activity.history.get(id=pk, history_type="-").history_change_reason == mark
