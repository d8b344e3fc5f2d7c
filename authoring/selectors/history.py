"""Reads of a plan's past: its history of changes a page at a time and what was deleted from it
and can be restored. The plan is already narrowed to the user."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils.translation import get_language

from core.datastamp import NO_PERIODS, kept
from core.history import HistoryEntry, describe_history, user_label
from core.links import url_by_id
from core.versioning import SHIFTED
from goals.models import Activity, Goal
from goals.selectors import goals_ever
from indicators.models import Indicator
from planning.models import Plan

# --- History of a plan's content ------------------------------------------------------------------


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
    those of a deleted goal's items too (the goals are found in the goals' history). A row
    shifted by another's move, a goal renumbered by another's move, deletion or restoring, is
    left out (`SHIFTED`): the change is told once, by the row or goal it was made to. Each
    record is still told against the record before it, shifted or not."""
    goals = goals_ever(plan.pk)
    return {
        "plan": Plan.history.filter(id=plan.pk),
        "goal": Goal.history.filter(plan_id=plan.pk).exclude(history_change_reason=SHIFTED),
        "indicator": Indicator.history.filter(goal_id__in=goals).exclude(
            history_change_reason=SHIFTED
        ),
        "activity": Activity.history.filter(goal_id__in=goals).exclude(
            history_change_reason=SHIFTED
        ),
    }


def _keys(kind: str, records: QuerySet) -> QuerySet:
    """(kind, history id, when) of each record."""
    return (
        records.order_by()
        .annotate(history_kind=Value(kind))
        .values_list("history_kind", "history_id", "history_date")
    )


def _with_records_before(history: QuerySet, history_ids: list[int]) -> QuerySet:
    """The records `history_ids` of a history (`history`: all of its records) and the record
    before each of the same object, whatever the history between (one query: each record
    before is looked for from the records asked for alone, not from every record there is)."""
    before = (
        history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    asked = history.filter(history_id__in=history_ids)
    befores = asked.values(found=Subquery(before))
    # One list of ids (the records and those before them), not an OR of two, which PostgreSQL
    # answered by reading the whole history.
    ids = asked.values("history_id").union(befores, all=True)
    return history.filter(history_id__in=ids).order_by()  # paired in Python, in no order


def _previous_in(records: list[Any]) -> dict[int, Any]:
    """Each record's previous record of the same object among `records` (by history id), for
    records read with the record before each (`_with_records_before`): nothing of an
    object's history lies between a record and the one before it, so the latest earlier
    record read is that one."""
    by_object: dict[Any, list[Any]] = defaultdict(list)
    for record in sorted(records, key=lambda found: (found.history_date, found.history_id)):
        by_object[record.id].append(record)
    previous = {}
    for history in by_object.values():
        for earlier, record in pairwise(history):
            previous[record.history_id] = earlier
    return previous


def plan_changes_page(
    plan: Plan,
    page: str | int | None = 1,
    size: int = HISTORY_PAGE_SIZE,
    *,
    since: datetime.datetime | None = None,
):
    """A page of the changes to the plan's facts, goals, indicators and activities, newest
    first (past the last page: the last page): `(entries, page)`, the entries in words. With
    `since`, of the changes after it (what changed after the decision); each still told
    against the record before it, however old. The page is chosen in the database
    (`history_page`): the same queries whatever the length of the history.
    """
    sources = _content_history(plan)
    if since is not None:
        sources = {kind: found.filter(history_date__gt=since) for kind, found in sources.items()}
    entries, numbers = history_page(sources, page, size)
    return _with_urls(entries), numbers


def history_page(
    sources: dict[str, QuerySet],
    page: str | int | None = 1,
    size: int = HISTORY_PAGE_SIZE,
    *,
    related: tuple[str, ...] = ("history_user",),
    label: Callable[[Any], str] | None = None,
) -> tuple[list[HistoryEntry], Page]:
    """A page of the history records of `sources` (a name -> records of one model's history)
    together, newest first (past the last page: the last page): `(entries, page)`, each entry
    in words against the record before it of the same object (`core.history.describe_history`,
    with `label`), the records read with `related`.

    The page's records are chosen in the database (one query over the histories, and one to
    count them), then fetched with the records before them, one query per source: the same
    queries whatever the length of the histories, and no more records read than the page
    shows.
    """
    union = union_of(_keys(kind, records) for kind, records in sources.items())
    counted = union_of(records.order_by().values("history_id") for records in sources.values())
    keys, numbers = _page_of(union.order_by("-history_date", "-history_id"), counted, page, size)
    records, previous = {}, {}
    for kind, source in sources.items():
        # One query per source, also when the page has none of it (the same queries every page).
        wanted = [history_id for key, history_id, _when in keys if key == kind] or [0]
        history = source.model._default_manager.all()
        found = list(_with_records_before(history, wanted).select_related(*related))
        records.update(((kind, record.history_id), record) for record in found)
        previous.update(((kind, pk), record) for pk, record in _previous_in(found).items())
    pairs = [
        (records[kind, history_id], previous.get((kind, history_id)))
        for kind, history_id, _when in keys
    ]
    return describe_history(pairs, excluded=("version",), label=label), numbers


@dataclass
class _Counted:
    """A queryset for a paginator, counted by another query of the same rows."""

    rows: QuerySet
    counted: QuerySet

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, index):
        return self.rows[index]


