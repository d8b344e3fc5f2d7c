from core.paging import beside


def test_the_goals_before_and_after_the_one_shown():
    goals = ["1", "2", "3"]
    assert (beside(goals, "2", -1), beside(goals, "2", 1)) == ("1", "3")
    assert (beside(goals, "1", -1), beside(goals, "3", 1)) == (None, None)
    assert beside(goals, None, 1) is None


def test_a_document_read_a_goal_at_a_time_steps_to_the_goals_around_the_one_shown():
    from dataclasses import dataclass

    from core.paging import GoalSteps

    @dataclass(frozen=True)
    class Pages(GoalSteps):
        goals: tuple[str, ...]
        current: str | None

    assert (Pages(("1", "2", "3"), "1").previous, Pages(("1", "2", "3"), "1").next) == (None, "2")
    assert Pages(("1", "2", "3"), None).next is None
