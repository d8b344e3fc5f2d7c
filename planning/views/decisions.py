"""A plan's decision process: recording its steps as they happen (see
`planning.services.decisions`). The steps are shown on the plan's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import add_service_errors, service_message
from planning.forms import DecisionStepForm
from planning.models import DecisionStep, Plan
from planning.services import decision_step_add, decision_step_delete
from planning.shortcuts import plan_in_scope
from planning.views.plans import render_plan_detail


def process_url(plan: Plan) -> str:
    return reverse("planning:plan_detail", args=[plan.pk]) + "#decision-process"


@login_required
@require_POST
def decision_step_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the next step of the plan's decision process."""
    plan, scope = plan_in_scope(request, pk, edit=True)
    form = DecisionStepForm(request.POST, plan=plan)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        before = plan.status
        try:
            decision_step_add(plan=plan, actor=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            plan.refresh_from_db()
            messages.success(request, _("The step was recorded."))
            if plan.status != before:
                messages.info(
                    request,
                    _("The plan is now: %(status)s.") % {"status": plan.get_status_display()},
                )
            return redirect(process_url(plan))
    return render_plan_detail(request, plan, scope, step_form=form)


@login_required
@require_POST
def decision_step_delete_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    """Remove the last step of the plan's decision process (recorded by mistake)."""
    plan, _scope = plan_in_scope(request, pk, edit=True)
    step = get_object_or_404(DecisionStep, pk=step_pk, plan=plan)
    try:
        decision_step_delete(step=step, actor=request.user)
    except ValidationError as error:
        messages.error(request, service_message(error))
    else:
        messages.success(request, _("The step was removed."))
    return redirect(process_url(plan))
