"""Arranging the plan on its page: deleting a goal, indicator or activity with a way to undo it,
and moving one by keyboard (a step up or down) or by dragging it to its place."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from authoring.services import RESTORABLE, goal_item_place, goal_place, history_restore
from authoring.views.answers import (
    KINDS,
    LOCKED,
    PLURAL,
    SAVED,
    Gone,
    _kind_or_404,
    announce,
    goal_block,
    goal_of,
    goals_context,
    gone_answer,
    item_in_scope,
    items_by_pk,
    list_order,
    no_js_answer,
    shown_ids,
    some_rows,
)
from authoring.views.structure import (
    ITEMS,
    plan_id_of,
)
from core.views import service_message
from goals.models import Goal
from goals.services import (
    DOWN,
    UP,
    goal_item_move,
    goal_move,
)
from planning.models import Plan
from planning.shortcuts import plan_in_scope

# --- Deleting, with undo --------------------------------------------------------------------------


@login_required
@require_POST
def item_delete_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Delete a goal (with everything under it), an indicator or an activity; the answer
    offers to undo it (restore what the deletion marked in the history)."""
    config = _kind_or_404(kind)
    try:
        item, plan = item_in_scope(request, kind, pk)
    except Gone as gone:
        return gone_answer(request, kind, pk, gone)
    label = config.label(item)
    if kind == "goal":
        label = f"{item.number}. {item.title}"
    goal = goal_of(item)
    try:
        mark = config.delete(item, actor=request.user)
    except ValidationError as error:
        message = service_message(error)
        if not request.htmx:
            return no_js_answer(request, plan, LOCKED, message, f"{kind}-{pk}")
        return announce(
            request, "save_result", {"prefix": f"{kind}-{pk}", "state": LOCKED}, state=LOCKED,
            alert=message, headers={"HX-Reswap": "none"},
        )  # fmt: skip
    record = (
        ITEMS[kind]
        .history.filter(id=pk, history_type="-", history_change_reason=mark)
        .order_by("-history_date")
        .first()
    )
    message = _("Deleted %(item)s.") % {"item": label}
    if not request.htmx:
        anchor = "" if kind == "goal" else f"goal-{goal.pk}"
        return no_js_answer(request, plan, SAVED, message, anchor)
    undo = {"kind": kind, "history_id": record.history_id, "label": label}
    if kind != "goal":
        undo["list"] = f"goal-{goal.pk}-{PLURAL[kind]}"  # where the row comes back
    if kind == "goal":
        context, partial, headers = goals_context(request, plan), "goals_block", {}
    else:
        context, partial, headers = _after_deleting(request, kind, pk, goal, plan)
    context["undo"] = undo
    return announce(request, partial, context, state=SAVED, message=message, headers=headers)


def _after_deleting(
    request: HttpRequest, kind: str, pk: int, goal: Goal, plan: Plan
) -> tuple[dict[str, Any], str, dict[str, str]]:
    """What the page is sent after an indicator or activity was deleted (context, partial,
    headers). If it shows the goal's list as it is but for that row: the row goes, and in its
    place the row now first or last, if it was (without its "Up" or "Down"). Else, or when
    the list is left empty: the list as it is now."""
    order = list_order(ITEMS[kind], goal.pk)
    shown = shown_ids(request)
    if not order or not shown or pk not in shown or [i for i in shown if i != pk] != order:
        return goal_block(plan, goal), f"{PLURAL[kind]}_block", {}
    ends = order[:1] if shown[0] == pk else order[-1:] if shown[-1] == pk else []
    gone = f"{kind}-{ends[0]}" if ends else ""
    context = some_rows(kind, plan, items_by_pk(kind, ends), order=order, gone=gone)
    headers = {"HX-Retarget": f"#{kind}-{pk}", "HX-Reswap": "outerHTML"}
    return context, f"{PLURAL[kind]}_rows", headers


