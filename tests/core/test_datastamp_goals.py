"""The data's stamp per goal (core.datastamp: `goal_stamps`, `KeptParts`, `kept_by_goal`): a row
of a goal's content notes its goal too, so that what is assembled per goal of a plan is built
again for the goals whose rows changed, and for every goal when anything they all read changed;
what all goals share is kept while only goals change."""

from decimal import Decimal

import pytest
from django.db import transaction

from core.datastamp import NO_PERIODS, KeptParts, compact, goal_stamps, kept_by_goal, stamp
from core.datastamp.triggers import sources
from core.models import DataChange
from goals.services import goal_create
from indicators.models import Indicator
from indicators.services import indicator_create
from planning.models import Plan, Unit
from tests.follow_up import ENTERED, record_value

pytestmark = pytest.mark.django_db


def _second_goal(plan):
    """A second goal of the plan, with an indicator."""
    goal = goal_create(plan=plan, number=2, title="Trygg omsorg", actor=None)
    indicator_create(goal=goal, name="Trygghet", unit="percent", direction="higher",
                     green_bound=Decimal("80"), red_bound=Decimal("70"), actor=None)  # fmt: skip
    return goal


@pytest.fixture
def second_goal(plan):
    return _second_goal(plan)


def _reading(plan, day=None, plans=None):
    return goal_stamps(plan=plan.pk, until=day, plans=plans or [plan.pk])


def test_every_table_of_a_plans_goals_finds_its_goal():
    with_goals = {w.table for w in sources() if w.goal is not None}
    assert {"goals_goal", "goals_activity", "goals_activitystatus", "goals_goalfollowup",
            "indicators_indicator", "indicators_measurement", "goals_historicalactivity",
            "indicators_referencevalue"} <= with_goals  # fmt: skip
    assert all(w.plan is not None for w in sources() if w.goal is not None)


@pytest.mark.parametrize("entered", ENTERED)
def test_a_row_of_a_period_notes_its_goal_or_none_of_the_plan(other_plan, periods, entered):
    DataChange.objects.all().delete()
    ENTERED[entered](other_plan, periods[0])
    noted = set(DataChange.objects.values_list("plan_id", "goal_id"))
    goal = None if entered == "ready mark" else other_plan.goals.get().pk
    assert noted == {(other_plan.pk, goal)}


def test_a_value_moves_its_goals_stamp_alone(plan, goal, indicator, second_goal, periods):
    day = periods[0].ends_on
    before = _reading(plan, day)
    record_value(indicator, periods[0])
    after = _reading(plan, day)
    assert after.common == before.common
    assert after.of([goal.pk]) > before.of([goal.pk])
    assert after.of([second_goal.pk]) == before.of([second_goal.pk])


def test_a_goals_content_moves_its_stamp_alone(plan, goal, indicator, activity, second_goal):
    before = _reading(plan, NO_PERIODS)
    Indicator.objects.filter(goal=second_goal).update(name="Trygghet i hemtjänsten")
    after = _reading(plan, NO_PERIODS)
    assert after.common == before.common
    assert after.of([second_goal.pk]) > before.of([second_goal.pk])
    assert after.of([goal.pk]) == before.of([goal.pk])


def test_an_indicator_moved_to_another_goal_moves_both(plan, goal, indicator, second_goal):
    before = _reading(plan, NO_PERIODS)
    Indicator.objects.filter(pk=indicator.pk).update(goal=second_goal)
    after = _reading(plan, NO_PERIODS)
    assert after.of([goal.pk]) > before.of([goal.pk])
    assert after.of([second_goal.pk]) > before.of([second_goal.pk])


def test_the_plan_itself_and_what_no_plan_owns_move_every_goal(plan, goal, second_goal, units):
    first = _reading(plan, NO_PERIODS)
    Plan.objects.filter(pk=plan.pk).update(name="Verksamhetsplan Vård 2023")
    second = _reading(plan, NO_PERIODS)
    assert second.common > first.common
    Unit.objects.filter(pk=units["operation"].pk).update(name="Vård och omsorg")
    assert _reading(plan, NO_PERIODS).common > second.common


def test_another_plans_rows_count_for_every_goal_when_read(plan, goal, other_plan, periods):
    day = periods[0].ends_on
    alone, reading = _reading(plan, day), _reading(plan, day, [plan.pk, other_plan.pk])
    ENTERED["status"](other_plan, periods[0])
    assert _reading(plan, day) == alone
    after = _reading(plan, day, [plan.pk, other_plan.pk])
    assert after.common > reading.common
    assert after.by_goal == reading.by_goal


def test_a_goal_stamp_moves_whenever_the_stamp_does(plan, goal, indicator, activity, other_plan,
                                                    periods):  # fmt: skip
    for entered in ENTERED.values():
        entered(plan, periods[0])
        entered(other_plan, periods[1])
    second_goal = _second_goal(plan)
    record_value(Indicator.objects.get(goal=second_goal), periods[1])
    for day in (None, NO_PERIODS, periods[0].ends_on, periods[1].ends_on):
        for plans in ([plan.pk], [plan.pk, other_plan.pk]):
            found = goal_stamps(plan=plan.pk, until=day, plans=plans)
            assert found.common + sum(found.by_goal.values()) == stamp(until=day, plans=plans)


