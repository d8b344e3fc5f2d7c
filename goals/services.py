"""Writes for goals, activities and activity statuses."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.versioning import (
    MOVED,
    SHIFTED,
    Actor,
    delete_recorded,
    next_position,
    row_for_update,
    save_first,
    save_validated,
    update_in_bulk,
)
from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp, SubGoal
from planning.models import FollowUpPeriod, Plan
from planning.services import ensure_plan_unlocked


@transaction.atomic
def goal_create(*, plan: Plan, number: int, title: str, actor: Actor, **fields: Any) -> Goal:
    """Add a numbered goal to a plan. Low level: pages use `goal_add`, which checks the lock."""
    return save_validated(Goal(plan=plan, number=number, title=title, **fields), actor=actor)


@transaction.atomic
def sub_goal_create(*, goal: Goal, title: str, actor: Actor, label: str = "", **fields) -> SubGoal:
    """Add a sub-goal to a goal, placed last unless a position is given (low level: loaders,
    roll-over, import; the goal's page uses `sub_goals_set`)."""
    if "position" not in fields:
        fields["position"] = next_position(goal.sub_goals)
    return save_validated(SubGoal(goal=goal, title=title, label=label, **fields), actor=actor)


@transaction.atomic
def sub_goal_titled(*, goal: Goal, title: str, actor: Actor) -> SubGoal | None:
    """The goal's sub-goal written `title` (spaces and case aside), added last when the goal
    has none yet; None for an empty title. For rows typed as a document writes them, where a
    sub-goal is repeated as text on every measure row that belongs to it."""
    title = " ".join((title or "").split())
    if not title:
        return None
    found = goal.sub_goals.filter(title__iexact=title).order_by("position", "pk").first()
    return found or sub_goal_create(goal=goal, title=title, actor=actor)


@transaction.atomic
def sub_goals_set(*, goal: Goal, sub_goals: list[tuple[str, str]], actor: Actor) -> list[SubGoal]:
    """Make the goal's sub-goals the (label, title) pairs given, in order. A pair is the
    existing sub-goal with its label, else with its title (case aside), else the first existing
    one not yet taken (a reworded sub-goal), so that the indicators and activities of a
    sub-goal stay with it when lines are added, removed or moved. Pairs left over are added;
    sub-goals left over are deleted (their indicators and activities keep their goal, without
    sub-goal). Refused while the plan is locked."""
    ensure_plan_unlocked(goal.plan)
    existing = list(
        SubGoal.objects.select_for_update().filter(goal=goal).order_by("position", "pk")
    )
    matched: dict[int, SubGoal] = {}
    rules = (
        lambda item, label, title: bool(label) and item.label == label,
        lambda item, label, title: item.title.casefold() == title.casefold(),
        lambda item, label, title: True,
    )
    for rule in rules:
        for position, (label, title) in enumerate(sub_goals):
            if position in matched:
                continue
            taken = {item.pk for item in matched.values()}
            found = [item for item in existing if item.pk not in taken]
            found = [item for item in found if rule(item, label, title)]
            if found:
                matched[position] = found[0]
    kept = []
    for position, (label, title) in enumerate(sub_goals):
        item = matched.get(position)
        if item is None:
            item = sub_goal_create(
                goal=goal, title=title, label=label, position=position, actor=actor
            )
        elif (item.label, item.title, item.position) != (label, title, position):
            item.label, item.title, item.position = label, title, position
            save_validated(item, actor=actor)
        kept.append(item)
    taken = {item.pk for item in kept}
    for item in existing:
        if item.pk not in taken:
            delete_recorded(item, actor=actor)
    return kept


@transaction.atomic
def activity_create(*, goal: Goal, title: str, actor: Actor, **fields: Any) -> Activity:
    """Add an activity to a goal, placed last unless a position is given.

    Low level (loaders, roll-over): pages use `activity_add`, which checks the plan's lock.
    """
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
    key = {"activity": activity, "period": period}
    record = row_for_update(ActivityStatus, **key)
    is_first = record is None
    if is_first:
        record = ActivityStatus(**key)
    else:  # the caller's objects, with what they have selected, for clean()
        record.activity, record.period = activity, period
    record.status = status
    record.comment = comment
    record.reported_by = actor if getattr(actor, "is_authenticated", False) else None
    record.reported_at = timezone.now()
    # The activity, the period and the person are the caller's objects, loaded and in scope.
    checked = ("activity", "period", "reported_by")
    if is_first:
        return save_first(
            record, actor=actor, key=key, expected_version=expected_version, checked=checked
        )
    return save_validated(
        record, actor=actor, expected_version=expected_version, checked=checked, locked=True
    )


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
    key = {"goal": goal, "period": period}
    record = row_for_update(GoalFollowUp, **key)
    is_first = record is None
    if is_first:
        record = GoalFollowUp(**key)
    record.assessment = assessment
    record.analysis = analysis
    record.written_by = actor if getattr(actor, "is_authenticated", False) else None
    record.updated_at = timezone.now()
    if is_first:
        return save_first(record, actor=actor, key=key, expected_version=expected_version)
    return save_validated(record, actor=actor, expected_version=expected_version)


# --- The planner's changes to a plan's goals and activities ------------------------------------
# Every change below is refused while the plan is decided or archived (`ensure_plan_unlocked`).

UP = "up"
DOWN = "down"
GOAL_FIELDS = frozenset({"title", "label", "description", "scope", "contributes_to", "perspective"})
ACTIVITY_FIELDS = frozenset(
    {
        "title",
        "sub_goal",
        "responsible_role",
        "unit",
        "responsible_user",
        "reporting_role",
        "reporting_unit",
        "reporting_user",
        "ongoing",
        "due_on",
        "due_precision",
        "evaluated_months",
    }
)


def _only(fields: dict[str, Any], allowed: frozenset[str], service: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{service} cannot change {', '.join(sorted(unknown))}")


def moved(order: list[int], pk: int, direction: str) -> list[int] | None:
    """`order` with `pk` moved one step up or down; None when it is already at that end."""
    if direction not in (UP, DOWN):
        raise ValueError(f"unknown direction {direction!r}")
    index = order.index(pk)
    other = index - 1 if direction == UP else index + 1
    if other < 0 or other >= len(order):
        return None
    order = list(order)
    order[index], order[other] = order[other], order[index]
    return order


def _moved_or_shifted(item: Any, moved: Any) -> str:
    """The change reason of `item`'s record when its place changed: `MOVED` if it is the one
    the person moved, else `SHIFTED` (moved by another's change)."""
    return MOVED if moved is not None and item.pk == moved.pk else SHIFTED


def positions_save(items: list[Any], *, actor: Actor, moved: Any = None) -> None:
    """Give siblings the positions 0..n-1 in the order given, writing only those that change:
    in one update and one insert of their history records, however many change (a row
    dragged from the top of a long list to its end moves every row).

    `moved` is the row the person moved: its record says so (`MOVED`), and the records of the
    others, shifted by it, say that (`SHIFTED`): a plan's history tells the move once. Without
    `moved` (a row put back, recorded on its own) every record is of a row shifted.

    The items were read with `select_for_update()` in this transaction. Only their positions
    and versions are written, and no rule of an item reads its position, so they are not
    validated again (an item saved before a rule was added still moves)."""
    changed = []
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            item.version += 1
            item._change_reason = _moved_or_shifted(item, moved)
            changed.append(item)
    update_in_bulk(changed, ["position", "version"], actor=actor)


@transaction.atomic
def goal_add(*, plan: Plan, title: str, actor: Actor, **fields: Any) -> Goal:
    """Add a goal to a plan, numbered after the last one."""
    ensure_plan_unlocked(plan)
    sub_goals = fields.pop("sub_goals", None)
    _only(fields, GOAL_FIELDS, "goal_add")
    last = plan.goals.aggregate(last=Max("number"))["last"] or 0
    goal = goal_create(plan=plan, number=last + 1, title=title, actor=actor, **fields)
    if sub_goals:
        sub_goals_set(goal=goal, sub_goals=sub_goals, actor=actor)
    return goal


@transaction.atomic
def goal_update(
    *, goal: Goal, actor: Actor, expected_version: int | None = None, **fields: Any
) -> Goal:
    """Change a goal's title, label, description, scope, perspective or the parent plan's
    goal it serves; with `sub_goals` ((label, title) pairs), its sub-goals too."""
    ensure_plan_unlocked(goal.plan)
    sub_goals = fields.pop("sub_goals", None)
    _only(fields, GOAL_FIELDS, "goal_update")
    for name, value in fields.items():
        setattr(goal, name, value)
    goal = save_validated(goal, actor=actor, expected_version=expected_version)
    if sub_goals is not None:
        sub_goals_set(goal=goal, sub_goals=sub_goals, actor=actor)
    return goal


@transaction.atomic
def goals_renumber(
    *, plan: Plan, actor: Actor, order: list[int] | None = None, moved: Goal | None = None
) -> list[Goal]:
    """Number a plan's goals 1..n without gaps, in `order` (goal ids) or their current order.

    The numbers are unique within the plan, so goals that change number are first moved out
    of the way (beyond every number in use) and then given their new numbers one by one,
    each save recorded in the history. Works the same on PostgreSQL and SQLite.

    `moved` is the goal the person moved: its record says so (`MOVED`); the others' records
    say they were renumbered by another's change (`SHIFTED`: a move, a deletion or a goal
    restored), which tells it itself. A plan's history tells the change once.
    """
    ensure_plan_unlocked(plan)
    goals = list(Goal.objects.select_for_update().filter(plan=plan).order_by("number", "pk"))
    by_pk = {goal.pk: goal for goal in goals}
    if order is None:
        order = [goal.pk for goal in goals]
    if sorted(order) != sorted(by_pk):
        raise ValueError("the order must name every goal of the plan exactly once")
    target = {pk: number for number, pk in enumerate(order, start=1)}
    changing = [goal for goal in goals if goal.number != target[goal.pk]]
    if changing:
        offset = max([len(goals), *(goal.number for goal in goals)]) + 1
        Goal.objects.filter(pk__in=[goal.pk for goal in changing]).update(
            number=F("number") + offset
        )
        for goal in sorted(changing, key=lambda goal: target[goal.pk]):
            goal.number = target[goal.pk]
            goal._change_reason = _moved_or_shifted(goal, moved)
            save_validated(goal, actor=actor)
    return [by_pk[pk] for pk in order]


@transaction.atomic
def goal_move(*, goal: Goal, direction: str, actor: Actor) -> Goal:
    """Move a goal one place up or down; the goals are renumbered 1..n."""
    ensure_plan_unlocked(goal.plan)
    order = list(goal.plan.goals.order_by("number", "pk").values_list("pk", flat=True))
    new_order = moved(order, goal.pk, direction)
    if new_order is not None:
        goals_renumber(plan=goal.plan, actor=actor, order=new_order, moved=goal)
    goal.refresh_from_db()
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, actor: Actor) -> str:
    """Delete a goal with its indicators, activities, their statuses, values and analyses.

    The remaining goals are renumbered 1..n. Everything deleted is marked in the history
    with the returned mark, so that it can be restored together.
    """
    plan = goal.plan
    ensure_plan_unlocked(plan)
    mark = delete_recorded(goal, actor=actor)
    goals_renumber(plan=plan, actor=actor)
    return mark


@transaction.atomic
def activity_add(*, goal: Goal, title: str, actor: Actor, **fields: Any) -> Activity:
    """Add an activity to a goal, placed last."""
    ensure_plan_unlocked(goal.plan)
    _only(fields, ACTIVITY_FIELDS, "activity_add")
    return activity_create(goal=goal, title=title, actor=actor, **fields)


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    actor: Actor,
    expected_version: int | None = None,
    goal: Goal | None = None,
    **fields: Any,
) -> Activity:
    """Change an activity; with `goal`, move it to another goal of the same plan (last)."""
    _only(fields, ACTIVITY_FIELDS, "activity_update")
    return goal_item_update(
        item=activity, goal=goal, fields=fields, actor=actor, expected_version=expected_version
    )


