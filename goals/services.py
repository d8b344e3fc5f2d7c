"""Writes for goals, activities and activity statuses."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
from planning.models import FollowUpPeriod, Plan
from planning.services import Actor, next_position, save_validated


@transaction.atomic
def goal_create(*, plan: Plan, number: int, title: str, actor: Actor, **fields: Any) -> Goal:
    """Add a numbered goal to a plan."""
    return save_validated(Goal(plan=plan, number=number, title=title, **fields), actor=actor)


@transaction.atomic
def activity_create(*, goal: Goal, title: str, actor: Actor, **fields: Any) -> Activity:
    """Add an activity to a goal, placed last unless a position is given."""
    if "position" not in fields:
        fields["position"] = next_position(goal.activities)
    return save_validated(Activity(goal=goal, title=title, **fields), actor=actor)


@transaction.atomic
def activity_status_set(
    *,
    activity: Activity,
    period: FollowUpPeriod,
    status: str,
    comment: str = "",
    expected_version: int | None = None,
    actor: Actor,
) -> ActivityStatus:
    """Record how an activity stands in a period; replaces the period's earlier report.

    With `expected_version`, refuses to replace a report someone else changed meanwhile.
    """
    record = (
        ActivityStatus.objects.select_for_update().filter(activity=activity, period=period).first()
    )
    if record is None:
        record = ActivityStatus(activity=activity, period=period)
    record.status = status
    record.comment = comment
    record.reported_by = actor if getattr(actor, "is_authenticated", False) else None
    record.reported_at = timezone.now()
    return save_validated(record, actor=actor, expected_version=expected_version)


@transaction.atomic
def goal_follow_up_save(
    *,
    goal: Goal,
    period: FollowUpPeriod,
    assessment: str,
    analysis: str,
    expected_version: int | None = None,
    actor: Actor,
) -> GoalFollowUp:
    """Write the analysis and assessment of a goal for a period (one per goal and period).

    With `expected_version`, refuses to overwrite a text someone else changed meanwhile.
    """
    record = GoalFollowUp.objects.select_for_update().filter(goal=goal, period=period).first()
    if record is None:
        record = GoalFollowUp(goal=goal, period=period)
    record.assessment = assessment
    record.analysis = analysis
    record.written_by = actor if getattr(actor, "is_authenticated", False) else None
    record.updated_at = timezone.now()
    return save_validated(record, actor=actor, expected_version=expected_version)
