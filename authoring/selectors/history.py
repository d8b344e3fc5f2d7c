"""Reads of a plan's past: its decided version, its history of changes a page at a time and
what was deleted from it and can be restored. The plan is already narrowed to the user."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils.translation import get_language

from core.datastamp import NO_PERIODS, kept
from core.history import HistoryEntry, describe_history, user_label, with_previous
from core.links import url_by_id
from goals.evaluation import evaluated_names
from goals.models import Activity, Goal
from indicators.models import Indicator
from indicators.selectors import with_display
from planning.models import Plan, Unit, scheme_rows

# --- The decided version --------------------------------------------------------------------------


@dataclass
class DecidedVersion:
    """The plan as it was when it was decided: its facts, goals, indicators and activities."""

    at: datetime.datetime
    plan: Plan
    goals: list[Goal]
    units: dict[int, Unit]


def plan_decisions(plan: Plan) -> list[datetime.datetime]:
    """Every moment the plan was marked decided, newest first (a reopened plan has several)."""
    return sorted(
        {
            moment
            for moment in plan.history.filter(status=Plan.Status.DECIDED)
            .exclude(decided_at=None)
            .values_list("decided_at", flat=True)
        },
        reverse=True,
    )


def decided_version(plan: Plan, at: datetime.datetime) -> DecidedVersion:
    """The plan with its goals, indicators and activities as of `at`, from their history.

    Six queries, whatever the size of the plan.
    """
    plan_then = plan.history.as_of(at)
    goals = list(Goal.history.as_of(at).filter(plan_id=plan.pk).order_by("number"))
    goal_ids = [goal.pk for goal in goals]
    indicators = Indicator.history.as_of(at).filter(goal_id__in=goal_ids)
    activities = Activity.history.as_of(at).filter(goal_id__in=goal_ids)
    by_goal: dict[int, dict[str, list]] = {
        pk: {"indicators": [], "activities": []} for pk in goal_ids
    }
    for indicator in sorted(indicators, key=lambda item: (item.position, item.pk)):
        by_goal[indicator.goal_id]["indicators"].append(indicator)
    activity_list = sorted(activities, key=lambda item: (item.position, item.pk))
    for activity in activity_list:
        by_goal[activity.goal_id]["activities"].append(activity)
    for goal in goals:
        goal.decided_indicators = with_display(by_goal[goal.pk]["indicators"])
        goal.decided_activities = by_goal[goal.pk]["activities"]
    units = Unit.objects.in_bulk({a.unit_id for a in activity_list if a.unit_id})
    people = get_user_model().objects.in_bulk(
        {a.responsible_user_id for a in activity_list if a.responsible_user_id}
    )
    scheme = scheme_rows(plan.organisation)
    for activity in activity_list:
        activity.evaluated_names = evaluated_names(activity, scheme)
        unit = units.get(activity.unit_id)
        activity.unit_name = unit.name if unit else ""
        person = people.get(activity.responsible_user_id)
        activity.person_name = (person.get_full_name() or person.username) if person else ""
    return DecidedVersion(at=at, plan=plan_then, goals=goals, units=units)


# --- History of a plan's content ------------------------------------------------------------------


def goal_ids_ever(plan: Plan) -> set[int]:
    """Every goal the plan has had, deleted ones too."""
    return set(Goal.history.filter(plan_id=plan.pk).values_list("id", flat=True).distinct())


def plan_changes(
    plan: Plan, *, since: datetime.datetime | None = None, limit: int | None = None
) -> list[HistoryEntry]:
    """Changes to the plan's facts, goals, indicators and activities, newest first.

    With `since`, only those after it (what changed after the decision). The same number of
    queries whatever the number of changes.
    """
    goal_ids = goal_ids_ever(plan)
    sources = [
        Plan.history.filter(id=plan.pk),
        Goal.history.filter(plan_id=plan.pk),
        Indicator.history.filter(goal_id__in=goal_ids),
        Activity.history.filter(goal_id__in=goal_ids),
    ]
    pairs = []
    for records in sources:
        ordered = records.select_related("history_user").order_by("id", "history_date")
        for record, previous in with_previous(ordered):
            if since is None or record.history_date > since:
                pairs.append((record, previous))
    pairs.sort(key=lambda pair: pair[0].history_date, reverse=True)
    if limit is not None:
        pairs = pairs[:limit]
    return _with_urls(describe_history(pairs, excluded=("version",)))


def _with_urls(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """Give each entry the URL of its object's own history (`url`), resolved once a kind."""
    makers = {kind: url_by_id("authoring:object_history", kind) for kind in HISTORY_KINDS}
    for entry in entries:
        entry.url = makers[entry.model_name](entry.object_id)
    return entries