def goal_item_update(
    *,
    item: Any,
    goal: Goal | None,
    fields: dict[str, Any],
    actor: Actor,
    expected_version: int | None,
) -> Any:
    """Change an activity or an indicator (fields already checked by the caller's service);
    with `goal`, move it to another goal of the same plan, placed last there.

    Refused while the plan is locked; call it inside the caller's transaction.
    """
    stored = type(item).objects.filter(pk=item.pk).values("goal_id")
    stored_goal = Goal.objects.select_related("plan").get(pk__in=stored)
    ensure_plan_unlocked(stored_goal.plan)
    if goal is not None and goal.pk != stored_goal.pk:
        if goal.plan_id != stored_goal.plan_id:
            raise ValidationError({"goal": _("Choose a goal of the same plan.")})
        item.position = next_position(type(item).objects.filter(goal=goal))
        if "sub_goal" not in fields:
            item.sub_goal = None  # the old goal's sub-goal does not follow it
    item.goal = goal if goal is not None else stored_goal
    for name, value in fields.items():
        setattr(item, name, value)
    return save_validated(item, actor=actor, expected_version=expected_version)


@transaction.atomic
def goal_item_move(*, item: Any, direction: str, actor: Actor) -> Any:
    """Move an activity or an indicator one place up or down among its goal's items."""
    ensure_plan_unlocked(item.goal.plan)
    siblings = list(
        type(item)
        .objects.select_for_update()
        .filter(goal_id=item.goal_id)
        .order_by("position", "pk")
    )
    order = moved([sibling.pk for sibling in siblings], item.pk, direction)
    if order is not None:
        by_pk = {sibling.pk: sibling for sibling in siblings}
        positions_save([by_pk[pk] for pk in order], actor=actor, moved=item)
    item.refresh_from_db()
    return item


@transaction.atomic
def activity_delete(*, activity: Activity, actor: Actor) -> str:
    """Delete an activity with its reported statuses; returns the history mark."""
    ensure_plan_unlocked(activity.goal.plan)
    return delete_recorded(activity, actor=actor)
