"""The plan page's small requests: a plan is written in place, one small request per save.

Each request changes one thing through the services of `goals` and `indicators` and answers with
the parts of the page that change (template partials of `authoring/structure.html`): an item's
saved state and new version, the list its goal shows after an item is added, moved or deleted,
what the screen reader announces. An edit carries the version it was based on; when someone
else saved in between, nothing is saved and the answer says what they changed (the text typed
stays in the form). A decided plan refuses every change, and an item deleted by someone else
says so; nothing typed is lost (the page keeps it, see static/js/plan-editor.js).

Without JavaScript the forms post here too and the answer is the plan page (a redirect, or the
page with the form's errors); the full-page forms of `goals` and `indicators` stay linked for
every field.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import MultipleChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from authoring.forms import (
    read_thresholds,
    reading_summary,
)
from authoring.views.answers import (
    ADDED,
    CONFLICT,
    INVALID,
    KINDS,
    LOCKED,
    PLURAL,
    SAVED,
    Gone,
    _kind_or_404,
    announce,
    editor_form,
    form_errors,
    goal_block,
    goals_context,
    gone_answer,
    item_in_scope,
    no_js_answer,
    now_text,
    put_service_errors,
    row_context,
    some_rows,
)
from authoring.views.structure import (
    TEMPLATE,
    goal_context,
    kept_goal_items,
    new_activity_form,
    new_goal_form,
    new_indicator_form,
    page_context,
)
from core.history import changes_since_version
from core.versioning import EditConflict
from core.views import service_message
from goals.services import (
    activity_add,
    goal_add,
)
from indicators.services import indicator_add
from planning.models import Plan
from planning.permissions import can_edit_plan
from planning.services import plan_locked_error
from planning.shortcuts import is_locked, plan_in_scope, structure_url

# --- Editing an item in place ---------------------------------------------------------------------


@login_required
def item_in_place_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """GET: a goal's, indicator's or activity's editor in place of its row (`?show=1`: the row
    as shown). POST: save what was typed, based on the version the editor carries."""
    config = _kind_or_404(kind)
    try:
        item, plan = item_in_scope(request, kind, pk)
    except Gone as gone:
        return gone_answer(request, kind, pk, gone)
    if request.method == "GET":
        if not request.htmx:
            return redirect(config.full_edit, pk)
        if request.GET.get("show") or is_locked(plan):
            return announce(request, f"{kind}_display", row_context(kind, item, plan), state=SAVED)
        context = row_context(kind, item, plan, editing=True)
        return announce(request, f"{kind}_editor", context, state=SAVED)
    if request.method != "POST":
        return HttpResponse(status=405)
    return save_in_place(request, kind, item, plan)


def merged_data(kind: str, item: Any, posted) -> tuple[Any, list[str]]:
    """What was posted, where the planner chose to save their text over someone else's
    (`based_on`: the version they had typed against): a field they left as it was in that
    version takes its current value, so that only what they changed overrides the other's
    change. Returns the data and the names of the fields that took the current value."""
    based_on = posted.get("based_on", "")
    if not based_on.isdigit():
        return posted, []
    record = type(item).history.filter(id=item.pk, version=int(based_on)).first()
    if record is None:
        return posted, []
    then_form = editor_form(kind, record.instance)
    now_form = editor_form(kind, item)
    then, now = then_form.initial, now_form.initial
    data = posted.copy()
    merged = []
    for name, value in now.items():
        if name == "version" or name not in then:
            continue
        if isinstance(now_form.fields[name], MultipleChoiceField):  # checkboxes: every value
            before = then_form[name].field.prepare_value(then[name])
            current = now_form[name].field.prepare_value(value)
            if sorted(data.getlist(name)) == sorted(before) and sorted(current) != sorted(before):
                data.setlist(name, current)
                merged.append(name)
            continue
        if data.get(name, "") == str(then[name] or "") and str(value or "") != data.get(name, ""):
            data[name] = "" if value is None else str(value)
            merged.append(name)
    return data, merged


def save_in_place(request: HttpRequest, kind: str, item: Any, plan: Plan) -> HttpResponse:
    config = KINDS[kind]
    data, merged = merged_data(kind, item, request.POST)
    form = editor_form(kind, item, data)
    done = bool(request.POST.get("done"))
    label = config.label(item)
    anchor = f"{kind}-{item.pk}"
    if is_locked(plan):
        message = _("Not saved: %(reason)s") % {"reason": service_message(plan_locked_error())}
        if not request.htmx:
            return no_js_answer(request, plan, LOCKED, message, anchor)
        context = {"prefix": anchor, "form": form, "status": message, "state": LOCKED}
        return announce(request, "save_result", context, state=LOCKED, alert=message)
    conflict = None
    version = item.version
    if form.is_valid() and not form.unchanged:
        try:
            item = config.update(
                item,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
            version = item.version
        except EditConflict as edit_conflict:
            current = type(item)._default_manager.get(pk=item.pk)
            conflict = changes_since_version(current, edit_conflict.expected_version)
            version = current.version
        except ValidationError as error:
            put_service_errors(form, error)
    if conflict is not None:
        message = _(
            "Not saved: someone else saved %(item)s while you were editing. What you typed is "
            "still here; their changes are listed below it."
        ) % {"item": label}
        if not request.htmx:
            return no_js_answer(request, plan, CONFLICT, message, anchor)
        context = {
            "prefix": anchor,
            "form": form,
            "status": _("Not saved: changed by someone else"),
            "state": CONFLICT,
            "conflict": conflict,
            "current_version": version,
            "based_on": form.cleaned_data.get("version") or "",
            "editor_url": request.path,
        }
        return announce(request, "save_result", context, state=CONFLICT, alert=message)
    if form.errors:
        errors = form_errors(form)
        message = _("Not saved: %(errors)s") % {"errors": " ".join(errors)}
        if not request.htmx:
            return no_js_answer(request, plan, INVALID, message, anchor)
        context = {
            "prefix": anchor,
            "form": form,
            "status": _("Not saved: see the marked fields"),
            "state": INVALID,
        }
        return announce(request, "save_result", context, state=INVALID, alert=message)
    message = _("Saved %(item)s.") % {"item": label}
    if not request.htmx:
        return no_js_answer(request, plan, SAVED, message, anchor)
    if done:
        item.refresh_from_db()
        context = row_context(kind, item, plan, focus="edit")
        headers = {"HX-Retarget": f"#{anchor}" if kind != "goal" else f"#{anchor}-head"}
        headers["HX-Reswap"] = "outerHTML"
        return announce(
            request, f"{kind}_display", context, state=SAVED, message=message, headers=headers
        )
    for name in merged:
        form.fields[name].widget.attrs["hx-swap-oob"] = "true"
    context = {
        "prefix": anchor,
        "form": form,
        "version": version,
        "merged": [form[name] for name in merged],
        "status": _("Saved %(time)s") % {"time": now_text()},
        "state": SAVED,
    }
    return announce(request, "save_result", context, state=SAVED, message=message)


@login_required
@require_POST
def goal_add_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Add a goal at the end of the plan, from its title."""
    plan, scope = plan_in_scope(request, plan_pk, edit=True)
    form = new_goal_form(plan, request.POST)
    goal = None
    if form.is_valid():
        try:
            goal = goal_add(plan=plan, actor=request.user, **form.service_fields())
        except ValidationError as error:
            put_service_errors(form, error)
    if goal is None:
        return add_refused(request, plan, scope, form, "goal", f"plan-{plan.pk}-new-goal")
    message = _("Goal %(number)s was added.") % {"number": goal.number}
    if not request.htmx:
        return no_js_answer(request, plan, ADDED, message, f"goal-{goal.pk}")
    context = goals_context(request, plan, new_item=f"goal-{goal.pk}")
    return announce(request, "goals_block", context, state=ADDED, message=message)