HISTORY_PAGE_SIZE = 50
HISTORY_KINDS = {"plan": Plan, "goal": Goal, "indicator": Indicator, "activity": Activity}


def _content_history(plan: Plan) -> dict[str, QuerySet]:
    """The history records of the plan's facts, goals, indicators and activities, by kind;
    those of a deleted goal's items too (the goals are found in the goals' history)."""
    goals_ever = Goal.history.filter(plan_id=plan.pk).values("id")
    return {
        "plan": Plan.history.filter(id=plan.pk),
        "goal": Goal.history.filter(plan_id=plan.pk),
        "indicator": Indicator.history.filter(goal_id__in=goals_ever),
        "activity": Activity.history.filter(goal_id__in=goals_ever),
    }


def _keys(kind: str, records: QuerySet) -> QuerySet:
    """(kind, history id, when, the same object's record before it) of each record."""
    before = (
        records.model.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        records.order_by()
        .annotate(history_kind=Value(kind), history_before=Subquery(before))
        .values_list("history_kind", "history_id", "history_date", "history_before")
    )


def plan_changes_page(plan: Plan, page: str | int | None = 1, size: int = HISTORY_PAGE_SIZE):
    """A page of the changes to the plan's facts, goals, indicators and activities, newest
    first (past the last page: the last page): `(entries, page)`, the entries in words.

    The page's records are chosen in the database (one query over the four histories, each
    with its record before it, and one to count them), then fetched with the records before
    them, one query per kind: the same queries whatever the length of the history, and no
    more records read than the page shows.
    """
    sources = _content_history(plan)
    others = ("goal", "indicator", "activity")
    union = _keys("plan", sources["plan"]).union(
        *(_keys(kind, sources[kind]) for kind in others), all=True
    )
    # Counted without the records before them: a third of the cost of counting the union.
    counted = sources["plan"].order_by().values("history_id")
    counted = counted.union(
        *(sources[kind].order_by().values("history_id") for kind in others), all=True
    )
    keyed = _Counted(union.order_by("-history_date", "-history_id"), counted)
    found = Paginator(keyed, size).get_page(page)
    keys = list(found.object_list)
    wanted: dict[str, set[int]] = {kind: set() for kind in HISTORY_KINDS}
    for kind, history_id, _when, previous in keys:
        wanted[kind].add(history_id)
        if previous is not None:
            wanted[kind].add(previous)
    records = {}
    for kind, model in HISTORY_KINDS.items():
        # One query per kind, also when the page has none of it (the same queries every page).
        for record in model.history.filter(history_id__in=wanted[kind] or [0]).select_related(
            "history_user"
        ):
            records[kind, record.history_id] = record
    pairs = [
        (records[kind, history_id], records.get((kind, previous)) if previous else None)
        for kind, history_id, _when, previous in keys
    ]
    # The page's numbers without the query behind them: a page that pickles small (kept).
    numbers = Paginator(range(found.paginator.count), size).page(found.number)
    return _with_urls(describe_history(pairs, excluded=("version",))), numbers


