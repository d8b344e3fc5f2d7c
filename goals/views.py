"""The planner's pages for a plan's goals and activities.

The goals and activities are shown on the plan's structure page (`authoring:plan_structure`,
which also shows the indicators); the changes made here return there.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.views import add_service_errors, save_edit, service_message
from goals.filters import ActivityFilter
from goals.forms import ActivityForm, GoalForm
from goals.models import Activity, Goal
from goals.selectors import (
    parent_goals,
    plan_activities,
    plan_goals,
    plan_people,
    plan_units,
)
from goals.services import (
    activity_add,
    activity_delete,
    activity_update,
    goal_add,
    goal_delete,
    goal_move,
    goal_update,
)
from goals.shortcuts import delete_page, move_direction, move_item
from goals.tables import ActivityTable
from planning.models import Plan, scheme_rows
from planning.permissions import can_edit_plan
from planning.shortcuts import is_locked, plan_in_scope, refuse_if_locked, structure_url
from planning.tables import PER_PAGE


def goal_in_scope(request: HttpRequest, pk: int, *, edit: bool = False) -> tuple[Goal, Plan]:
    goal = get_object_or_404(Goal, pk=pk)
    plan, _scope = plan_in_scope(request, goal.plan_id, edit=edit)
    goal.plan = plan
    return goal, plan


def activity_in_scope(
    request: HttpRequest, pk: int, *, edit: bool = False
) -> tuple[Activity, Plan]:
    activity = get_object_or_404(Activity.objects.select_related("goal__plan"), pk=pk)
    plan, _scope = plan_in_scope(request, activity.goal.plan_id, edit=edit)
    return activity, plan


# --- Goals ----------------------------------------------------------------------------------------


def goal_form_page(request, form, plan, goal, conflict=None) -> HttpResponse:
    return render(
        request,
        "goals/goal_form.html",
        {"form": form, "plan": plan, "goal": goal, "conflict": conflict},
    )


@login_required
def goal_create_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Add a goal to the plan; it is numbered after the last one."""
    plan, _scope = plan_in_scope(request, plan_pk, edit=True)
    if refused := refuse_if_locked(request, plan):
        return refused
    form = GoalForm(request.POST or None, instance=Goal(plan=plan), parent_goals=parent_goals(plan))
    if request.method == "POST" and form.is_valid():
        try:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            goal = goal_add(plan=plan, actor=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal %(number)s was added.") % {"number": goal.number})
            return redirect(structure_url(plan, f"goal-{goal.pk}"))
    return goal_form_page(request, form, plan, None)


@login_required
def goal_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a goal's words."""
    goal, plan = goal_in_scope(request, pk, edit=True)
    if refused := refuse_if_locked(request, plan):
        return refused
    kwargs = {"parent_goals": parent_goals(plan)}
    form = GoalForm(request.POST or None, instance=goal, **kwargs)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        update = partial(goal_update, goal=goal, **fields)
        form, conflict, saved = save_edit(request, form, goal, update, kwargs)
        if saved:
            messages.success(request, _("The goal was saved."))
            return redirect(structure_url(plan, f"goal-{goal.pk}"))
    return goal_form_page(request, form, plan, goal, conflict)


@login_required
def goal_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a goal with everything under it (restorable from the history)."""
    goal, plan = goal_in_scope(request, pk, edit=True)
    return delete_page(
        request,
        plan=plan,
        instance=goal,
        delete=partial(goal_delete, goal=goal, actor=request.user),
        deleted=_(
            "The goal “%(title)s” was deleted. You can restore it, with everything under it, "
            "from the plan's history."
        )
        % {"title": goal.title},
        heading=_("Delete the goal?"),
        button=_("Yes, delete the goal"),
        back_anchor="",
        cancel_anchor=f"goal-{goal.pk}",
    )


@login_required
@require_POST
def goal_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a goal one place up or down; the goals keep the numbers 1..n."""
    goal, plan = goal_in_scope(request, pk, edit=True)
    direction = move_direction(request)
    if direction is None:
        return redirect(structure_url(plan))
    try:
        goal = goal_move(goal=goal, direction=direction, actor=request.user)
    except ValidationError as error:
        messages.error(request, service_message(error))
    else:
        messages.success(
            request,
            _("“%(title)s” is now goal %(number)s.") % {"title": goal.title, "number": goal.number},
        )
    return redirect(structure_url(plan, f"goal-{goal.pk}"))


# --- Activities -----------------------------------------------------------------------------------


def activity_form_kwargs(plan: Plan) -> dict:
    return {
        "goals": plan_goals(plan),
        "units": plan_units(plan),
        "people": plan_people(plan),
        "scheme": scheme_rows(plan.organisation),
    }


def activity_fields(form: ActivityForm) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in {"version", "goal"}}


