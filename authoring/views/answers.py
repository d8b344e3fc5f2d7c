"""What the plan page's small requests share: the kinds of items they change, finding an item
in the user's scope (or saying it was deleted), and their answers: a partial of the plan page
with what is announced to a screen reader, and the save state for the script (a header).

Without JavaScript the same forms post to the same views, and the answer is the plan page again.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from authoring.forms import (
    ActivityInPlaceForm,
    GoalInPlaceForm,
    IndicatorInPlaceForm,
    InPlaceForm,
    read_thresholds,
    reading_summary,
)
from authoring.selectors import ActivityRow, plan_structure, with_links
from authoring.views.structure import (
    ITEMS,
    TEMPLATE,
    page_context,
    plan_id_of,
    with_forms,
)
from core.people import NAME_FIELDS, person_name_of
from goals.evaluation import evaluated_names
from goals.models import Goal
from goals.selectors import is_overdue_now, with_overdue
from goals.services import (
    activity_delete,
    activity_update,
    goal_delete,
    goal_update,
)
from indicators.selectors import with_display
from indicators.services import indicator_delete, indicator_update
from planning.models import Plan, SchemeRow, scheme_rows
from planning.shortcuts import plan_in_scope, structure_url

PLURAL = {"indicator": "indicators", "activity": "activities"}
SAVE_STATE = "X-Styrkort-Save"  # saved, added, invalid, conflict, gone, locked: for the script
SAVED, ADDED, INVALID, CONFLICT, GONE, LOCKED = (
    "saved",
    "added",
    "invalid",
    "conflict",
    "gone",
    "locked",
)


@dataclass(frozen=True)
class Kind:
    """How the plan page changes one kind of item in place."""

    form: type[InPlaceForm]
    update: Callable[..., Any]
    delete: Callable[..., str]
    full_edit: str  # the full-page form's URL name
    label: Callable[[Any], str]


KINDS = {
    "goal": Kind(
        GoalInPlaceForm,
        lambda item, **kwargs: goal_update(goal=item, **kwargs),
        lambda item, **kwargs: goal_delete(goal=item, **kwargs),
        "goals:goal_update",
        lambda goal: _("goal %(number)s") % {"number": goal.number},
    ),
    "indicator": Kind(
        IndicatorInPlaceForm,
        lambda item, **kwargs: indicator_update(indicator=item, **kwargs),
        lambda item, **kwargs: indicator_delete(indicator=item, **kwargs),
        "indicators:indicator_update",
        lambda indicator: _("the indicator “%(name)s”") % {"name": indicator.name},
    ),
    "activity": Kind(
        ActivityInPlaceForm,
        lambda item, **kwargs: activity_update(activity=item, **kwargs),
        lambda item, **kwargs: activity_delete(activity=item, **kwargs),
        "goals:activity_update",
        lambda activity: _("the activity “%(title)s”") % {"title": activity},
    ),
}


class Gone(Exception):
    """The item was deleted (by someone else): its plan, and what it was called."""

    def __init__(self, plan: Plan, label: str):
        super().__init__(label)
        self.plan = plan
        self.label = label


def _kind_or_404(kind: str) -> Kind:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def item_in_scope(request: HttpRequest, kind: str, pk: int) -> tuple[Any, Plan]:
    """The goal, indicator or activity if the user may change its plan; Gone if it was
    deleted from a plan the user may change; 404 otherwise."""
    model = ITEMS[kind]
    related = "plan" if model is Goal else "goal__plan"
    item = model.objects.select_related(related).filter(pk=pk).first()
    if item is None:
        plan, _scope = plan_in_scope(request, plan_id_of(kind, pk), edit=True)
        record = model.history.filter(id=pk).order_by("-history_date").first()
        raise Gone(plan, str(getattr(record, "name", None) or getattr(record, "title", "")))
    plan_pk = item.plan_id if model is Goal else item.goal.plan_id
    plan, _scope = plan_in_scope(request, plan_pk, edit=True)
    if model is Goal:
        item.plan = plan
    else:
        item.goal.plan = plan
    return item, plan


def goal_of(item: Any) -> Goal:
    return item if isinstance(item, Goal) else item.goal


# --- Answers --------------------------------------------------------------------------------------


def now_text() -> str:
    return time_format(timezone.localtime(), "H:i")


def announce(
    request: HttpRequest,
    partial: str,
    context: dict[str, Any],
    *,
    state: str,
    message: str = "",
    alert: str = "",
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """A partial of the plan page with what is announced (polite `message`, assertive `alert`)
    and the save state for the script in a header."""
    context = {**context, "announcement": message, "alert": alert}
    response = render(request, f"{TEMPLATE}#{partial}", context)
    response[SAVE_STATE] = state
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def form_errors(form: InPlaceForm) -> list[str]:
    """Every error of a form as "Field: message", for the announcement."""
    found = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        found += [f"{label}: {error}" if label else str(error) for error in errors]
    return found


def put_service_errors(form: InPlaceForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = None if name == NON_FIELD_ERRORS else form.service_errors_field(name)
        form.add_error(field, errors)


def no_js_answer(request: HttpRequest, plan: Plan, state: str, message: str, anchor: str):
    """The answer to a form posted without JavaScript: back to the plan page, saying what
    happened."""
    level = messages.success if state in (SAVED, ADDED) else messages.error
    level(request, message)
    return redirect(structure_url(plan, anchor))


# --- Editing an item in place ---------------------------------------------------------------------


def row_context(
    kind: str,
    item: Any,
    plan: Plan,
    *,
    focus: str = "",
    editing: bool = False,
    order: list[int] | None = None,
    scheme: list[SchemeRow] | None = None,
) -> dict[str, Any]:
    """What the partial of one item needs: the item with its display (or its editor), its
    goal, its place among its siblings (`order`: their ids in order, when already read), and
    which of its controls takes the focus. `scheme`: the organisation's, when already read."""
    item.refocus = focus
    context: dict[str, Any] = {"plan": plan, "can_edit": True, kind: item}
    if editing:
        form = editor_form(kind, item)
        context["form"] = form
        if kind == "indicator":
            texts = {name: form.initial.get(name, "") for name in ("red", "yellow", "green")}
            reading = read_thresholds(target=form.initial.get("target", ""), **texts)
            context["preview"] = reading_summary(reading, item.decimals)
    if scheme is None:
        scheme = scheme_rows(plan.organisation)
    if kind == "goal":
        with_forms([item], plan.goals.count(), scheme=scheme)
        context["goal"] = item
        return context
    with_links(kind, [item])
    if kind == "indicator":
        with_display([item])
    else:
        item.overdue = is_overdue_now(item)
        item.evaluated_names = evaluated_names(item, scheme)
        item.unit_name = item.unit.name if item.unit_id else ""
        person = item.responsible_user
        item.person_name = (
            person_name_of(*(getattr(person, name) for name in NAME_FIELDS)) if person else ""
        )
    if order is None:
        order = siblings_order(item)
    context.update(goal=item.goal, first=order[:1] == [item.pk], last=order[-1:] == [item.pk])
    return context


