"""Goals of a plan (`goals`), the activities that serve them and the activities' status per
period (`activities`), and each goal's follow-up in a period (`follow_up`)."""

from goals.models.activities import (
    Activity,
    ActivityStatus,
    Month,
    Responsibility,
    activity_overdue,
    short_title,
)
from goals.models.follow_up import GoalFollowUp
from goals.models.goals import Goal, Scope, SubGoal

__all__ = [
    "Activity",
    "ActivityStatus",
    "Goal",
    "GoalFollowUp",
    "Month",
    "Responsibility",
    "Scope",
    "SubGoal",
    "activity_overdue",
    "short_title",
]
