"""The data's stamp: a number that grows with every committed change to the tables watched, so
that what is assembled from them can be kept and used again until they change (`kept`).

Database triggers keep it, not the code that writes: every INSERT, UPDATE, DELETE or TRUNCATE
of a watched table adds a row to `core_datachange` in the writing transaction, whether a
service, an import's bulk insert, a queryset update, a migration or a person in psql wrote.
The stamp is the sum of that log's weights. A transaction's rows count once it commits, and
only then.

The log is a row per change rather than one counter row: a counter row would stay locked by
each writing transaction until it commits, so one long import would hold up every other write
to its tables. Inserts never wait for each other. `compact` folds the log into a row per day
noted (below) of the same sums, so no stamp ever goes back.

A row of a follow-up period (a value, a status, an analysis, a ready mark: a table with a
`period` column, settings.DATASTAMP_PERIOD_MODEL) notes the last day of its period, everything
else no day. What shows a period reads `stamp(until=its last day)`: the changes of no period
and of periods ended by then. So the values and statuses entered in the open period leave the
last period's report kept; a change of an indicator's bands does not.

A row of a plan's content notes its plan too (settings.DATASTAMP_PLAN_PATHS: the foreign keys
from the row to its plan), a goal, an indicator or a status alike. What shows some plans reads
`stamp(..., plans=...)`: the changes of rows of no plan (units, people, periods, an
organisation's settings) and of these plans' rows. So a value entered, or an indicator's bands
changed, in one plan leave another plan's report kept; a unit's new name does not.

A row of a goal's content (an indicator, an activity, a value, a status) notes its goal as
well (settings.DATASTAMP_GOAL_PATHS). What is assembled per goal of a plan (a report's goal
sections) is kept apart per goal (`KeptParts`, `kept_by_goal`, `goal_stamps`): a status entered
in one goal leaves the others' parts kept, and what all goals share (a report's frame) is kept
while only goals change.

The triggers are `core.datastamp.triggers`.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.models import DataChange

# `until=NO_PERIODS`: the changes of rows of no follow-up period only, for what shows nothing
# of any period (a plan's structure, its history of changes).
NO_PERIODS = datetime.date.min

# How many rows the log may reach before `stamp` folds it into a row per day and plan.
COMPACT_AFTER = 1000
# How many rows of a day and a plan the folded log keeps at most: past that, the rows of the
# periods that ended longest ago are folded per day alone and count for every plan.
FOLDED_PLAN_ROWS = 300


def _folded(totals: dict[tuple[Any, Any], int]) -> dict[tuple[Any, Any], int]:
    """The log's sums per (day, plan), with at most FOLDED_PLAN_ROWS of a plan: those of the
    periods that ended last. The others are folded per day and count for every plan, which
    moves some stamps once (a stamp may grow, never go back)."""
    of_a_plan = sorted(
        (key for key in totals if key[1] is not None),
        # The rows of no period (a plan's content) first: folded, they count for every reader.
        key=lambda key: (key[0] or datetime.date.max, key[1]),
        reverse=True,
    )
    kept_apart = set(of_a_plan[:FOLDED_PLAN_ROWS])
    folded: dict[tuple[Any, Any], int] = defaultdict(int)
    for (ends_on, plan), weight in totals.items():
        folded[
            (ends_on, plan) if plan is None or (ends_on, plan) in kept_apart else (ends_on, None)
        ] += weight
    return folded


def compact(using: str = DEFAULT_DB_ALIAS) -> None:
    """Fold the log into a row per day and plan noted (and one for no day), each of the same
    sum: every stamp reads the same before and after (but see `_folded`). A change not yet
    committed is not seen and so not folded: it counts when it commits, as before. Two at once
    fold each row once (the second's DELETE skips what the first deleted). A row's goal is
    not kept: folded, a goal's changes count for every goal of its plan (`goal_stamps`: its
    `common` grows, and every part kept per goal is built again once)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_datachange RETURNING weight, ends_on, plan_id")
        totals: dict[tuple[Any, Any], int] = defaultdict(int)
        for weight, ends_on, plan in cursor.fetchall():
            totals[ends_on, plan] += weight
        DataChange.objects.using(using).bulk_create(
            DataChange(weight=weight, ends_on=ends_on, plan_id=plan)
            for (ends_on, plan), weight in _folded(totals).items()
        )


def _conditions(
    connection, until: datetime.date | None, plans: Iterable[int] | None
) -> tuple[str, list]:
    """The SQL sum of the weights of the changes `until` a day and of `plans` (see `stamp`),
    with its parameters."""
    conditions, params = [], []
    if until is not None:
        conditions.append("ends_on IS NULL OR ends_on <= %s")
        params.append(connection.ops.adapt_datefield_value(until))
    if plans is not None:
        ids = list(plans)
        conditions.append(
            "plan_id IS NULL" + (f" OR plan_id IN ({', '.join(['%s'] * len(ids))})" if ids else "")
        )
        params += ids
    if not conditions:
        return "SUM(weight)", params
    return f"SUM(CASE WHEN ({') AND ('.join(conditions)}) THEN weight ELSE 0 END)", params