def siblings_order(item: Any) -> list[int]:
    """The ids of an indicator's or activity's goal's items of its kind, in their order."""
    return list_order(type(item), item.goal_id)


def list_order(model: type, goal_id: int) -> list[int]:
    """The ids of a goal's indicators or activities (`model`), in their order."""
    found = model.objects.filter(goal_id=goal_id).order_by("position", "pk")
    return list(found.values_list("pk", flat=True))


def some_rows(
    kind: str,
    plan: Plan,
    items: list[Any],
    *,
    focus: tuple[Any, str] = (None, ""),
    order: list[int] | None = None,
    elsewhere: Sequence[Any] = (),
    **marks: Any,
) -> dict[str, Any]:
    """What an answer that changes only some rows of a goal's list shows of them: each as its
    row, in their order (`rows`), the one of `focus` (item, control) taking the focus again;
    `order`, their siblings' ids in order when already read (read once for all the rows, as
    the organisation's scheme). `elsewhere`: rows that replace their own rows of the page
    wherever they are (out of band). `marks`: `new`, the item just added; `gone`, the id of a
    row of the page the answer deletes. The rest of the list is as it was: a large goal's list
    is not sent again for every step, added, deleted or dragged row."""
    focused, control = focus
    shared = {
        "order": order if order is not None else siblings_order(items[0]),
        "scheme": scheme_rows(plan.organisation),
    }
    rows = sorted(
        (
            row_context(kind, item, plan, focus=control if item is focused else "", **shared)
            for item in items
        ),
        key=lambda row: shared["order"].index(row[kind].pk),
    )
    rows += [
        {**row_context(kind, item, plan, **shared), "oob": True}
        for item in elsewhere
        if item not in items
    ]
    for row in rows:
        row[kind].is_new = row[kind] is marks.get("new")
        row.setdefault("oob", False)
    return {"plan": plan, "can_edit": True, "rows": rows, "gone": marks.get("gone", "")}


