from core.paging import beside


def test_the_goals_before_and_after_the_one_shown():
    goals = ["1", "2", "3"]
    assert (beside(goals, "2", -1), beside(goals, "2", 1)) == ("1", "3")
    assert (beside(goals, "1", -1), beside(goals, "3", 1)) == (None, None)
    assert beside(goals, None, 1) is None