def test_compact_never_takes_a_goals_stamp_back(plan, goal, indicator, second_goal, periods):
    record_value(indicator, periods[0])
    record_value(Indicator.objects.get(goal=second_goal), periods[0])
    day = periods[0].ends_on
    before, total = _reading(plan, day), stamp(until=day, plans=[plan.pk])
    compact()
    after = _reading(plan, day)
    # Folded, the goals' changes count for every goal of the plan: each part is built again.
    assert after.by_goal == {}
    assert after.common == total
    assert after.common > before.common
    assert stamp(until=day, plans=[plan.pk]) == total


class _Builder:
    """Builds a value per goal, counting what it built; `reads` names other goals a goal's
    value is built from."""

    def __init__(self, reads=None):
        self.built: list[int] = []
        self.reads = reads or {}

    def __call__(self, goals):
        self.built += goals
        return {
            goal: (f"goal {goal}, {len(self.built)}", self.reads.get(goal, ())) for goal in goals
        }


def test_kept_by_goal_builds_again_only_the_goal_that_changed(plan, goal, indicator, second_goal,
                                                              periods):  # fmt: skip
    build, goals, day = _Builder(), [goal.pk, second_goal.pk], periods[0].ends_on

    def read():
        return kept_by_goal("parts", goals, build, plan=plan.pk, until=day, plans=[plan.pk])

    first = read()
    assert list(first) == goals and build.built == goals
    assert read() == first and build.built == goals
    record_value(indicator, periods[0])
    again = read()
    assert build.built == [*goals, goal.pk]
    assert again[second_goal.pk] == first[second_goal.pk]
    assert again[goal.pk] != first[goal.pk]
    Plan.objects.filter(pk=plan.pk).update(name="Verksamhetsplan Vård 2023")
    read()
    assert build.built == [*goals, goal.pk, *goals]


def test_kept_by_goal_builds_again_what_read_another_goal(plan, goal, indicator, second_goal,
                                                          periods):  # fmt: skip
    build = _Builder(reads={second_goal.pk: [goal.pk]})
    goals, day = [goal.pk, second_goal.pk], periods[0].ends_on

    def read():
        return kept_by_goal("parts", goals, build, plan=plan.pk, until=day, plans=[plan.pk])

    read()
    record_value(indicator, periods[0])
    read()
    assert build.built == [*goals, *goals]  # the second goal's part read the first goal
    Indicator.objects.filter(goal=second_goal).update(name="Trygghet i hemtjänsten")
    read()
    assert build.built == [*goals, *goals, second_goal.pk]


def test_kept_by_goal_builds_every_goal_when_keeping_is_off(plan, goal, second_goal, settings):
    settings.ASSEMBLED_CACHE_SECONDS = 0
    build, goals = _Builder(), [goal.pk, second_goal.pk]
    kept_by_goal("parts", goals, build, plan=plan.pk, plans=[plan.pk])
    kept_by_goal("parts", goals, build, plan=plan.pk, plans=[plan.pk])
    assert build.built == [*goals, *goals]


def test_kept_by_goal_reads_one_query_when_every_goal_is_kept(
    plan, goal, second_goal, django_assert_num_queries
):
    build, goals = _Builder(), [goal.pk, second_goal.pk]
    kept_by_goal("parts", goals, build, plan=plan.pk, plans=[plan.pk])
    with django_assert_num_queries(1):
        kept_by_goal("parts", goals, build, plan=plan.pk, plans=[plan.pk])


def test_what_all_goals_share_is_kept_while_only_goals_change(plan, goal, indicator,
                                                              second_goal, periods):  # fmt: skip
    built, day = [], periods[0].ends_on

    def read():
        parts = KeptParts.read("shared", plan=plan.pk, until=day, plans=[plan.pk])
        return parts.common("frame", lambda: built.append(len(built)) or len(built))

    assert read() == 1
    record_value(indicator, periods[0])
    Indicator.objects.filter(goal=second_goal).update(name="Trygghet i hemtjänsten")
    assert read() == 1 and built == [0]
    Plan.objects.filter(pk=plan.pk).update(name="Verksamhetsplan Vård 2023")
    assert read() == 2
    Unit.objects.filter(pk=Unit.objects.order_by("pk").first().pk).update(name="Ny enhet")
    assert read() == 3 and read() == 3


def test_one_reading_keeps_the_shared_part_and_the_goals_under_the_same_stamps(
    plan, goal, indicator, second_goal, periods, django_assert_num_queries
):
    goals, day = [goal.pk, second_goal.pk], periods[0].ends_on
    build = _Builder()
    parts = KeptParts.read("shared", plan=plan.pk, until=day, plans=[plan.pk])
    parts.common("frame", lambda: "frame")
    parts.by_goal("goals", goals, build)
    # Written after the reading, a value is not taken for kept under it: the next reading
    # builds its goal again.
    record_value(indicator, periods[0])
    with django_assert_num_queries(1):
        again = KeptParts.read("shared", plan=plan.pk, until=day, plans=[plan.pk])
        assert again.common("frame", lambda: "built again") == "frame"
    again.by_goal("goals", goals, build)
    assert build.built == [*goals, goal.pk]


def test_nothing_is_kept_inside_a_transaction(plan, goal):
    parts = KeptParts.read("shared", plan=plan.pk, plans=[plan.pk])
    assert parts.stamps is not None
    with transaction.atomic():
        inside = KeptParts.read("shared", plan=plan.pk, plans=[plan.pk])
        assert inside.stamps is None
        assert inside.common("frame", lambda: "a") == "a"
        assert inside.common("frame", lambda: "b") == "b"
