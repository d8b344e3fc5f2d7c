"""The planner's pages for plans.

Reads are narrowed to `plans_visible_to`; every change needs `can_edit_plan` and is POST-only;
anything else answers 404.
"""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.versioning import EditConflict
from core.views import add_service_errors, save_edit, service_message
from planning.filters import PlanFilter
from planning.forms import DecisionStepForm, PlanForm, PlanStatusForm
from planning.models import Organisation, Plan
from planning.permissions import can_edit_plan, can_manage_periods, require
from planning.selectors import (
    Scope,
    contributing_plans,
    decision_process,
    editor_organisation_ids,
    organisations_editable_by,
    organisations_managed_by,
    plan_owners,
    plans_visible_to,
    scope_for,
    undecided_owners,
    units_editable_by,
)
from planning.services import (
    PLAN_TRANSITIONS,
    plan_create,
    plan_set_status,
    plan_update,
)
from planning.shortcuts import is_locked, plan_in_scope, refuse_if_locked
from planning.tables import PER_PAGE, PlanTable

# --- Plans ----------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user may read: filter, sort, page."""
    scope = scope_for(request.user)
    plans = plans_visible_to(request.user, scope)
    plan_filter = PlanFilter(request.GET or None, queryset=plans)
    table = PlanTable(plan_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "planning/plan_list.html",
        {
            "filter": plan_filter,
            "table": table,
            "can_create": organisations_editable_by(scope).exists(),
            "can_manage_periods": organisations_managed_by(scope).exists(),
        },
    )


def plan_form_kwargs(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    organisation_wide = (
        set(Organisation.objects.values_list("pk", flat=True))
        if scope.is_superuser
        else editor_organisation_ids(scope)
    )
    return {
        "organisations": organisations_editable_by(scope).order_by("name"),
        "units": units_editable_by(scope),
        "parents": plans_visible_to(request.user, scope),
        "organisation_wide": organisation_wide,
    }


def plan_fields(form: PlanForm) -> dict[str, Any]:
    fields = {
        name: value
        for name, value in form.cleaned_data.items()
        if name not in {"version", "partner_organisations", "organisation"}
    }
    return fields


@login_required
def plan_create_view(request: HttpRequest) -> HttpResponse:
    """A new plan, in draft."""
    scope = scope_for(request.user)
    kwargs = plan_form_kwargs(request, scope)
    require(kwargs["organisations"].exists())
    form = PlanForm(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(
                organisation=form.cleaned_data["organisation"],
                partner_organisations=list(form.cleaned_data["partner_organisations"]),
                actor=request.user,
                **plan_fields(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan was created as a draft."))
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a plan's facts; refused while it is decided or archived."""
    plan, scope = plan_in_scope(request, pk, edit=True)
    if refused := refuse_if_locked(request, plan):
        return refused
    kwargs = plan_form_kwargs(request, scope)
    form = PlanForm(request.POST or None, instance=plan, **kwargs)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            plan_update,
            plan=plan,
            partner_organisations=list(form.cleaned_data["partner_organisations"]),
            **plan_fields(form),
        )
        form, conflict, saved = save_edit(request, form, plan, update, kwargs)
        if saved:
            messages.success(request, _("The plan was saved."))
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(
        request, "planning/plan_form.html", {"form": form, "plan": plan, "conflict": conflict}
    )


def transitions_for(plan: Plan) -> list[dict[str, str]]:
    """The life-cycle steps offered on the plan's page, with their buttons' words."""
    words = {
        (Plan.Status.DRAFT, Plan.Status.CONSULTATION): _("Send out for consultation"),
        (Plan.Status.DRAFT, Plan.Status.DECIDED): _("Mark as decided"),
        (Plan.Status.CONSULTATION, Plan.Status.DRAFT): _("Take back to draft"),
        (Plan.Status.CONSULTATION, Plan.Status.DECIDED): _("Mark as decided"),
        (Plan.Status.DECIDED, Plan.Status.DRAFT): _("Reopen as draft"),
        (Plan.Status.DECIDED, Plan.Status.ARCHIVED): _("Archive"),
    }
    return [
        {"status": status, "label": words[(plan.status, status)]}
        for status in PLAN_TRANSITIONS[plan.status]
    ]


def render_plan_detail(
    request: HttpRequest, plan: Plan, scope: Scope, step_form: DecisionStepForm | None = None
) -> HttpResponse:
    """The plan's page; `step_form` a decision step that was posted and refused."""
    can_edit = can_edit_plan(scope, plan)
    can_record = can_edit and plan.status != Plan.Status.ARCHIVED
    if can_record and step_form is None:
        step_form = DecisionStepForm(plan=plan)
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "can_edit": can_edit,
            "can_manage_periods": can_manage_periods(scope, plan.organisation),
            "locked": is_locked(plan),
            "transitions": transitions_for(plan) if can_edit else [],
            "owners": plan_owners(plan),
            "contributing": contributing_plans(request.user, plan, scope),
            "today": timezone.localdate(),
            "steps": decision_process(plan),
            "waiting_for": undecided_owners(plan) if plan.status != Plan.Status.DECIDED else [],
            "step_form": step_form if can_record else None,
        },
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's facts, every organisation that owns it, its decision process and life cycle,
    the way to its goals, measures and history, and the plans that contribute to it (across
    organisations, those the user may read)."""
    plan, scope = plan_in_scope(request, pk)
    return render_plan_detail(request, plan, scope)


STATUS_MESSAGES = {
    Plan.Status.DRAFT: gettext_lazy("The plan is a draft again and can be changed."),
    Plan.Status.CONSULTATION: gettext_lazy("The plan is out for consultation."),
    Plan.Status.DECIDED: gettext_lazy(
        "The plan is decided and locked. What was decided stays retrievable."
    ),
    Plan.Status.ARCHIVED: gettext_lazy("The plan is archived."),
}


@login_required
@require_POST
def plan_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the plan to another step of its life cycle."""
    plan, _scope = plan_in_scope(request, pk, edit=True)
    form = PlanStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The change of status could not be read. Please try again."))
        return redirect("planning:plan_detail", pk=plan.pk)
    try:
        plan_set_status(
            plan=plan,
            status=form.cleaned_data["status"],
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            decision_date=form.cleaned_data["decision_date"],
        )
    except EditConflict:
        messages.error(
            request,
            _(
                "Someone else changed the plan after you opened it. "
                "Look at the plan as it is now, then try again."
            ),
        )
    except ValidationError as error:
        messages.error(request, service_message(error))
    else:
        messages.success(request, str(STATUS_MESSAGES[Plan.Status(plan.status)]))
    return redirect("planning:plan_detail", pk=plan.pk)
