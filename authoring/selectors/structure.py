"""Reads for the plan page: a plan's goals with their indicators and activities, as rows with
their links. The plan is already narrowed to the user."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from core.links import url_by_id
from core.people import NAME_FIELDS, person_name_of
from goals.deadlines import overdue_text, timing_text
from goals.evaluation import names_by_mask
from goals.models import Activity, Goal, short_title
from goals.selectors import with_overdue
from indicators.models import Indicator
from indicators.selectors import with_display
from planning.models import Plan, SchemeRow, scheme_rows

# --- The structure page ---------------------------------------------------------------------------


def plan_structure(
    plan: Plan, goal_ids: list[int] | None = None, *, scheme: list[SchemeRow] | None = None
) -> list[Goal]:
    """The plan's goals in order, each with its indicators and activities in order
    (`indicator_list`, `activity_list`: the activities as `ActivityRow`); with `goal_ids`, only
    those goals. `scheme`: the organisation's (`scheme_rows`), when the caller has it.

    Three queries, whatever the number of goals, indicators and activities.
    """
    goals = Goal.objects.filter(plan=plan)
    if goal_ids is not None:
        goals = goals.filter(pk__in=goal_ids)
    goals = list(goals.select_related("contributes_to").order_by("number"))
    _with_items(goals, scheme or scheme_rows(plan.organisation))
    return goals


@dataclass(slots=True)
class ActivityRow:
    """An activity as its row on the plan page shows it (`activity_rows`): a goal has hundreds,
    and building them as model instances took longer than reading them."""

    pk: int
    goal_id: int
    title: str
    responsible_role: str
    unit_name: str
    person_name: str
    ongoing: bool
    due_on: datetime.date | None
    due_precision: str
    evaluated_months: int
    overdue: bool
    evaluated_names: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    # Set by the answers to a change (`authoring.views.answers.marked`).
    is_new: bool = False
    refocus: str = ""

    @property
    def short_title(self) -> str:
        return short_title(self.title)

    @property
    def timing_label(self) -> str:
        return timing_text(self.ongoing, self.due_on, self.due_precision)

    @property
    def overdue_text(self) -> str:
        return overdue_text(self.due_on) if self.overdue else ""


# What `activity_rows` reads of each activity, in the order of ActivityRow's fields.
ROW_FIELDS = (
    "id", "goal_id", "title", "responsible_role", "unit__name",
    *(f"responsible_user__{name}" for name in NAME_FIELDS),
    "ongoing", "due_on", "due_precision", "evaluated_months", "overdue",
)  # fmt: skip


def activity_rows(
    goal_ids: Iterable[int], *, then: QuerySet | None = None
) -> dict[int, list[ActivityRow]]:
    """The activities of these goals by goal id, each goal's in their order, as the plan page's
    rows show them (whether each is overdue, the names of its unit and responsible person).
    With `then` (the plan's activities as they were at a moment, `goals.selectors.items_as_of`):
    those (the units and people named as they are now), none overdue (what was decided says
    nothing of the follow-up). One query."""
    found: dict[int, list[ActivityRow]] = {}
    if then is None:
        activities = with_overdue(Activity.objects.filter(goal_id__in=list(goal_ids)))
    else:
        activities = then.filter(goal_id__in=list(goal_ids)).annotate(
            overdue=Value(False, output_field=BooleanField())
        )
    for pk, goal_id, title, role, unit, first, last, username, *timing in activities.order_by(
        "position", "id"
    ).values_list(*ROW_FIELDS):
        row = ActivityRow(
            pk, goal_id, title, role, unit or "", person_name_of(first, last, username), *timing
        )
        found.setdefault(goal_id, []).append(row)
    return found


def _with_items(goals: list[Goal], scheme: list[SchemeRow]) -> None:
    """Give each goal its indicators and activities in order (`indicator_list`,
    `activity_list`), as their rows show them. Two queries."""
    prefetch_related_objects(
        goals,
        Prefetch(
            "indicators",
            queryset=Indicator.objects.select_related("reuses", "sub_goal").order_by(
                "position", "pk"
            ),
            to_attr="indicator_list",
        ),
    )
    activities = activity_rows(goal.pk for goal in goals) if goals else {}
    for goal in goals:
        goal.activity_list = activities.get(goal.pk, [])
    _with_item_display(goals, scheme)


def _as_rows(items: Iterable[Any]) -> None:
    """What the plan page's row templates ask of every goal, indicator and activity, set to
    "no": whether it was just added (`is_new`) and which control takes the focus (`refocus`);
    `answers.marked` and `answers.row_context` say "yes" for the row they answer for. (An
    attribute a template asks for and an object lacks costs a `dir()` of the object, about
    45 µs a row: a quarter of the largest goal's rendering.)"""
    for item in items:
        item.is_new, item.refocus = False, ""


# The links of an indicator's and an activity's row on the plan page: (URL name, arguments
# before the item's id).
ROW_LINKS = {
    kind: {
        "editor": ("authoring:item_in_place", kind),
        "place": ("authoring:item_place", kind),
        "delete": ("authoring:item_delete", kind),
        "history": ("authoring:object_history", kind),
        "full_edit": (f"{app}:{kind}_update",),
        "move": (f"{app}:{kind}_move",),
        "full_delete": (f"{app}:{kind}_delete",),
    }
    for kind, app in (("indicator", "indicators"), ("activity", "goals"))
}


def with_links(kind: str, items: Iterable[Any]) -> None:
    """Give each item (`kind`: indicator or activity) its row's links (`links`), each URL
    resolved once for all the items: a row has seven, and a goal may have hundreds of rows."""
    makers = {key: url_by_id(*name) for key, name in ROW_LINKS[kind].items()}
    for item in items:
        item.links = {key: make(item.pk) for key, make in makers.items()}


def _with_item_display(goals: list[Goal], scheme: list[SchemeRow]) -> None:
    with_links("indicator", [item for goal in goals for item in goal.indicator_list])
    with_links("activity", [item for goal in goals for item in goal.activity_list])
    names_of = names_by_mask(scheme)
    for goal in goals:
        _as_rows((goal, *goal.indicator_list, *goal.activity_list))
        with_display(goal.indicator_list)
        for activity in goal.activity_list:
            activity.evaluated_names = names_of(activity)


def _count_of(model) -> Coalesce:
    """How many of `model` (indicators, activities) a goal has: a subquery per goal row."""
    counted = (
        model.objects.filter(goal=OuterRef("pk"))
        .order_by()
        .values("goal")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# Rows (indicators and activities) the plan page shows at once: the leading goals that fit are
# shown in full, the others by their heading, their items loaded when they come into view (or
# asked for, `?goal=`). A small plan is shown whole; a large one is never shown in one answer.
ROW_BUDGET = 40


def plan_page_goals(plan: Plan, *, expand: set[int] | frozenset[int] = frozenset()) -> list[Goal]:
    """The plan's goals in order, each with how many indicators and activities it has
    (`indicator_count`, `activity_count`); the leading goals within `ROW_BUDGET` rows and those
    of `expand` with their items (`indicator_list`, `activity_list`, as `plan_structure`), the
    others `is_lazy` with none.

    Three queries, whatever the size of the plan: its goals with their counts, and the items of
    the goals shown in full.
    """
    goals = list(
        Goal.objects.filter(plan=plan)
        .select_related("contributes_to")
        .annotate(indicator_count=_count_of(Indicator), activity_count=_count_of(Activity))
        .order_by("number")
    )
    rows, shown = 0, set(expand)
    for goal in goals:
        rows += goal.indicator_count + goal.activity_count
        if rows > ROW_BUDGET:
            break
        shown.add(goal.pk)
    full = [goal for goal in goals if goal.pk in shown]
    _with_items(full, scheme_rows(plan.organisation) if full else [])
    for goal in goals:
        goal.is_lazy = goal.pk not in shown
        if goal.is_lazy:
            goal.indicator_list, goal.activity_list = [], []
            _as_rows((goal,))
    return goals
