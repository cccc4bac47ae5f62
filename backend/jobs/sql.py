"""Statements whose spelling depends on the SQL dialect, and the raw path for hot inserts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

from backend.jobs.models import TOTAL_MINUTE, count_t, queue_t, stats_t


def _insert(dialect: str, table: Table) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def _binds(*names: str) -> dict[str, Any]:
    return {n: bindparam(n) for n in names}


def insert_queues_stmt(dialect: str) -> Any:
    """Create queues that do not exist yet, leaving existing ones as they are."""
    stmt = _insert(dialect, queue_t).values(_binds("name", "paused", "created_at"))
    return stmt.on_conflict_do_nothing(index_elements=["name"])


def insert_queues(conn: Connection, dialect: str, names: list[str], now: float) -> None:
    rows = [{"name": n, "paused": False, "created_at": now} for n in names]
    conn.execute(insert_queues_stmt(dialect), rows)


def add_counts_stmt(dialect: str) -> Any:
    """Add to the maintained job counts per queue and state."""
    stmt = _insert(dialect, count_t).values(_binds("queue", "state", "n"))
    return stmt.on_conflict_do_update(
        index_elements=["queue", "state"], set_={"n": count_t.c.n + stmt.excluded.n}
    )


def count_rows(pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Rows for add_counts_stmt from (queue, state) pairs, one per new job."""
    return [{"queue": q, "state": s, "n": n} for (q, s), n in Counter(pairs).items()]


def add_stats_stmt(dialect: str) -> Any:
    """Add processed and failed counts to the per-minute rollup."""
    stmt = _insert(dialect, stats_t).values(_binds("minute", "queue", "processed", "failed"))
    return stmt.on_conflict_do_update(
        index_elements=["minute", "queue"],
        set_={
            "processed": stats_t.c.processed + stmt.excluded.processed,
            "failed": stats_t.c.failed + stmt.excluded.failed,
        },
    )


class RawStatement:
    """A Core statement compiled once per dialect and run straight on a DBAPI cursor.

    Used on the hot paths (enqueue, claim, finish), where SQLAlchemy's per-statement cost
    would dwarf the database's own: enqueueing one job costs a fifth as much this way.
    """

    def __init__(self, build: Callable[[str], ClauseElement]) -> None:
        self._build = build
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _get(self, dialect: Dialect) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        hit = self._compiled.get(dialect.name)
        if hit is None:
            compiled = self._build(dialect.name).compile(dialect=dialect)
            names = getattr(compiled, "positiontup", None)
            hit = (str(compiled), tuple(names) if names is not None else None, compiled.params)
            self._compiled[dialect.name] = hit
        return hit

    def params(self, dialect: Dialect, row: dict[str, Any]) -> Any:
        _, names, defaults = self._get(dialect)
        if names is None:
            return {**defaults, **row}
        return [row[n] if n in row else defaults[n] for n in names]

    def sql(self, dialect: Dialect) -> str:
        return self._get(dialect)[0]


class Cursor:
    """A DBAPI cursor plus the dialect its raw statements are compiled for."""

    def __init__(self, cur: Any, dialect: Dialect) -> None:
        self.cur = cur
        self.dialect = dialect

    def run(self, stmt: RawStatement, **params: Any) -> Any:
        self.cur.execute(stmt.sql(self.dialect), stmt.params(self.dialect, params))
        return self.cur

    def many(self, stmt: RawStatement, rows: list[dict[str, Any]]) -> None:
        if rows:
            values = [stmt.params(self.dialect, r) for r in rows]
            self.cur.executemany(stmt.sql(self.dialect), values)

    def rows(self, stmt: RawStatement, **params: Any) -> list[dict[str, Any]]:
        cur = self.run(stmt, **params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def scalar(self, stmt: RawStatement, **params: Any) -> Any:
        row = self.run(stmt, **params).fetchone()
        return None if row is None else row[0]

    def rowcount(self, stmt: RawStatement, **params: Any) -> int:
        return int(self.run(stmt, **params).rowcount)

    def execute_text(self, sql: str) -> Any:
        self.cur.execute(sql)
        return self.cur


def one_of(column: Any, values: Iterable[str]) -> Any:
    """`column IN ('a', 'b')` written inline, for fixed sets of our own constants (states).

    SQLite uses a partial index (such as `ix_job_due`) only when it can see that the query's
    condition implies the index's, which it cannot do through bound parameters.
    """
    return column.in_([literal_column(f"'{v}'") for v in values])


def id_in(column: Any, dialect: str, name: str = "ids") -> Any:
    """`column IN <a list bound as one parameter>`, so the statement compiles once."""
    if dialect == "postgresql":
        return column == func.any(bindparam(name))
    return column.in_(select(literal_column("value")).select_from(func.json_each(bindparam(name))))


def ids_value(dialect: Dialect, ids: Iterable[int]) -> Any:
    return list(ids) if dialect.name == "postgresql" else json.dumps(list(ids))


ADD_STATS = RawStatement(add_stats_stmt)


def add_stats_raw(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Add to each queue's minute, and to its all-time row (minute TOTAL_MINUTE)."""
    if rows:
        totals = [{**r, "minute": TOTAL_MINUTE} for r in rows]
        cur.many(ADD_STATS, rows + totals)