ADD_FORMS = {"indicator": new_indicator_form, "activity": new_activity_form}


@login_required
@require_POST
def item_add_view(request: HttpRequest, goal_pk: int, kind: str) -> HttpResponse:
    """Add an indicator or an activity at the end of a goal, from its row as typed."""
    if kind not in ADD_FORMS:
        raise Http404
    try:
        goal, plan = item_in_scope(request, "goal", goal_pk)
    except Gone as gone:
        return gone_answer(request, "goal", goal_pk, gone)
    _plan, scope = plan_in_scope(request, plan.pk, edit=True)
    form = ADD_FORMS[kind](goal, request.POST)
    item = None
    if form.is_valid():
        fields = form.service_fields()
        try:
            if kind == "indicator":
                item = indicator_add(
                    goal=goal,
                    green_bound=fields.pop("green_bound"),
                    actor=request.user,
                    **fields,
                )
            else:
                item = activity_add(goal=goal, actor=request.user, **fields)
        except ValidationError as error:
            put_service_errors(form, error)
    prefix = f"goal-{goal.pk}-new-{kind}"
    if item is None:
        return add_refused(request, plan, scope, form, f"{kind}-{goal.pk}", prefix)
    label = KINDS[kind].label(item)
    message = _("Added %(item)s to goal %(number)s.") % {"item": label, "number": goal.number}
    if not request.htmx:
        return no_js_answer(request, plan, ADDED, message, f"{kind}-{item.pk}")
    before = type(item).objects.filter(goal=goal).exclude(pk=item.pk)
    last = before.order_by("-position", "-pk").first()
    # The page says which row it shows last (plan-editor.js): if that one is the last before
    # the new row, the new row comes after it, with it (it now shows "Down"), in its place.
    # Otherwise (the goal's first row, or someone else's rows since the page was loaded) the
    # list as it is now.
    if last is None or request.POST.get("after") != f"{kind}-{last.pk}":
        context = goal_block(plan, goal, new_item=f"{kind}-{item.pk}")
        return announce(request, f"{PLURAL[kind]}_block", context, state=ADDED, message=message)
    context = some_rows(kind, plan, [last, item], new=item)
    headers = {"HX-Retarget": f"#{kind}-{last.pk}", "HX-Reswap": "outerHTML"}
    return announce(
        request, f"{PLURAL[kind]}_rows", context, state=ADDED, message=message, headers=headers
    )