@dataclass
class _Counted:
    """A queryset for a paginator, counted by another query of the same rows."""

    rows: QuerySet
    counted: QuerySet

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, index):
        return self.rows[index]


# --- What was deleted, and can be restored --------------------------------------------------------


@dataclass
class DeletedItem:
    """A deleted goal, indicator or activity that can be restored, with what goes with it."""

    kind: str
    history_id: int
    object_id: int
    label: str
    when: datetime.datetime
    who: str
    goal_label: str = ""
    with_it: list[tuple[str, int]] = field(default_factory=list)


def _latest_deletions(records: QuerySet) -> list[Any]:
    """The latest deletion record of each object among `records` (history records) that does
    not exist now (told by the database: no list of the plan's thousand ids read to compare)."""
    model = records.model.instance_type
    gone = records.filter(history_type="-").filter(~Exists(model.objects.filter(pk=OuterRef("id"))))
    latest: dict[int, Any] = {}
    for record in gone.select_related("history_user").order_by("history_date"):
        latest[record.id] = record
    return list(latest.values())


def deleted_items(plan: Plan) -> list[DeletedItem]:
    """The plan's goals, indicators and activities that are deleted now, newest first.

    An indicator or activity deleted with its goal comes back with the goal and is not listed
    on its own. The same number of queries, whatever was deleted.
    """
    goals_now = {
        pk: f"{number}. {title}"
        for pk, number, title in Goal.objects.filter(plan=plan)
        .order_by()
        .values_list("pk", "number", "title")
    }
    items = []
    goal_records = _latest_deletions(Goal.history.filter(plan_id=plan.pk))
    marks = [record.history_change_reason for record in goal_records]
    marks = [mark for mark in marks if mark]
    children: dict[str, dict[str, int]] = {mark: {} for mark in marks}
    for model in (Indicator, Activity):
        name = str(model._meta.verbose_name_plural)
        for mark in model.history.filter(
            history_type="-", history_change_reason__in=marks
        ).values_list("history_change_reason", flat=True):
            children[mark][name] = children[mark].get(name, 0) + 1
    for record in goal_records:
        items.append(
            DeletedItem(
                kind="goal",
                history_id=record.history_id,
                object_id=record.id,
                label=f"{record.number}. {record.title}",
                when=record.history_date,
                who=user_label(record.history_user),
                with_it=sorted(children.get(record.history_change_reason or "", {}).items()),
            )
        )
    for kind, model in (("indicator", Indicator), ("activity", Activity)):
        for record in _latest_deletions(model.history.filter(goal_id__in=list(goals_now))):
            items.append(
                DeletedItem(
                    kind=kind,
                    history_id=record.history_id,
                    object_id=record.id,
                    label=str(record.instance),
                    when=record.history_date,
                    who=user_label(record.history_user),
                    goal_label=goals_now[record.goal_id],
                )
            )
    items.sort(key=lambda item: item.when, reverse=True)
    return items


@dataclass
class PlanHistory:
    """The plan's history page: a page of its changes in words, and what can be restored."""

    entries: list[HistoryEntry]
    page: Page
    deleted: list[DeletedItem]


def kept_plan_history(plan: Plan, page: str | int | None = 1) -> PlanHistory:
    """A page of the plan's changes and its deleted items, in the active language, read once
    and kept until any of the plan's content or its history changes (`core.datastamp`). It
    shows nothing of a follow-up period, nor of other plans: values and statuses entered, and
    other plans' changes, leave it kept."""

    def read() -> PlanHistory:
        entries, numbers = plan_changes_page(plan, page)
        return PlanHistory(entries, numbers, deleted_items(plan))

    # The page as asked for, whole: "1234567890123" and "123456789012x" are different pages.
    key = f"plan-history:{plan.pk}:{page}:{get_language()}"
    return kept(key, read, until=NO_PERIODS, plans=(plan.pk,))