def shown_ids(request: HttpRequest) -> list[int] | None:
    """The ids of the rows of a list as the page shows them, in order (`shown`, which
    plan-editor.js sends with a deletion and a row dragged); None without it."""
    parts = request.POST.get("shown", "").split(",")
    if not all(part.isdigit() for part in parts):
        return None
    return [int(part) for part in parts]


def items_by_pk(kind: str, pks: list[int]) -> list[Any]:
    """The indicators or activities of `pks` with what their rows show of their goal, unit,
    person and sub-goal (a query for all of them)."""
    related = {
        "indicator": ("goal", "sub_goal", "reuses"),
        "activity": ("goal", "unit", "responsible_user"),
    }[kind]
    items = ITEMS[kind].objects.select_related(*related)
    # An activity's row says whether it is overdue (`row_context`): read with it.
    found = (with_overdue(items) if kind == "activity" else items).in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


def marked(goals: list[Goal], new_item: str = "", focus_item: str = "", focus: str = "") -> None:
    """Mark the item (an anchor such as "indicator-12") that was just added or restored, and
    the one whose control (`focus`: edit, handle, up, down) takes the focus again."""
    for goal in goals:
        items = [goal, *goal.indicator_list, *goal.activity_list]
        for item in items:
            kind = "activity" if isinstance(item, ActivityRow) else item._meta.model_name
            anchor = f"{kind}-{item.pk}"
            if anchor == new_item:
                # A new row is shown as new; the focus stays in the form that added it, but
                # for a new goal, whose first indicator is written next.
                item.is_new = True
                if item is goal:
                    item.refocus = "new-indicator"
            if anchor == focus_item:
                item.refocus = focus


def editor_form(kind: str, item: Any, data=None) -> InPlaceForm:
    return KINDS[kind].form(data, item=item, auto_id=f"{kind}-{item.pk}-%s")


def gone_answer(request: HttpRequest, kind: str, pk: int, gone: Gone) -> HttpResponse:
    message = _(
        "Not saved: “%(item)s” was deleted by someone else. What you typed is kept on this "
        "page; restore the item from the plan's history to save it there."
    ) % {"item": gone.label}
    if not request.htmx:
        messages.error(request, message)
        return redirect(structure_url(gone.plan))
    context = {
        "prefix": f"{kind}-{pk}",
        "status": _("Not saved: deleted by someone else"),
        "state": GONE,
        "plan": gone.plan,
        "gone": True,
    }
    return announce(request, "save_result", context, state=GONE, alert=message)


# --- Adding ---------------------------------------------------------------------------------------


def goal_block(plan: Plan, goal: Goal, **marks: str) -> dict[str, Any]:
    """One goal as the page shows it, with its items and forms (three queries and a count)."""
    scheme = scheme_rows(plan.organisation)
    (fresh,) = plan_structure(plan, goal_ids=[goal.pk], scheme=scheme)
    with_forms([fresh], plan.goals.count(), scheme=scheme)
    marked([fresh], **marks)
    return {"plan": plan, "goal": fresh, "can_edit": True}


def goals_context(request: HttpRequest, plan: Plan, **marks: str) -> dict[str, Any]:
    """Every goal of the plan as the page shows them; a goal just added or moved (`marks`) is
    shown in full, its controls and forms there to take the focus."""
    _plan, scope = plan_in_scope(request, plan.pk, edit=True)
    expand = {
        int(mark.removeprefix("goal-"))
        for mark in marks.values()
        if mark.startswith("goal-") and mark.removeprefix("goal-").isdigit()
    }
    context = page_context(request, plan, scope, expand=expand)
    marked(context["goals"], **marks)
    return context