@login_required
def activity_create_view(request: HttpRequest, goal_pk: int) -> HttpResponse:
    """Add an activity to a goal."""
    goal, plan = goal_in_scope(request, goal_pk, edit=True)
    if refused := refuse_if_locked(request, plan):
        return refused
    kwargs = activity_form_kwargs(plan)
    form = ActivityForm(
        request.POST or None,
        instance=Activity(goal=goal),
        initial={"goal": goal.pk},
        **kwargs,
    )
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["goal"]
        try:
            activity = activity_add(goal=target, actor=request.user, **activity_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity was added."))
            return redirect(structure_url(plan, f"activity-{activity.pk}"))
    return render(
        request,
        "goals/activity_form.html",
        {"form": form, "plan": plan, "goal": goal, "activity": None},
    )


@login_required
def activity_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an activity, or move it to another goal of the plan."""
    activity, plan = activity_in_scope(request, pk, edit=True)
    if refused := refuse_if_locked(request, plan):
        return refused
    kwargs = activity_form_kwargs(plan)
    form = ActivityForm(request.POST or None, instance=activity, **kwargs)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            activity_update,
            activity=activity,
            goal=form.cleaned_data["goal"],
            **activity_fields(form),
        )
        form, conflict, saved = save_edit(request, form, activity, update, kwargs)
        if saved:
            messages.success(request, _("The activity was saved."))
            return redirect(structure_url(plan, f"activity-{activity.pk}"))
    return render(
        request,
        "goals/activity_form.html",
        {
            "form": form,
            "plan": plan,
            "goal": activity.goal,
            "activity": activity,
            "conflict": conflict,
        },
    )


@login_required
def activity_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete an activity with its reported statuses (restorable)."""
    activity, plan = activity_in_scope(request, pk, edit=True)
    return delete_page(
        request,
        plan=plan,
        instance=activity,
        delete=partial(activity_delete, activity=activity, actor=request.user),
        deleted=_("The activity was deleted. You can restore it from the plan's history."),
        heading=_("Delete the activity?"),
        button=_("Yes, delete the activity"),
        back_anchor=f"goal-{activity.goal_id}",
        cancel_anchor=f"activity-{activity.pk}",
    )


@login_required
@require_POST
def activity_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an activity one place up or down within its goal."""
    activity, plan = activity_in_scope(request, pk, edit=True)
    return move_item(request, plan=plan, item=activity, anchor=f"activity-{activity.pk}")


@login_required
def activity_list(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """All activities of a plan: filter by goal, unit, follow-up and latest status; sort; page."""
    plan, scope = plan_in_scope(request, plan_pk)
    can_edit = can_edit_plan(scope, plan) and not is_locked(plan)
    activity_filter = ActivityFilter(request.GET or None, queryset=plan_activities(plan), plan=plan)
    table = ActivityTable(activity_filter.qs, scheme=scheme_rows(plan.organisation))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "goals/activity_list.html",
        {"plan": plan, "filter": activity_filter, "table": table, "can_edit": can_edit},
    )
