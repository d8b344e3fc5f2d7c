"""What the plan page and its in-place parts share: the page's context (each goal with the small
forms that add to it; a large plan's goals beyond the first shown by their heading, their items
loaded as they come into view), and where a goal, indicator or activity belongs, deleted ones
too."""

import hashlib
from functools import cache
from typing import Any

from django.http import Http404, HttpRequest
from django.template import Context, Template
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from authoring.forms import ActivityRowForm, GoalTitleForm, IndicatorRowForm
from authoring.selectors import plan_page_goals, plan_structure
from core.datastamp import NO_PERIODS, kept
from goals.models import Activity, Goal
from goals.selectors import with_overdue
from indicators.models import Indicator
from planning.models import Plan, SchemeRow, scheme_rows
from planning.permissions import can_edit_plan
from planning.shortcuts import is_locked

ITEMS: dict[str, type] = {"goal": Goal, "indicator": Indicator, "activity": Activity}
TEMPLATE = "authoring/structure.html"


def plan_id_of(kind: str, pk: int) -> int:
    """The plan an object belongs (or belonged) to, from the object or its history."""
    if kind == "plan":
        return pk
    model = ITEMS[kind]
    record = model.history.filter(id=pk).order_by("-history_date").first()
    if record is None:
        raise Http404
    if kind == "goal":
        return record.plan_id
    goal = Goal.history.filter(id=record.goal_id).order_by("-history_date").first()
    if goal is None:
        raise Http404
    return goal.plan_id


def new_indicator_form(goal: Goal, data=None) -> IndicatorRowForm:
    return IndicatorRowForm(data, auto_id=f"goal-{goal.pk}-new-indicator-%s")


def new_activity_form(
    goal: Goal, data=None, scheme: list[SchemeRow] | None = None
) -> ActivityRowForm:
    if scheme is None:
        scheme = scheme_rows(goal.plan.organisation)
    year = goal.plan.start_year if data is not None else None
    return ActivityRowForm(
        data, scheme=scheme, auto_id=f"goal-{goal.pk}-new-activity-%s", first_year=year
    )


def new_goal_form(plan: Plan, data=None) -> GoalTitleForm:
    return GoalTitleForm(data, auto_id=f"plan-{plan.pk}-new-goal-%s")


def with_forms(
    goals: list[Goal],
    count: int,
    bound: dict[str, Any] | None = None,
    *,
    scheme: list[SchemeRow],
) -> list[Goal]:
    """Each goal with the forms that add an indicator and an activity to it (a bound one where
    `bound` has it: {"indicator-<goal id>": form}), and whether it is first or last. A goal
    shown by its heading alone (`is_lazy`) gets its forms when its items are loaded. `scheme`:
    the follow-up periods of the plan's organisation (for "Evaluated in")."""
    bound = bound or {}
    for goal in goals:
        goal.is_first = goal.number == 1
        goal.is_last = goal.number == count
        if getattr(goal, "is_lazy", False):
            continue
        goal.indicator_form = bound.get(f"indicator-{goal.pk}") or new_indicator_form(goal)
        goal.activity_form = bound.get(f"activity-{goal.pk}") or new_activity_form(
            goal, scheme=scheme
        )
    return goals


def expanded(request: HttpRequest, bound: dict[str, Any] | None = None) -> set[int]:
    """The goals shown in full besides the leading ones: `?goal=` (a link of a goal shown by
    its heading, without JavaScript) and those whose form came back with errors."""
    goals = {int(value) for value in request.GET.getlist("goal") if value.isdigit()}
    for key in bound or {}:
        kind, _dash, pk = key.partition("-")
        if kind in ("indicator", "activity") and pk.isdigit():
            goals.add(int(pk))
    return {pk for pk in goals if pk < 2**31}


def page_context(
    request: HttpRequest,
    plan: Plan,
    scope,
    bound: dict[str, Any] | None = None,
    expand: set[int] | frozenset[int] = frozenset(),
) -> dict[str, Any]:
    """The plan page: every goal, the leading ones (and `expand`, and `?goal=`) with their
    indicators and activities and the forms that add to them where the user may write the
    plan; the others by their heading, their items loaded as they come into view."""
    can_edit = can_edit_plan(scope, plan)
    locked = is_locked(plan)
    goals = plan_page_goals(plan, expand=set(expand) | expanded(request, bound))
    bound = bound or {}
    return {
        "plan": plan,
        "goals": with_forms(goals, len(goals), bound, scheme=scheme_rows(plan.organisation)),
        "can_edit": can_edit and not locked,
        "can_reopen": can_edit and plan.status == Plan.Status.DECIDED,
        "locked": locked,
        "goal_form": bound.get("goal") or new_goal_form(plan),
    }


def goal_context(plan: Plan, scope, goal_pk: int) -> dict[str, Any]:
    """One goal of the plan page with its items and the forms that add to them (a goal's
    section, or its items as they come into view). 404 for a goal of another plan."""
    scheme = scheme_rows(plan.organisation)
    found = plan_structure(plan, goal_ids=[goal_pk], scheme=scheme)
    if not found:
        raise Http404
    can_edit = can_edit_plan(scope, plan) and not is_locked(plan)
    # The forms, and the goal's place among the others, are for those who may change it.
    (goal,) = with_forms(found, plan.goals.count(), scheme=scheme) if can_edit else found
    return {"plan": plan, "goal": goal, "can_edit": can_edit}


# What the forms of a goal's rows kept for those who may change the plan hold in place of the
# reader's CSRF token: each reader's own is put back as the rows are handed out. Nothing a
# person typed can read the same once escaped (its quotes would be &quot;).
CSRF_SLOT = "kept-for-the-reader"


@cache
def _csrf_slot_input() -> str:
    """The hidden field `{% csrf_token %}` writes for CSRF_SLOT, as the kept rows hold it."""
    return Template("{% csrf_token %}").render(Context({"csrf_token": CSRF_SLOT}))


def kept_goal_items(
    request: HttpRequest, plan: Plan, scope, goal_pk: int, *, editable: bool
) -> str:
    """A goal's indicators and activities as they load into the plan page: with the controls
    and the forms that add rows for those who may change the plan (`editable`), without for
    the others (a decided plan, a reader without the right). Each is the same for every such
    reader but the CSRF token, so rendered once and kept until the plan's structure, the day
    or which activities are overdue changes (the only thing of the follow-up the rows show:
    what is reported leaves them kept otherwise); other plans' changes leave them kept.
    404 for a goal of another plan."""
    overdue = (
        with_overdue(Activity.objects.filter(goal_id=goal_pk, goal__plan=plan))
        .filter(overdue=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    digest = hashlib.sha256(",".join(map(str, overdue)).encode()).hexdigest()[:16]
    day = timezone.localdate().isoformat()
    mode = "edit" if editable else "read"
    key = f"plan-goal-items:{plan.pk}:{goal_pk}:{mode}:{get_language()}:{day}:{digest}"

    def render() -> str:
        context = goal_context(plan, scope, goal_pk)
        context["csrf_token"] = CSRF_SLOT
        return render_to_string(f"{TEMPLATE}#goal_items", context)

    rows = kept(key, render, until=NO_PERIODS, plans=(plan.pk,))
    if not editable:
        return rows
    return rows.replace(_csrf_slot_input(), csrf_input(request))
