"""The planner's pages of a plan: its structure (goals with their indicators and activities),
the indicator form with its live band preview, the indicators list and the decided version.

Reads are narrowed to `plans_visible_to`; every change needs `can_edit_plan`, is POST-only and
is refused while the plan is decided (the services say so, the pages show it locked).
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.views import add_service_errors, save_edit
from goals.models import Goal
from goals.selectors import plan_goals
from goals.shortcuts import delete_page, move_item
from indicators.filters import IndicatorFilter
from indicators.forms import IndicatorForm, ReuseForm, bands_preview
from indicators.models import Indicator
from indicators.selectors import measure_copy, reusable_measures
from indicators.services import indicator_add, indicator_delete, indicator_update
from indicators.tables import IndicatorTable
from indicators.targets import Target
from planning.models import Plan
from planning.permissions import can_edit_plan
from planning.shortcuts import is_locked, plan_in_scope, refuse_if_locked, structure_url
from planning.tables import PER_PAGE

FORM_PAGE = "indicators/indicator_form.html"


def indicator_in_scope(
    request: HttpRequest, pk: int, *, edit: bool = False
) -> tuple[Indicator, Plan]:
    indicator = get_object_or_404(Indicator.objects.select_related("goal"), pk=pk)
    plan, _scope = plan_in_scope(request, indicator.goal.plan_id, edit=edit)
    indicator.goal.plan = plan
    return indicator, plan


def indicator_form_kwargs(plan: Plan) -> dict:
    return {"goals": plan_goals(plan), "measures": reusable_measures(plan), "plan": plan}


def form_page(request, form, plan, goal, indicator=None, conflict=None, reuse_form=None):
    return render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "plan": plan,
            "goal": goal,
            "indicator": indicator,
            "conflict": conflict,
            "reuse_form": reuse_form,
            "preview": bands_preview(preview_data(form), plan),
        },
    )


def preview_data(form: IndicatorForm) -> dict:
    """The target's fields as the form shows them, for the preview rendered with the page:
    what a browser would post (a ticked box as "on", numbers as the widget writes them)."""
    if form.is_bound:
        return form.data
    data = {}
    for name in (*Target.colour_fields(), "decimals"):
        value = form[name].value()
        if isinstance(form.fields[name], forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(form.fields[name], forms.ChoiceField):
            data[name] = value or ""
        else:
            data[name] = "" if value is None else form.fields[name].widget.format_value(value) or ""
    return data


@login_required
def indicator_create_view(request: HttpRequest, goal_pk: int) -> HttpResponse:
    """Add an indicator to a goal, from scratch or reusing a municipality-wide measure."""
    goal = get_object_or_404(Goal, pk=goal_pk)
    plan, _scope = plan_in_scope(request, goal.plan_id, edit=True)
    goal.plan = plan
    if refused := refuse_if_locked(request, plan):
        return refused
    kwargs = indicator_form_kwargs(plan)
    reuse_form = ReuseForm(request.GET or None, measures=kwargs["measures"])
    initial = {"goal": goal.pk}
    if request.method == "GET" and reuse_form.is_bound and reuse_form.is_valid():
        initial.update(measure_copy(reuse_form.cleaned_data["reuses"]))
    form = IndicatorForm(
        request.POST or None, instance=Indicator(goal=goal), initial=initial, **kwargs
    )
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_add(
                goal=form.cleaned_data["goal"],
                reuses=form.cleaned_data["reuses"],
                actor=request.user,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The indicator was added."))
            return redirect(structure_url(plan, f"indicator-{indicator.pk}"))
    if not kwargs["measures"].exists():
        reuse_form = None
    return form_page(request, form, plan, goal, reuse_form=reuse_form)


@login_required
def indicator_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an indicator: what is measured, its target, its bands."""
    indicator, plan = indicator_in_scope(request, pk, edit=True)
    if refused := refuse_if_locked(request, plan):
        return refused
    kwargs = indicator_form_kwargs(plan)
    form = IndicatorForm(request.POST or None, instance=indicator, **kwargs)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            indicator_update,
            indicator=indicator,
            goal=form.cleaned_data["goal"],
            **form.service_fields(),
        )
        form, conflict, saved = save_edit(request, form, indicator, update, kwargs)
        if saved:
            messages.success(request, _("The indicator was saved."))
            return redirect(structure_url(plan, f"indicator-{indicator.pk}"))
    return form_page(request, form, plan, indicator.goal, indicator=indicator, conflict=conflict)


@login_required
@require_POST
def bands_preview_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """What the typed target colours how, for the indicator form (htmx fragment)."""
    plan, _scope = plan_in_scope(request, plan_pk, edit=True)
    return render(
        request, f"{FORM_PAGE}#band_preview", {"preview": bands_preview(request.POST, plan)}
    )


@login_required
def indicator_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete an indicator with its values (restorable from the history)."""
    indicator, plan = indicator_in_scope(request, pk, edit=True)
    return delete_page(
        request,
        plan=plan,
        instance=indicator,
        delete=partial(indicator_delete, indicator=indicator, actor=request.user),
        deleted=_("The indicator was deleted. You can restore it from the plan's history."),
        heading=_("Delete the indicator?"),
        button=_("Yes, delete the indicator"),
        back_anchor=f"goal-{indicator.goal_id}",
        cancel_anchor=f"indicator-{indicator.pk}",
    )


@login_required
@require_POST
def indicator_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an indicator one place up or down within its goal."""
    indicator, plan = indicator_in_scope(request, pk, edit=True)
    return move_item(request, plan=plan, item=indicator, anchor=f"indicator-{indicator.pk}")


@login_required
def indicator_list(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """All indicators of a plan: filter by goal, scope and latest colour; sort; page."""
    plan, scope = plan_in_scope(request, plan_pk)
    indicator_filter = IndicatorFilter(
        request.GET or None, queryset=Indicator.objects.filter(goal__plan=plan), plan=plan
    )
    # In the goals' order, said so in the goal column's heading, until another is asked for.
    table = IndicatorTable(indicator_filter.rows(), order_by=("goal",))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "plan": plan,
            "filter": indicator_filter,
            "table": table,
            "can_edit": can_edit_plan(scope, plan) and not is_locked(plan),
        },
    )