@login_required
@require_POST
def undo_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Undo a deletion from the plan page: restore the item with what was deleted with it."""
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
        message = service_message(error)
        if not request.htmx:
            return no_js_answer(request, plan, LOCKED, message, "")
        return announce(
            request, "save_result", {"prefix": "undo", "state": LOCKED}, state=LOCKED,
            alert=message, headers={"HX-Reswap": "none"},
        )  # fmt: skip
    restored = result.restored
    message = _("Restored “%(item)s”.") % {"item": restored}
    if result.skipped:
        message += " " + _("Some of it could not come back: %(skipped)s") % {
            "skipped": "; ".join(result.skipped)
        }
    anchor = f"{kind}-{restored.pk}"
    if not request.htmx:
        return no_js_answer(request, plan, SAVED, message, anchor)
    if kind == "goal":
        context = goals_context(request, plan, focus_item=anchor, focus="edit")
        partial, target = "goals_block", "#goals"
    else:
        context, partial, target = _after_restoring(request, kind, restored, plan)
    context["clear_undo"] = True
    headers = {"HX-Retarget": target, "HX-Reswap": "outerHTML"}
    return announce(request, partial, context, state=SAVED, message=message, headers=headers)


def _after_restoring(
    request: HttpRequest, kind: str, restored: Any, plan: Plan
) -> tuple[dict[str, Any], str, str]:
    """What the page is sent after an indicator or activity came back (context, partial, the
    element it replaces). If the page shows the goal's list as it is but for that row: the row
    with the one before it (or after it, when it is first), in place of that one, which gains
    its "Down" (or "Up"). Else, or when the list was empty: the list as it is now."""
    order = list_order(ITEMS[kind], restored.goal_id)
    others = [pk for pk in order if pk != restored.pk]
    if not others or shown_ids(request) != others:
        context = goal_block(plan, restored.goal, focus_item=f"{kind}-{restored.pk}", focus="edit")
        return context, f"{PLURAL[kind]}_block", f"#goal-{restored.goal_id}-{PLURAL[kind]}"
    at = order.index(restored.pk)
    neighbour = order[at - 1] if at else order[at + 1]
    rows = _read_again(kind, restored, [neighbour])
    context = some_rows(kind, plan, rows, focus=(rows[0], "edit"), order=order)
    return context, f"{PLURAL[kind]}_rows", f"#{kind}-{neighbour}"


# --- Moving ---------------------------------------------------------------------------------------


@login_required
@require_POST
def item_place_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Move a goal, indicator or activity one step (`direction` up or down, by keyboard) or
    to a place (`index` from 0, where it was dropped)."""
    _kind_or_404(kind)
    try:
        item, plan = item_in_scope(request, kind, pk)
    except Gone as gone:
        return gone_answer(request, kind, pk, gone)
    direction = request.POST.get("direction")
    index = request.POST.get("index", "")
    try:
        if direction in (UP, DOWN):
            if kind == "goal":
                item = goal_move(goal=item, direction=direction, actor=request.user)
            else:
                item = goal_item_move(item=item, direction=direction, actor=request.user)
        elif index.isdigit():
            if kind == "goal":
                item = goal_place(goal=item, index=int(index), actor=request.user)
            else:
                item = goal_item_place(item=item, index=int(index), actor=request.user)
        else:
            raise Http404
    except ValidationError as error:
        message = service_message(error)
        if not request.htmx:
            return no_js_answer(request, plan, LOCKED, message, f"{kind}-{pk}")
        return announce(
            request, "save_result", {"prefix": f"{kind}-{pk}", "state": LOCKED}, state=LOCKED,
            alert=message, headers={"HX-Reswap": "none"},
        )  # fmt: skip
    anchor = f"{kind}-{pk}"
    # "Up" and "Down" keep the focus on themselves; the handle (keys, dragging) says "handle".
    focus = request.POST.get("focus") or (direction if direction in (UP, DOWN) else "handle")
    if kind == "goal":
        message = _("“%(title)s” is now goal %(number)s.") % {
            "title": item.title,
            "number": item.number,
        }
    else:
        siblings = list_order(type(item), item.goal_id)
        message = _("Moved %(item)s: now %(place)s of %(count)s.") % {
            "item": KINDS[kind].label(item),
            "place": siblings.index(item.pk) + 1,
            "count": len(siblings),
        }
    if not request.htmx:
        return no_js_answer(request, plan, SAVED, message, anchor)
    if kind == "goal":
        context = goals_context(request, plan, focus_item=anchor, focus=focus)
        partial = "goals_block"
        headers = {"HX-Retarget": "#goals", "HX-Reswap": "outerHTML"}
    elif (neighbour := _swapped_with(siblings, item.pk, direction)) is not None:
        # In place of the item's own row (on the page: it was pressed), the neighbour's goes.
        rows = _read_again(kind, item, [neighbour])
        context = some_rows(
            kind, plan, rows, focus=(rows[0], focus), order=siblings, gone=f"{kind}-{neighbour}"
        )
        partial = f"{PLURAL[kind]}_rows"
        headers = {"HX-Retarget": f"#{anchor}", "HX-Reswap": "outerHTML"}
    elif shown_ids(request) == siblings:
        # Dragged, and the page shows the list as it now is: the row itself, and the rows
        # at the ends before and after (their "Up" and "Down"), where they are.
        before = [sibling for sibling in siblings if sibling != item.pk]
        ends = {siblings[0], siblings[-1], before[0], before[-1]} - {item.pk} if before else set()
        moved, *elsewhere = _read_again(kind, item, sorted(ends, key=siblings.index))
        context = some_rows(
            kind, plan, [moved], focus=(moved, focus), order=siblings, elsewhere=elsewhere
        )
        partial = f"{PLURAL[kind]}_rows"
        headers = {"HX-Retarget": f"#{anchor}", "HX-Reswap": "outerHTML"}
    else:
        context = goal_block(plan, item.goal, focus_item=anchor, focus=focus)
        partial = f"{PLURAL[kind]}_block"
        headers = {"HX-Retarget": f"#goal-{item.goal_id}-{PLURAL[kind]}", "HX-Reswap": "outerHTML"}
    return announce(request, partial, context, state=SAVED, message=message, headers=headers)


def _read_again(kind: str, item: Any, others: list[int]) -> list[Any]:
    """The moved item and the rows `others`, read again with what their rows show (whether an
    activity is overdue) in one query; the item as it is if someone has just deleted it."""
    found = items_by_pk(kind, [item.pk, *others])
    if found and found[0].pk == item.pk:
        return found
    return [item, *found]


def _swapped_with(order: list[int], pk: int, direction: str | None) -> int | None:
    """After a step (`direction` up or down), the item that `pk` changed places with: the one
    now before it after a step down, after it after a step up (at an end, where nothing moved,
    its neighbour all the same: the two rows come back as they were). None for a move to a
    place (dragged) or an item alone."""
    if direction not in (UP, DOWN) or len(order) < 2:
        return None
    at = order.index(pk)
    if direction == DOWN:
        return order[at - 1] if at > 0 else order[1]
    return order[at + 1] if at + 1 < len(order) else order[at - 1]
