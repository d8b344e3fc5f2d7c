"""What the pages of a plan's goals, indicators and activities share: deleting one after
saying what goes with it, and moving one up or down. Both return to the plan page."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.history import deletion_summary
from core.views import service_message
from goals.services import (
    DOWN,
    UP,
    goal_item_move,
)
from planning.models import Plan
from planning.shortcuts import refuse_if_locked, structure_url


def move_direction(request: HttpRequest) -> str | None:
    direction = request.POST.get("direction")
    return direction if direction in (UP, DOWN) else None


def delete_page(
    request: HttpRequest,
    *,
    plan: Plan,
    instance: Model,
    delete: Callable[[], Any],
    deleted: str,
    heading: str,
    button: str,
    back_anchor: str,
    cancel_anchor: str,
) -> HttpResponse:
    """A deletion of a goal, an indicator or an activity: the question with what goes with it
    (GET), or the deletion through the service `delete` (POST), back to the plan's structure.
    A locked plan refuses both."""
    if refused := refuse_if_locked(request, plan):
        return refused
    if request.method == "POST":
        try:
            delete()
        except ValidationError as error:
            messages.error(request, service_message(error))
        else:
            messages.success(request, deleted)
        return redirect(structure_url(plan, back_anchor))
    context = {
        "plan": plan,
        "object": instance,
        "heading": heading,
        "button": button,
        "also": deletion_summary(instance),
        "cancel_url": structure_url(plan, cancel_anchor),
    }
    return render(request, "goals/confirm_delete.html", context)


def move_item(request: HttpRequest, *, plan: Plan, item: Model, anchor: str) -> HttpResponse:
    """Move an activity or an indicator one place up or down within its goal (POST), back to
    the plan's structure."""
    direction = move_direction(request)
    if direction is not None:
        try:
            goal_item_move(item=item, direction=direction, actor=request.user)
        except ValidationError as error:
            messages.error(request, service_message(error))
    return redirect(structure_url(plan, anchor))