def stamp(
    using: str = DEFAULT_DB_ALIAS,
    *,
    until: datetime.date | None = None,
    plans: Iterable[int] | None = None,
) -> int:
    """The number of committed changes to the watched tables so far; `until` a day, those of
    no period and of the periods ended by then; `plans`, those of rows of no plan (or whose
    plan was not found) and of these plans. Folds the log when it has grown long."""
    # Plain SQL: every kept page asks this first, and the ORM took longer to write the query
    # than the database to answer it.
    connection = connections[using]
    table = connection.ops.quote_name(DataChange._meta.db_table)
    total, params = _conditions(connection, until, plans)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), {total} FROM {table}", params)
        rows, found = cursor.fetchone()
    if rows > COMPACT_AFTER:
        compact(using)
    return int(found or 0)


@dataclass(frozen=True)
class GoalStamps:
    """The stamp of each goal of a plan, in two parts: `common`, the changes that count for
    every goal (of rows of no plan, of the other plans read, and of the plan's rows of no goal:
    the plan itself, its decision steps, its ready marks), and `by_goal`, the changes of each
    goal's own rows (the goal, its indicators and activities, their values and statuses)."""

    common: int
    by_goal: dict[int, int]

    def of(self, goals: Iterable[int]) -> tuple[tuple[int, int], ...]:
        """The changes of these goals' own rows so far, goal by goal."""
        return tuple((goal, self.by_goal.get(goal, 0)) for goal in sorted(set(goals)))


def goal_stamps(
    using: str = DEFAULT_DB_ALIAS,
    *,
    plan: int,
    until: datetime.date | None = None,
    plans: Iterable[int] | None = None,
) -> GoalStamps:
    """The stamps of `plan`'s goals, `until` a day and reading `plans` (`plan` among them) as
    `stamp` counts them: `common` plus a goal's `by_goal` moves whenever `stamp` would,
    and for that goal only when the change is of its own rows. One query."""
    plans = None if plans is None else sorted({*plans, plan})
    connection = connections[using]
    table = connection.ops.quote_name(DataChange._meta.db_table)
    total, params = _conditions(connection, until, plans)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CASE WHEN plan_id = %s THEN goal_id END AS goal, COUNT(*), {total} "
            f"FROM {table} GROUP BY 1",
            [plan, *params],
        )
        found = cursor.fetchall()
    if sum(rows for _goal, rows, _weight in found) > COMPACT_AFTER:
        compact(using)
    by_goal = {goal: int(weight or 0) for goal, _rows, weight in found if goal is not None}
    common = sum(int(weight or 0) for goal, _rows, weight in found if goal is None)
    return GoalStamps(common, by_goal)


def _writes_may_be_pending(using: str) -> bool:
    """Whether this code may run inside a transaction that has written and not committed: the
    stamp would count its uncommitted changes, and what is built from them must not be kept
    (it might be rolled back). A test case's own transaction is not one (Django's `durable`
    check makes the same exception)."""
    return any(
        not getattr(block, "_from_testcase", False) for block in connections[using].atomic_blocks
    )


_MISSING = object()


def _with_plans(key: str, plans: Iterable[int] | None) -> tuple[str, list[int] | None]:
    """The key naming the plans read, and the plans in order."""
    if plans is None:
        return key, None
    plans = sorted(set(plans))
    # The plans are part of the key: a stamp is a sum over them, and another set of plans
    # (after the plans' links changed) could come to the same sum.
    named = ",".join(map(str, plans))
    return f"{key}:plans-{hashlib.sha256(named.encode()).hexdigest()[:16]}", plans


def _kept_in[T](cache: str, full_key: str, build: Callable[[], T]) -> T:
    """What is kept in `cache` under `full_key`, else what `build()` returns, kept there."""
    store = caches[cache]
    found = store.get(full_key, _MISSING)
    if found is not _MISSING:
        return found
    built = build()
    store.set(full_key, built, settings.ASSEMBLED_CACHE_SECONDS)
    return built


def _keeping(using: str) -> bool:
    """Whether what is assembled may be kept: not inside a transaction that may have written,
    nor with `ASSEMBLED_CACHE_SECONDS` 0."""
    return bool(settings.ASSEMBLED_CACHE_SECONDS) and not _writes_may_be_pending(using)


