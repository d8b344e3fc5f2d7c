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

PostgreSQL adds a row per statement (per period and plan of its rows), SQLite (which has no
statement triggers) one per row.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from core.models import DataChange

# `until=NO_PERIODS`: the changes of rows of no follow-up period only, for what shows nothing
# of any period (a plan's structure, its history of changes).
NO_PERIODS = datetime.date.min

# How many rows the log may reach before `stamp` folds it into a row per day and plan.
COMPACT_AFTER = 1000
# How many rows of a day and a plan the folded log keeps at most: past that, the rows of the
# periods that ended longest ago are folded per day alone and count for every plan.
FOLDED_PLAN_ROWS = 300

TRIGGER = "core_datachange"

_PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION core_datachange_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_datachange (weight) VALUES (1);
    RETURN NULL;
END $$
"""
# The triggers of a table of periods or plans besides TRIGGER (which then notes TRUNCATE alone).
_ROW_TRIGGERS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


@dataclass(frozen=True)
class PlanPath:
    """How a row finds its plan: the value of its `column`, then for each hop (table, key,
    value) the `value` of the row of `table` whose `key` is the value found so far."""

    column: str
    hops: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Watched:
    """A table whose changes change the stamp: any change, or with `columns` only an insert, a
    deletion or an update of one of those columns (a person's name, not their last login).
    With `periods`, each change notes the last day of the period in its `period_id`; with
    `plan`, the plan of the row."""

    table: str
    columns: tuple[str, ...] = ()
    periods: bool = False
    plan: PlanPath | None = None


def _periods_table() -> str:
    return apps.get_model(settings.DATASTAMP_PERIOD_MODEL)._meta.db_table


def _function_name(table: str) -> str:
    """The PostgreSQL function that notes the changes of a table of periods or plans (63 bytes
    at most)."""
    name = f"{TRIGGER}_note_{table}"
    if len(name) > 63:
        name = f"{TRIGGER}_note_{hashlib.sha256(table.encode()).hexdigest()[:24]}"
    return name


def _pg_row_function(connection: BaseDatabaseWrapper, watched: Watched) -> str:
    """The function noting, per statement, each period's last day and each plan among the
    rows changed (the day alone, or the plan alone, for a table of one of them)."""
    quote = connection.ops.quote_name
    columns, joins, ends_on, plan = [], "", "NULL::date", "NULL::bigint"
    if watched.periods:
        columns.append("period_id")
        joins = f" LEFT JOIN {quote(_periods_table())} AS period ON period.id = changed.period_id"
        ends_on = "period.ends_on"
    if watched.plan is not None:
        columns.append(watched.plan.column)
        plan = f"changed.{quote(watched.plan.column)}"
        for number, (table, key, value) in enumerate(watched.plan.hops, 1):
            joins += (
                f" LEFT JOIN {quote(table)} AS hop{number} ON hop{number}.{quote(key)} = {plan}"
            )
            plan = f"hop{number}.{quote(value)}"
    if watched.periods:
        # A period gone meanwhile (deleted in the same statement) notes no day and no plan, a
        # plan not found no plan: the change counts for every reader.
        plan = f"CASE WHEN period.ends_on IS NULL THEN NULL ELSE {plan} END"
    selected = ", ".join(quote(column) for column in columns)

    def note(rows: str) -> str:
        return (
            "INSERT INTO core_datachange (weight, ends_on, plan_id) "
            f"SELECT DISTINCT 1, {ends_on}, {plan} "
            f"FROM (SELECT DISTINCT {selected} FROM {rows}) AS changed{joins};"
        )

    return f"""
CREATE OR REPLACE FUNCTION {_function_name(watched.table)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {note("new_rows")}
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {note("old_rows")}
    END IF;
    RETURN NULL;
END $$
"""


def _postgresql(connection: BaseDatabaseWrapper, watched: Watched) -> list[str]:
    quote = connection.ops.quote_name
    table = quote(watched.table)
    statements = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}"]
    statements += [
        f"DROP TRIGGER IF EXISTS {TRIGGER}_{event.lower()} ON {table}" for event in _ROW_TRIGGERS
    ]
    if watched.periods or watched.plan is not None:
        statements.append(_pg_row_function(connection, watched))
        statements.append(
            f"CREATE TRIGGER {TRIGGER} AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION core_datachange_note()"
        )
        statements += [
            f"CREATE TRIGGER {TRIGGER}_{event.lower()} AFTER {event} ON {table} {rows} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_function_name(watched.table)}()"
            for event, rows in _ROW_TRIGGERS.items()
        ]
        return statements
    update = "UPDATE"
    if watched.columns:
        update += " OF " + ", ".join(quote(column) for column in watched.columns)
    statements.append(
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR DELETE OR TRUNCATE OR {update} "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION core_datachange_note()"
    )
    return statements


def _sqlite(connection: BaseDatabaseWrapper, watched: Watched) -> list[str]:
    quote = connection.ops.quote_name
    periods = quote(_periods_table())

    def plan_of(row: str) -> str:
        if watched.plan is None:
            return "NULL"
        found = f"{row}.{quote(watched.plan.column)}"
        for table, key, value in watched.plan.hops:
            found = f"(SELECT {quote(value)} FROM {quote(table)} WHERE {quote(key)} = {found})"
        return found

    def note(row: str) -> str:
        if watched.periods:
            ends_on = f"(SELECT ends_on FROM {periods} WHERE id = {row}.period_id)"
            plan = f"CASE WHEN {ends_on} IS NULL THEN NULL ELSE {plan_of(row)} END"
        elif watched.plan is not None:
            ends_on, plan = "NULL", plan_of(row)
        else:
            return "INSERT INTO core_datachange (weight) VALUES (1);"
        return (
            f"INSERT INTO core_datachange (weight, ends_on, plan_id) VALUES (1, {ends_on}, {plan});"
        )

    statements = []
    for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
        name = quote(f"{TRIGGER}_{watched.table}_{event.lower()}")
        when = event
        if event == "UPDATE" and watched.columns:
            when += " OF " + ", ".join(quote(column) for column in watched.columns)
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {when} ON {quote(watched.table)} "
            f"BEGIN {' '.join(note(row) for row in rows)} END",
        ]
    return statements


def watch(connection: BaseDatabaseWrapper, tables: Iterable[Watched]) -> None:
    """Create (or create again) the triggers that note every change of these tables."""
    if connection.vendor == "postgresql":
        statements = [_PG_FUNCTIONS]
        for watched in tables:
            statements += _postgresql(connection, watched)
    elif connection.vendor == "sqlite":
        statements = [s for watched in tables for s in _sqlite(connection, watched)]
    else:
        raise NotImplementedError(f"No change triggers for {connection.vendor}.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# Of a person, pages show the name; a login (last_login) changes nothing in them.
PERSON_COLUMNS = ("username", "first_name", "last_name")


def plan_path(model: type) -> PlanPath | None:
    """How a row of `model` (or a history record of it) finds its plan, by the foreign keys
    settings.DATASTAMP_PLAN_PATHS names for it ("activity__goal__plan"); None if not named."""
    original = getattr(model, "instance_type", model)  # a history record's model
    path = settings.DATASTAMP_PLAN_PATHS.get(original._meta.label)
    if path is None:
        return None
    first, *rest = path.split("__")
    field = start = model._meta.get_field(first)
    hops = []
    for name in rest:
        target = field.related_model._meta
        following = target.get_field(name)
        hops.append((target.db_table, field.target_field.column, following.column))
        field = following
    return PlanPath(start.column, tuple(hops))


def sources() -> list[Watched]:
    """What the stamp watches: every table of `settings.DATASTAMP_APPS` (their history records
    too: a page of changes is kept like the rest) and people's names. A table with a `period`
    of `settings.DATASTAMP_PERIOD_MODEL` notes its periods, one in
    `settings.DATASTAMP_PLAN_PATHS` its plans."""
    period_model = apps.get_model(settings.DATASTAMP_PERIOD_MODEL)
    tables = set()
    for label in settings.DATASTAMP_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            opts = model._meta
            if opts.proxy or not opts.managed:
                continue
            period = next((f for f in opts.concrete_fields if f.name == "period"), None)
            # The triggers read `period_id`; a period stored otherwise notes no day, and its
            # changes count for every reader (never fewer readers than see them).
            periods = (
                getattr(period, "related_model", None) is period_model
                and period.column == "period_id"
            )
            tables.add(Watched(opts.db_table, periods=periods, plan=plan_path(model)))
    person = apps.get_model(settings.AUTH_USER_MODEL)._meta
    tables.add(Watched(person.db_table, PERSON_COLUMNS))
    return sorted(tables, key=lambda watched: watched.table)


def watch_sources(using: str, **kwargs) -> None:
    """After `migrate` (post_migrate): the triggers on every source table, so a table added
    later is watched as soon as it exists (one a partial migrate has not made yet aside), and
    a change noted for what the migrations did."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    watch(connection, [watched for watched in sources() if watched.table in existing])
    if DataChange._meta.db_table in existing:
        # What the migrations changed (without triggers) counts as a change of everything.
        DataChange.objects.using(using).create()


def create_cache_tables(using: str, **kwargs) -> None:
    """After `migrate` (post_migrate): the table of every cache kept in the database, where
    it is missing (`manage.py createcachetable`)."""
    call_command("createcachetable", database=using, verbosity=0)


def _triggers(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """The triggers `watch` made, read from the database: (name, table) each."""
    like = TRIGGER.replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT found.tgname, relation.relname FROM pg_trigger AS found JOIN pg_class AS "
                "relation ON relation.oid = found.tgrelid WHERE found.tgname LIKE %s ESCAPE '\\'",
                [like],
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s ESCAPE '\\'",
                [like],
            )
        return cursor.fetchall()


def unwatch(connection: BaseDatabaseWrapper) -> None:
    """Drop every trigger `watch` made: before migrations, which may rebuild a table (SQLite)
    or leave a table a trigger reads missing for a while (migrating backwards)."""
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table in _triggers(connection):
            on = f" ON {quote(table)}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}{on}")


def unwatch_sources(using: str, **kwargs) -> None:
    """Before `migrate` (pre_migrate): no triggers while the migrations run."""
    unwatch(connections[using])


def watched_tables(connection: BaseDatabaseWrapper) -> set[str]:
    """The tables that have the triggers (what `watch` made), read from the database."""
    return {table for _name, table in _triggers(connection)}


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
    fold each row once (the second's DELETE skips what the first deleted)."""
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
    total = "SUM(weight)"
    if conditions:
        total = f"SUM(CASE WHEN ({') AND ('.join(conditions)}) THEN weight ELSE 0 END)"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), {total} FROM {table}", params)
        rows, found = cursor.fetchone()
    if rows > COMPACT_AFTER:
        compact(using)
    return int(found or 0)


def _writes_may_be_pending(using: str) -> bool:
    """Whether this code may run inside a transaction that has written and not committed: the
    stamp would count its uncommitted changes, and what is built from them must not be kept
    (it might be rolled back). A test case's own transaction is not one (Django's `durable`
    check makes the same exception)."""
    return any(
        not getattr(block, "_from_testcase", False) for block in connections[using].atomic_blocks
    )


_MISSING = object()


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
    if not settings.ASSEMBLED_CACHE_SECONDS or _writes_may_be_pending(using):
        return build()
    store = caches[cache]
    if plans is not None:
        plans = sorted(set(plans))
        # The plans are part of the key: a stamp is a sum over them, and another set of plans
        # (after the plans' links changed) could come to the same sum.
        named = ",".join(map(str, plans))
        key = f"{key}:plans-{hashlib.sha256(named.encode()).hexdigest()[:16]}"
    full_key = f"{key}:{stamp(using, until=until, plans=plans)}"
    found = store.get(full_key, _MISSING)
    if found is not _MISSING:
        return found
    built = build()
    store.set(full_key, built, settings.ASSEMBLED_CACHE_SECONDS)
    return built
