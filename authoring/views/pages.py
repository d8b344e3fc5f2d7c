"""The pages where a plan is written and its past is kept: the plan page with its goals,
indicators and activities, the decided version, the history with restore, and roll-over to the
next period. Everybody who may read the plan sees them; changes need `can_edit_plan`."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from authoring.selectors import (
    HISTORY_KINDS,
    decided_version,
    history_page,
    kept_plan_history,
    plan_changes_page,
    plan_decisions,
)
from authoring.services import RESTORABLE, history_restore, plan_roll_over
from authoring.views.structure import TEMPLATE, page_context, plan_id_of
from core.datastamp import NO_PERIODS, kept
from core.views import page_numbers, service_message
from goals.models import ActivityStatus, GoalFollowUp
from indicators.models import Measurement
from planning.models import Plan
from planning.permissions import can_edit_plan
from planning.shortcuts import is_locked, plan_in_scope, structure_url


@login_required
def plan_structure_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Every goal of the plan with its indicators (target, bands, unit, source) and activities.

    Planners write the plan here, in place (see `authoring.views.in_place`); everybody who may
    read the plan sees it. The number of queries does not grow with the plan.
    """
    plan, scope = plan_in_scope(request, plan_pk)
    return render(request, TEMPLATE, page_context(request, plan, scope))


@login_required
def plan_decided_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """The plan exactly as decided, and what changed after the decision.

    `?decision=N` shows an earlier decision of a plan that was reopened and decided again
    (0 is the latest).
    """
    plan, _scope = plan_in_scope(request, plan_pk)
    decisions = plan_decisions(plan)
    if not decisions:
        raise Http404
    try:
        index = int(request.GET.get("decision", 0))
    except ValueError:
        raise Http404 from None
    if not 0 <= index < len(decisions):
        raise Http404
    goal, page = request.GET.get("goal"), request.GET.get("page") or 1
    # The page as asked for, whole ("?goal=12" and "?goal=12x" are different pages), in the
    # reader's language and time zone.
    key = (
        f"plan-decided:{plan.pk}:{index}:{goal}:{page}:{get_language()}:"
        f"{timezone.get_current_timezone_name()}"
    )
    decided_html = kept(
        key,
        lambda: _decided_html(plan, decisions, index, goal, page),
        until=NO_PERIODS,
        plans=(plan.pk,),
    )
    return render(request, "authoring/decided.html", {"plan": plan, "decided_html": decided_html})


def _decided_html(
    plan: Plan, decisions: list[datetime.datetime], index: int, goal: str | None, page: str | int
) -> str:
    """The decided version's own part of its page: the plan as decided (`decisions[index]`),
    all of it or the goal `goal`, and a page of what changed since. It reads only the plan's
    history and the names of the units and people its activities name: kept until the plan's
    content or history changes (values and statuses entered leave it kept)."""
    at = decisions[index]
    version = decided_version(plan, at, goal)
    current = version.current
    changes, numbers = plan_changes_page(plan, page, since=at)
    return render_to_string(
        "authoring/decided.html#decided",
        {
            "plan": plan,
            "version": version,
            "decisions": decisions,
            "index": index,
            "changes": changes,
            "page": numbers,
            "page_numbers": page_numbers(numbers),
            # The decision shown, kept by the links to the goals (`?decision=1&goal=12`); it
            # and the goal shown, by the links to the changes' pages.
            "keep_decision": f"decision={index}&" if index else "",
            "keep": urlencode(
                [
                    (name, value)
                    for name, value in (("decision", index), ("goal", current and current.pk))
                    if value
                ]
            ),
        },
    )


