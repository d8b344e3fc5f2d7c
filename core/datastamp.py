"""The data's stamp: a number that grows with every committed change to the tables watched, so
that what is assembled from them can be kept and used again until they change (`kept`).

Database triggers keep it, not the code that writes: every INSERT, UPDATE, DELETE or TRUNCATE
of a watched table adds a row to `core_datachange` in the writing transaction, whether a
service, an import's bulk insert, a queryset update, a migration or a person in psql wrote.
The stamp is the sum of that log's weights. A transaction's rows count once it commits, and
only then.

The log is a row per change rather than one counter row: a counter row would stay locked by
each writing transaction until it commits, so one long import would hold up every other write
to its tables. Inserts never wait for each other. `compact` folds the log into one row of the
same sum, so the stamp never goes back.

PostgreSQL adds a row per statement, SQLite (which has no statement triggers) one per row.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Sum

from core.models import DataChange

T = TypeVar("T")

# How many rows the log may reach before `stamp` folds it into one.
COMPACT_AFTER = 1000

TRIGGER = "core_datachange"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_datachange_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_datachange (weight) VALUES (1);
    RETURN NULL;
END $$
"""


@dataclass(frozen=True)
class Watched:
    """A table whose changes change the stamp: any change, or with `columns` only an insert, a
    deletion or an update of one of those columns (a person's name, not their last login)."""

    table: str
    columns: tuple[str, ...] = ()


def _postgresql(connection: BaseDatabaseWrapper, watched: Watched) -> list[str]:
    quote = connection.ops.quote_name
    update = "UPDATE"
    if watched.columns:
        update += " OF " + ", ".join(quote(column) for column in watched.columns)
    return [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(watched.table)}",
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR DELETE OR TRUNCATE OR {update} "
        f"ON {quote(watched.table)} FOR EACH STATEMENT EXECUTE FUNCTION core_datachange_note()",
    ]


def _sqlite(connection: BaseDatabaseWrapper, watched: Watched) -> list[str]:
    quote = connection.ops.quote_name
    statements = []
    for event in ("INSERT", "DELETE", "UPDATE"):
        name = quote(f"{TRIGGER}_{watched.table}_{event.lower()}")
        when = event
        if event == "UPDATE" and watched.columns:
            when += " OF " + ", ".join(quote(column) for column in watched.columns)
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {when} ON {quote(watched.table)} "
            "BEGIN INSERT INTO core_datachange (weight) VALUES (1); END",
        ]
    return statements


def watch(connection: BaseDatabaseWrapper, tables: Iterable[Watched]) -> None:
    """Create (or create again) the triggers that note every change of these tables."""
    if connection.vendor == "postgresql":
        statements = [_PG_FUNCTION]
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


def sources() -> list[Watched]:
    """What the stamp watches: every table of `settings.DATASTAMP_APPS` (their history records
    aside) and people's names."""
    tables = set()
    for label in settings.DATASTAMP_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            opts = model._meta
            if opts.proxy or not opts.managed or hasattr(model, "instance_type"):
                continue  # instance_type: a django-simple-history record of another model
            tables.add(Watched(opts.db_table))
    person = apps.get_model(settings.AUTH_USER_MODEL)._meta
    tables.add(Watched(person.db_table, PERSON_COLUMNS))
    return sorted(tables, key=lambda watched: watched.table)


def watch_sources(using: str, **kwargs) -> None:
    """After `migrate` (post_migrate): the triggers on every source table, so a table added
    later is watched as soon as it exists (one a partial migrate has not made yet aside)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    watch(connection, [watched for watched in sources() if watched.table in existing])


def watched_tables(connection: BaseDatabaseWrapper) -> set[str]:
    """The tables that have the triggers (what `watch` made), read from the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name = %s",
                [TRIGGER],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s ESCAPE '\\'",
                [f"{TRIGGER}\\_%"],
            )
        return {table for (table,) in cursor.fetchall()}


def compact(using: str = DEFAULT_DB_ALIAS) -> None:
    """Fold the log into one row of the same sum. A change not yet committed is not seen and
    so not folded: it counts when it commits, as before. Two at once fold each row once (the
    second's DELETE skips what the first deleted)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_datachange RETURNING weight")
        total = sum(weight for (weight,) in cursor.fetchall())
        if total:
            DataChange.objects.using(using).create(weight=total)


def stamp(using: str = DEFAULT_DB_ALIAS) -> int:
    """The number of committed changes to the watched tables so far (folding the log when it
    has grown long)."""
    counted = DataChange.objects.using(using).aggregate(rows=Count("pk"), total=Sum("weight"))
    if counted["rows"] > COMPACT_AFTER:
        compact(using)
    return counted["total"] or 0


def _writes_may_be_pending(using: str) -> bool:
    """Whether this code may run inside a transaction that has written and not committed: the
    stamp would count its uncommitted changes, and what is built from them must not be kept
    (it might be rolled back). A test case's own transaction is not one (Django's `durable`
    check makes the same exception)."""
    return any(
        not getattr(block, "_from_testcase", False) for block in connections[using].atomic_blocks
    )


_MISSING = object()


def kept[T](key: str, build: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """What `build()` returns, kept in the "assembled" cache under `key` and the stamp: built
    again once a watched table has changed. `key` must name everything else the result
    depends on (its objects, the language, the day).

    The stamp is read before `build` reads the data, so a result is never kept under a stamp
    newer than its data. Inside a transaction, and with `ASSEMBLED_CACHE_SECONDS` 0, it is
    built every time.
    """
    if not settings.ASSEMBLED_CACHE_SECONDS or _writes_may_be_pending(using):
        return build()
    from django.core.cache import caches

    cache = caches["assembled"]
    full_key = f"{key}:{stamp(using)}"
    found = cache.get(full_key, _MISSING)
    if found is not _MISSING:
        return found
    built = build()
    cache.set(full_key, built, settings.ASSEMBLED_CACHE_SECONDS)
    return built
