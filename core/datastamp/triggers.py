"""The database triggers behind the data's stamp (`core.datastamp`): every INSERT, UPDATE, DELETE
or TRUNCATE of a watched table adds a row to `core_datachange` in the writing transaction, with
the last day of the rows' follow-up period, their plan and their goal where the table has them
(settings.DATASTAMP_PERIOD_MODEL, DATASTAMP_PLAN_PATHS, DATASTAMP_GOAL_PATHS).

PostgreSQL adds a row per statement (per period, plan and goal of its rows), SQLite (which has
no statement triggers) one per row.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from core.models import DataChange

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
class Path:
    """How a row finds its plan or its goal: the value of its `column`, then for each hop
    (table, key, value) the `value` of the row of `table` whose `key` is the value found so
    far."""

    column: str
    hops: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Watched:
    """A table whose changes change the stamp: any change, or with `columns` only an insert, a
    deletion or an update of one of those columns (a person's name, not their last login).
    With `periods`, each change notes the last day of the period in its `period_id`; with
    `plan` and `goal`, the plan and the goal of the row."""

    table: str
    columns: tuple[str, ...] = ()
    periods: bool = False
    plan: Path | None = None
    goal: Path | None = None


def _periods_table() -> str:
    return apps.get_model(settings.DATASTAMP_PERIOD_MODEL)._meta.db_table


def _function_name(table: str) -> str:
    """The PostgreSQL function that notes the changes of a table of periods or plans (63 bytes
    at most)."""
    name = f"{TRIGGER}_note_{table}"
    if len(name) > 63:
        name = f"{TRIGGER}_note_{hashlib.sha256(table.encode()).hexdigest()[:24]}"
    return name


def _pg_followed(connection: BaseDatabaseWrapper, path: Path, alias: str) -> tuple[str, str]:
    """The joins from the changed rows along `path`, and the value found at its end."""
    quote = connection.ops.quote_name
    found, joins = f"changed.{quote(path.column)}", ""
    for number, (table, key, value) in enumerate(path.hops, 1):
        name = f"{alias}{number}"
        joins += f" LEFT JOIN {quote(table)} AS {name} ON {name}.{quote(key)} = {found}"
        found = f"{name}.{quote(value)}"
    return joins, found


def _pg_row_function(connection: BaseDatabaseWrapper, watched: Watched) -> str:
    """The function noting, per statement, each period's last day, plan and goal among the
    rows changed (the day alone, or the plan alone, for a table of one of them)."""
    quote = connection.ops.quote_name
    columns, joins, ends_on = [], "", "NULL::date"
    plan, goal = "NULL::bigint", "NULL::bigint"
    if watched.periods:
        columns.append("period_id")
        joins = f" LEFT JOIN {quote(_periods_table())} AS period ON period.id = changed.period_id"
        ends_on = "period.ends_on"
    if watched.plan is not None:
        columns.append(watched.plan.column)
        followed, plan = _pg_followed(connection, watched.plan, "hop")
        joins += followed
    if watched.goal is not None:
        columns.append(watched.goal.column)
        followed, goal = _pg_followed(connection, watched.goal, "goal_hop")
        joins += followed
    if watched.periods:
        # A period gone meanwhile (deleted in the same statement) notes no day and no plan, a
        # plan not found no plan: the change counts for every reader.
        plan = f"CASE WHEN period.ends_on IS NULL THEN NULL ELSE {plan} END"
        goal = f"CASE WHEN period.ends_on IS NULL THEN NULL ELSE {goal} END"
    selected = ", ".join(quote(column) for column in dict.fromkeys(columns))

    def note(rows: str) -> str:
        return (
            "INSERT INTO core_datachange (weight, ends_on, plan_id, goal_id) "
            f"SELECT DISTINCT 1, {ends_on}, {plan}, {goal} "
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

    def followed(row: str, path: Path | None) -> str:
        if path is None:
            return "NULL"
        found = f"{row}.{quote(path.column)}"
        for table, key, value in path.hops:
            found = f"(SELECT {quote(value)} FROM {quote(table)} WHERE {quote(key)} = {found})"
        return found

    def note(row: str) -> str:
        plan, goal = followed(row, watched.plan), followed(row, watched.goal)
        if watched.periods:
            ends_on = f"(SELECT ends_on FROM {periods} WHERE id = {row}.period_id)"
            plan = f"CASE WHEN {ends_on} IS NULL THEN NULL ELSE {plan} END"
            goal = f"CASE WHEN {ends_on} IS NULL THEN NULL ELSE {goal} END"
        elif watched.plan is not None:
            ends_on = "NULL"
        else:
            return "INSERT INTO core_datachange (weight) VALUES (1);"
        return (
            "INSERT INTO core_datachange (weight, ends_on, plan_id, goal_id) "
            f"VALUES (1, {ends_on}, {plan}, {goal});"
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


def _path(model: type, paths: dict[str, str]) -> Path | None:
    """How a row of `model` (or a history record of it) finds what `paths` names for it (a
    path of foreign keys: "activity__goal__plan"); None if not named."""
    original = getattr(model, "instance_type", model)  # a history record's model
    path = paths.get(original._meta.label)
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
    return Path(start.column, tuple(hops))


def plan_path(model: type) -> Path | None:
    """How a row of `model` finds its plan (settings.DATASTAMP_PLAN_PATHS)."""
    return _path(model, settings.DATASTAMP_PLAN_PATHS)


def goal_path(model: type) -> Path | None:
    """How a row of `model` finds its goal (settings.DATASTAMP_GOAL_PATHS)."""
    return _path(model, settings.DATASTAMP_GOAL_PATHS)


def sources() -> list[Watched]:
    """What the stamp watches: every table of `settings.DATASTAMP_APPS` (their history records
    too: a page of changes is kept like the rest) and people's names. A table with a `period`
    of `settings.DATASTAMP_PERIOD_MODEL` notes its periods, one in
    `settings.DATASTAMP_PLAN_PATHS` its plans, one in `settings.DATASTAMP_GOAL_PATHS` its
    goals."""
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
            tables.add(
                Watched(
                    opts.db_table, periods=periods, plan=plan_path(model), goal=goal_path(model)
                )
            )
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