@login_required
@require_POST
def plan_roll_over_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Copy the plan to the next period as a draft (goals, indicators, unfinished activities)."""
    plan, _scope = plan_in_scope(request, plan_pk, edit=True)
    try:
        new = plan_roll_over(plan=plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, service_message(error))
        return redirect(structure_url(plan))
    messages.success(
        request,
        _("%(plan)s was created as a draft from %(source)s.") % {"plan": new, "source": plan},
    )
    return redirect(structure_url(new))


# The follow-up recorded under an object, shown on its history page.
FOLLOW_UP = {
    "goal": (GoalFollowUp, "goal_id"),
    "indicator": (Measurement, "indicator_id"),
    "activity": (ActivityStatus, "activity_id"),
}


def follow_up_label(record) -> str:
    """A reported status or value by its period (and unit and gender where it has them)."""
    parts = [str(record.period)]
    if getattr(record, "unit_id", None):
        parts.append(str(record.unit))
    gender = getattr(record, "gender", "T")
    if gender and gender != "T":
        parts.append(record.get_gender_display())
    return " – ".join(parts)


def follow_up_records(kind: str, pk: int) -> dict[str, QuerySet]:
    """The history records of what was reported under an object: statuses, values or
    analyses (none for a plan)."""
    if kind not in FOLLOW_UP:
        return {}
    model, key = FOLLOW_UP[kind]
    return {"reported": model.history.filter(**{key: pk})}


@login_required
def object_history_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An object's history: each change with who made it, when, and old -> new values."""
    if kind not in HISTORY_KINDS:
        raise Http404
    plan, _scope = plan_in_scope(request, plan_id_of(kind, pk))
    model = HISTORY_KINDS[kind]
    changes_asked, reported_asked = request.GET.get("page") or 1, request.GET.get("reported") or 1
    entries, page = history_page({kind: model.history.filter(id=pk)}, changes_asked)
    if not entries:
        raise Http404
    reported = follow_up_records(kind, pk)
    follow_up, follow_up_page = [], None
    if reported:
        related = ("history_user", "period", *(["unit"] if kind == "indicator" else []))
        follow_up, follow_up_page = history_page(
            reported, reported_asked, related=related, label=follow_up_label
        )
    return render(
        request,
        "authoring/history/object_history.html",
        {
            "plan": plan,
            "kind": kind,
            "entries": entries,
            "page": page,
            "page_numbers": page_numbers(page),
            "title": entries[0].object_label,
            "model_label": entries[0].model_label,
            "exists": model._default_manager.filter(pk=pk).exists(),
            "follow_up": follow_up,
            "follow_up_page": follow_up_page,
            "follow_up_page_numbers": page_numbers(follow_up_page) if follow_up_page else [],
            # Each list's links keep the other's page.
            "keep_for_changes": f"reported={follow_up_page.number}"
            if follow_up_page and follow_up_page.number > 1
            else "",
            "keep_for_reported": f"page={page.number}" if page.number > 1 else "",
        },
    )


@login_required
def plan_history_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """The changes to a plan's content, newest first, a page at a time (`?page=`; past the
    last page, the last), and what can be restored."""
    plan, scope = plan_in_scope(request, plan_pk)
    can_restore = can_edit_plan(scope, plan) and not is_locked(plan)
    history = kept_plan_history(plan, request.GET.get("page") or 1, request.GET.get("deleted") or 1)
    page, deleted_page = history.page, history.deleted_page
    return render(
        request,
        "authoring/history/plan_history.html",
        {
            "plan": plan,
            "entries": history.entries,
            "page": page,
            "page_numbers": page_numbers(page),
            "deleted": history.deleted,
            "deleted_page": deleted_page,
            "deleted_page_numbers": page_numbers(deleted_page),
            # Each list's links keep the other's page.
            "keep_for_changes": f"deleted={deleted_page.number}" if deleted_page.number > 1 else "",
            "keep_for_deleted": f"page={page.number}" if page.number > 1 else "",
            "can_restore": can_restore,
            "locked": is_locked(plan),
        },
    )


@login_required
@require_POST
def history_restore_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Restore a deleted goal, indicator or activity with what was deleted with it."""
    plan, _scope = plan_in_scope(request, plan_pk, edit=True)
    kind = request.POST.get("kind", "")
    try:
        history_id = int(request.POST.get("history_id", ""))
    except ValueError:
        raise Http404 from None
    if kind not in RESTORABLE:
        raise Http404
    record = RESTORABLE[kind].history.filter(history_id=history_id).first()
    if record is None or plan_id_of(kind, record.id) != plan.pk:
        raise Http404
    try:
        result = history_restore(model_name=kind, history_id=history_id, actor=request.user)
    except ValidationError as error:
        messages.error(request, service_message(error))
        return redirect("authoring:plan_history", plan_pk=plan.pk)
    restored = ", ".join(f"{count} {name}" for name, count in sorted(result.counts.items()))
    if restored:
        messages.success(
            request,
            _("“%(object)s” was restored, with %(restored)s.")
            % {"object": result.restored, "restored": restored},
        )
    else:
        messages.success(request, _("“%(object)s” was restored.") % {"object": result.restored})
    if result.skipped:
        messages.warning(
            request,
            _("Some of it could not come back: %(skipped)s")
            % {"skipped": "; ".join(result.skipped)},
        )
    anchor = f"{kind}-{result.restored.pk}"
    return redirect(f"{reverse('authoring:plan_structure', args=[plan.pk])}#{anchor}")
