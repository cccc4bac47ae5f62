"""Creating the schema on first use and migrating an older store forward.

The version lives in `roost_meta`. A new store gets the current schema at once; an older one
runs each migration from its version up, all inside the caller's write transaction, so two
processes opening the same file at once cannot both create or migrate it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table, select
from sqlalchemy.schema import CreateColumn
from sqlmodel import SQLModel

from backend.jobs import models
from backend.jobs.errors import SchemaError

SCHEMA_VERSION = 2

# Inserts are counted by the enqueue code, one row per queue and state for a whole batch: a
# per-row insert trigger made bulk enqueue three times slower. Updates and deletes, which come
# from many places, are counted here so that no code path can forget them.
_SQLITE_COUNT_TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS job_count_delete AFTER DELETE ON job BEGIN
      UPDATE job_count SET n = n - 1 WHERE queue = OLD.queue AND state = OLD.state;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS job_count_update AFTER UPDATE OF state, queue ON job
    WHEN OLD.state IS NOT NEW.state OR OLD.queue IS NOT NEW.queue BEGIN
      UPDATE job_count SET n = n - 1 WHERE queue = OLD.queue AND state = OLD.state;
      INSERT INTO job_count (queue, state, n) VALUES (NEW.queue, NEW.state, 1)
      ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
    END
    """,
]


def _create(conn: Connection, dialect: str) -> None:
    SQLModel.metadata.create_all(conn, tables=_tables())
    for ddl in _SQLITE_COUNT_TRIGGERS:
        conn.exec_driver_sql(ddl)


def _v2_queue_limits_schedules_kinds(conn: Connection, dialect: str) -> None:
    """Version 2: rate-limit buckets on queues, schedules, the jobs' schedule, workers' kinds,
    and job ids that are never reused."""
    _add_columns(conn, models.queue_t, "rate_tokens", "rate_refilled_at")
    _add_columns(conn, models.worker_t, "kinds")
    _rebuild_job_table(conn)
    models.schedule_t.create(conn)


def _rebuild_job_table(conn: Connection) -> None:
    # SQLite cannot switch a table to AUTOINCREMENT in place: copy the rows into a new table.
    for trigger in ("job_count_delete", "job_count_update"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    old_indexes = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master"
        " WHERE type = 'index' AND tbl_name = 'job' AND sql IS NOT NULL"
    ).scalars()
    for name in list(old_indexes):
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    conn.exec_driver_sql("ALTER TABLE job RENAME TO job_before_v2")
    columns = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(job_before_v2)")]
    models.job_t.create(conn)
    names = ", ".join(f'"{c}"' for c in columns)
    conn.exec_driver_sql(f"INSERT INTO job ({names}) SELECT {names} FROM job_before_v2")
    conn.exec_driver_sql("DROP TABLE job_before_v2")
    for ddl in _SQLITE_COUNT_TRIGGERS:
        conn.exec_driver_sql(ddl)


# Upgrades, by the version they produce. Each runs once, in order, on a store found older.
MIGRATIONS: dict[int, Callable[[Connection, str], None]] = {2: _v2_queue_limits_schedules_kinds}


def ensure_schema(conn: Connection, dialect: str) -> int:
    """Bring the store to SCHEMA_VERSION; return the version found before."""
    models.meta_t.create(conn, checkfirst=True)
    row = conn.execute(
        select(models.meta_t.c.value).where(models.meta_t.c.key == "schema_version")
    ).first()
    found = int(row[0]) if row else 0
    if found > SCHEMA_VERSION:
        raise SchemaError(
            f"the store has schema version {found}, newer than this Roost's {SCHEMA_VERSION}; "
            "upgrade Roost"
        )
    if found == 0:
        _create(conn, dialect)
        _set_version(conn, SCHEMA_VERSION, insert=True)
        return found
    for version in range(found + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version](conn, dialect)
        _set_version(conn, version, insert=False)
    return found


def _add_columns(conn: Connection, table: Table, *names: str) -> None:
    # The column definitions come from the models, so a migrated store matches a new one.
    for name in names:
        definition = CreateColumn(table.c[name]).compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {definition}")


def _set_version(conn: Connection, version: int, insert: bool) -> None:
    meta = models.meta_t
    if insert:
        conn.execute(meta.insert().values(key="schema_version", value=str(version)))
    else:
        conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(version)))


def _tables() -> list:
    return [
        models.job_t,
        models.attempt_t,
        models.queue_t,
        models.worker_t,
        models.schedule_t,
        models.stats_t,
        models.count_t,
    ]
