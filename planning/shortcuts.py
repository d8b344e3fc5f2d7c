"""What the pages of every app use to find a plan in the user's scope and to refuse a change
to a locked plan. Anything outside the user's scope is a 404."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.views import service_message
from planning.models import Plan
from planning.permissions import can_edit_plan, plan_or_404, require
from planning.selectors import Scope, scope_for
from planning.services import LOCKED_STATUSES, plan_locked_error


def plan_in_scope(request: HttpRequest, pk: int, *, edit: bool = False) -> tuple[Plan, Scope]:
    """The plan if the user may read it (and, with `edit`, change it); 404 otherwise."""
    scope = scope_for(request.user)
    plan = plan_or_404(request.user, pk, scope)
    if edit:
        require(can_edit_plan(scope, plan))
    return plan, scope


def is_locked(plan: Plan) -> bool:
    return plan.status in LOCKED_STATUSES


def refuse_if_locked(request: HttpRequest, plan: Plan) -> HttpResponse | None:
    """A redirect to the plan with the reason, if the plan is locked; None otherwise."""
    if not is_locked(plan):
        return None
    messages.warning(request, service_message(plan_locked_error()))
    return redirect("planning:plan_detail", pk=plan.pk)


def structure_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("authoring:plan_structure", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url
