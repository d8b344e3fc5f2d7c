"""Writes for goals, activities and activity statuses."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from goals.models import Activity, ActivityStatus, Goal
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
    actor: Actor,
) -> ActivityStatus:
    """Record how an activity stands in a period; replaces the period's earlier report."""
    record = (
        ActivityStatus.objects.select_for_update().filter(activity=activity, period=period).first()
    )
    if record is None:
        record = ActivityStatus(activity=activity, period=period)
    record.status = status
    record.comment = comment
    record.reported_by = actor if getattr(actor, "is_authenticated", False) else None
    record.reported_at = timezone.now()
    return save_validated(record, actor=actor)