def add_refused(request, plan, scope, form, bound_key: str, prefix: str) -> HttpResponse:
    """A new item that cannot be added: its form with the errors, what was typed kept."""
    errors = form_errors(form)
    message = _("Not added: %(errors)s") % {"errors": " ".join(errors)}
    if not request.htmx:
        # The plan page again, with the form as typed and its errors where it was.
        context = page_context(request, plan, scope, bound={bound_key: form})
        return render(request, TEMPLATE, context)
    state = INVALID
    if is_locked(plan):
        state = LOCKED
    context = {"prefix": prefix, "form": form, "status": _("Not added"), "state": state}
    return announce(
        request,
        "save_result",
        context,
        state=state,
        alert=message,
        headers={"HX-Reswap": "none"},
    )


# --- The thresholds as typed, and parts of the page -----------------------------------------------


@login_required
@require_POST
def thresholds_preview_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """The bands that the typed red, yellow, green and target give, read as the import reads
    them: live, while the planner types (any prefix of an indicator's row form)."""
    plan_in_scope(request, plan_pk, edit=True)
    texts = {}
    for name in ("red", "yellow", "green", "target"):
        found = [value for key, value in request.POST.items() if key.split("-")[-1] == name]
        texts[name] = (found[0] if found else "")[:200]
    if not texts["green"].strip():
        preview = {"waiting": _("Write where green starts to see the bands.")}
    else:
        preview = reading_summary(read_thresholds(**texts))
    return render(request, f"{TEMPLATE}#thresholds_preview", {"preview": preview})


@login_required
def plan_fragment_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """A goal of the plan page (`?goal=`), or all its goals, as they are now: after a table
    was pasted into the plan; with `items=1`, the goal's indicators and activities alone (a
    large plan's goal as it comes into view). Without htmx, the plan page."""
    plan, scope = plan_in_scope(request, plan_pk)
    if not request.htmx:
        return redirect(structure_url(plan))
    goal_pk = request.GET.get("goal", "")
    if goal_pk:
        if not goal_pk.isdigit() or len(goal_pk) > 9:
            raise Http404
        if request.GET.get("items") == "1":
            editable = can_edit_plan(scope, plan) and not is_locked(plan)
            return HttpResponse(
                kept_goal_items(request, plan, scope, int(goal_pk), editable=editable)
            )
        context = goal_context(plan, scope, int(goal_pk))
        partial = "goal_items" if request.GET.get("items") == "1" else "goal_section"
        return render(request, f"{TEMPLATE}#{partial}", context)
    return render(request, f"{TEMPLATE}#goals_block", page_context(request, plan, scope))