def kept[T](
    key: str,
    build: Callable[[], T],
    *,
    until: datetime.date | None = None,
    plans: Iterable[int] | None = None,
    using: str = DEFAULT_DB_ALIAS,
    cache: str = "assembled",
) -> T:
    """What `build()` returns, kept in the `cache` ("assembled", or "scopes" for what is kept
    per person: many small results that must not push out the few large ones) under `key` and
    the stamp: built again once a watched table has changed. `key` must name everything else
    the result depends on (its objects, the language, the day). With `until`, the result shows
    nothing of a follow-up period that ends after that day (a period's report): the changes of
    later periods leave it kept. With `plans`, it shows nothing of other plans: their changes
    leave it kept.

    The stamp is read before `build` reads the data, so a result is never kept under a stamp
    newer than its data. Inside a transaction, and with `ASSEMBLED_CACHE_SECONDS` 0, it is
    built every time.
    """
    if not _keeping(using):
        return build()
    key, plans = _with_plans(key, plans)
    return _kept_in(cache, f"{key}:{stamp(using, until=until, plans=plans)}", build)


@dataclass(frozen=True)
class KeptParts:
    """What is assembled of one plan in parts, kept under one reading of its goals' stamps
    (`goal_stamps`): what all its goals share (`common`) and each goal's own part
    (`by_goal`). Read once for a page (`read`), so that all it keeps of the plan is kept
    under the same stamps, and each part is built again only when what it reads changes.

    `stamps` is None when nothing is kept (inside a transaction, or with
    `ASSEMBLED_CACHE_SECONDS` 0): then every part is built every time."""

    key: str
    stamps: GoalStamps | None
    cache: str = "assembled"

    @classmethod
    def read(
        cls,
        key: str,
        *,
        plan: int,
        until: datetime.date | None = None,
        plans: Iterable[int] | None = None,
        using: str = DEFAULT_DB_ALIAS,
        cache: str = "assembled",
    ) -> "KeptParts":
        """The plan's goals' stamps `until` a day and reading `plans` (see `kept`), read now,
        before any part is built from the data. `key` must name everything else the parts
        depend on (the plan, the period, the language, the day). One query."""
        if not _keeping(using):
            return cls(key, None, cache)
        key, plans = _with_plans(key, plans)
        return cls(key, goal_stamps(using, plan=plan, until=until, plans=plans), cache)

    def common[T](self, name: str, build: Callable[[], T]) -> T:
        """What `build()` returns, kept under `name` while nothing the plan's goals all read
        changes (`GoalStamps.common`: the plan's own rows, those of no plan, the other plans
        read): `build` must read nothing of any goal's own rows."""
        if self.stamps is None:
            return build()
        return _kept_in(self.cache, f"{self.key}:{name}:{self.stamps.common}", build)

    def by_goal[T](
        self,
        name: str,
        goals: list[int],
        build: Callable[[list[int]], dict[int, tuple[T, Iterable[int]]]],
    ) -> dict[int, T]:
        """What `build(goals)` returns for each of the plan's `goals`, in their order, each
        kept apart under `name` and the goal: built again only for the goals whose own rows
        have changed, and for every goal once anything they all read has. With each value
        `build` names the goals it read, its own and any other of the plan (an indicator
        carried on from one in another goal): a change of any of them builds it again.

        A value's key names `common`, and the goals' own stamps are kept with it: a goal
        built again replaces what was kept of it. One cache reading when every goal is
        kept."""
        if self.stamps is None:
            return {goal: value for goal, (value, _read) in build(goals).items()}
        store, stamps = caches[self.cache], self.stamps
        keys = {goal: f"{self.key}:{name}:goal-{goal}:{stamps.common}" for goal in goals}
        found = store.get_many(list(keys.values()))
        values: dict[int, T] = {}
        for goal, full_key in keys.items():
            value, read = found.get(full_key, (_MISSING, ()))
            if value is not _MISSING and stamps.of(goal for goal, _stamp in read) == read:
                values[goal] = value
        missing = [goal for goal in goals if goal not in values]
        if missing:
            built = build(missing)
            store.set_many(
                {
                    keys[goal]: (value, stamps.of({goal, *read}))
                    for goal, (value, read) in built.items()
                    if goal in keys
                },
                settings.ASSEMBLED_CACHE_SECONDS,
            )
            values.update({goal: value for goal, (value, _read) in built.items()})
        return {goal: values[goal] for goal in goals if goal in values}


def kept_by_goal[T](
    key: str,
    goals: list[int],
    build: Callable[[list[int]], dict[int, tuple[T, Iterable[int]]]],
    *,
    plan: int,
    until: datetime.date | None = None,
    plans: Iterable[int] | None = None,
    using: str = DEFAULT_DB_ALIAS,
    cache: str = "assembled",
) -> dict[int, T]:
    """What `build(goals)` returns for each of `plan`'s `goals`, each kept apart under `key`
    and the goal (`KeptParts.by_goal`, see `kept`): built again only for the goals whose own
    rows have changed, and for every goal once anything they all read has. One query and one
    cache reading when every goal is kept."""
    parts = KeptParts.read(key, plan=plan, until=until, plans=plans, using=using, cache=cache)
    return parts.by_goal("parts", goals, build)