def _page_of(
    rows: QuerySet, counted: QuerySet, page: str | int | None, size: int
) -> tuple[list, Page]:
    """The rows of page `page` of `rows` (ordered; past the last page: the last page), counted
    by `counted`, and the page's numbers without the query behind them (a page that pickles
    small, kept). The rows are asked for also when there are none (the paginator would not
    ask): at most the same two queries however many there are, and one for a first page that
    is not full (it is all there is, counted by its rows)."""
    if page in (1, "1"):
        shown = list(rows[:size])
        count = len(shown) if len(shown) < size else counted.count()
        return shown, Paginator(range(count), size).page(1)
    found = Paginator(_Counted(rows, counted), size).get_page(page)
    shown = list(rows[(found.number - 1) * size : found.number * size])
    return shown, Paginator(range(found.paginator.count), size).page(found.number)


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


DELETED_PAGE_SIZE = 20
# What can be deleted from a plan's content, and restored.
DELETED_KINDS = {kind: HISTORY_KINDS[kind] for kind in ("goal", "indicator", "activity")}


def _latest_deletions(records: QuerySet) -> QuerySet:
    """The deletion records among `records` (history records) that are their object's last
    record: of the objects deleted now, each one's latest deletion (a restored object has a
    later record, of its restoring)."""
    later = records.model.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return records.filter(history_type="-").filter(~Exists(later))


def _deletions(plan: Plan) -> dict[str, QuerySet]:
    """The records of the plan's goals, indicators and activities deleted now, by kind; an
    indicator's or an activity's only while its goal exists (else it comes back with it)."""
    goals_now = Goal.objects.filter(plan=plan).values("pk")
    return {
        "goal": _latest_deletions(Goal.history.filter(plan_id=plan.pk)),
        "indicator": _latest_deletions(Indicator.history.filter(goal_id__in=goals_now)),
        "activity": _latest_deletions(Activity.history.filter(goal_id__in=goals_now)),
    }


def deleted_items(
    plan: Plan, page: str | int | None = 1, size: int = DELETED_PAGE_SIZE
) -> tuple[list[DeletedItem], Page]:
    """A page of the plan's goals, indicators and activities that are deleted now, newest
    first (past the last page: the last page): `(items, page)`.

    An indicator or activity deleted with its goal comes back with the goal and is not listed
    on its own; a goal says what comes back with it. The page is chosen in the database and
    only its records are read: at most the same queries, whatever was deleted (one, asking
    for the first page, when nothing is).
    """
    sources = _deletions(plan)
    keys = union_of(
        records.order_by()
        .annotate(deleted_kind=Value(kind))
        .values_list("deleted_kind", "history_id", "history_date")
        for kind, records in sources.items()
    )
    counted = union_of(records.order_by().values("history_id") for records in sources.values())
    keys, numbers = _page_of(keys.order_by("-history_date", "-history_id"), counted, page, size)
    records = {}
    for kind, model in DELETED_KINDS.items():
        wanted = [history_id for key, history_id, _when in keys if key == kind]
        if not wanted:
            continue  # none of the kind on the page
        for record in model.history.filter(history_id__in=wanted).select_related("history_user"):
            records[kind, record.history_id] = record
    goals = [record for (kind, _id), record in records.items() if kind == "goal"]
    marks = [record.history_change_reason for record in goals if record.history_change_reason]
    children: dict[str, dict[str, int]] = defaultdict(dict)
    for model in (Indicator, Activity) if marks else ():
        name = str(model._meta.verbose_name_plural)
        for mark, count in (
            model.history.filter(history_type="-", history_change_reason__in=marks)
            .order_by()
            .values_list("history_change_reason")
            .annotate(count=Count("history_id"))
        ):
            children[mark][name] = count
    under = {record.goal_id for (kind, _id), record in records.items() if kind != "goal"}
    goal_labels = (
        {
            pk: f"{number}. {title}"
            for pk, number, title in Goal.objects.filter(pk__in=under).values_list(
                "pk", "number", "title"
            )
        }
        if under
        else {}
    )
    items = [
        _deleted_item(kind, records[kind, history_id], children, goal_labels)
        for kind, history_id, _when in keys
    ]
    return items, numbers


def _deleted_item(kind: str, record: Any, children: dict, goal_labels: dict) -> DeletedItem:
    if kind == "goal":
        return DeletedItem(
            kind=kind,
            history_id=record.history_id,
            object_id=record.id,
            label=f"{record.number}. {record.title}",
            when=record.history_date,
            who=user_label(record.history_user),
            with_it=sorted(children.get(record.history_change_reason or "", {}).items()),
        )
    return DeletedItem(
        kind=kind,
        history_id=record.history_id,
        object_id=record.id,
        label=str(record.instance),
        when=record.history_date,
        who=user_label(record.history_user),
        goal_label=goal_labels.get(record.goal_id, ""),
    )


def union_of(querysets: Iterable[QuerySet]) -> QuerySet:
    """The rows of every queryset (of the same columns), one after another: UNION ALL."""
    first, *others = querysets
    return first.union(*others, all=True) if others else first


@dataclass
class PlanHistory:
    """The plan's history page: a page of its changes in words, and what can be restored."""

    entries: list[HistoryEntry]
    page: Page
    deleted: list[DeletedItem]
    deleted_page: Page


def kept_plan_history(
    plan: Plan, page: str | int | None = 1, deleted_page: str | int | None = 1
) -> PlanHistory:
    """A page of the plan's changes and a page of its deleted items, in the active language,
    read once and kept until any of the plan's content or its history changes
    (`core.datastamp`). It shows nothing of a follow-up period, nor of other plans: values and
    statuses entered, and other plans' changes, leave it kept."""

    def read() -> PlanHistory:
        entries, numbers = plan_changes_page(plan, page)
        return PlanHistory(entries, numbers, *deleted_items(plan, deleted_page))

    # The pages as asked for, whole: "1234567890123" and "123456789012x" are different pages.
    key = f"plan-history:{plan.pk}:{page}:{deleted_page}:{get_language()}"
    return kept(key, read, until=NO_PERIODS, plans=(plan.pk,))
