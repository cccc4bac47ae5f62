"""Statements whose spelling depends on the SQL dialect, behind plain functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

from backend.jobs.models import queue_t, stats_t


def _insert(dialect: str, table: Table) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def insert_queues(conn: Connection, dialect: str, names: list[str], now: float) -> None:
    """Create queues that do not exist yet, leaving existing ones as they are."""
    stmt = _insert(dialect, queue_t).on_conflict_do_nothing(index_elements=["name"])
    conn.execute(stmt, [{"name": n, "paused": False, "created_at": now} for n in names])


def add_stats(conn: Connection, dialect: str, rows: list[dict[str, Any]]) -> None:
    """Add processed and failed counts to the per-minute rollup."""
    if not rows:
        return
    stmt = _insert(dialect, stats_t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["minute", "queue"],
        set_={
            "processed": stats_t.c.processed + stmt.excluded.processed,
            "failed": stats_t.c.failed + stmt.excluded.failed,
        },
    )
    conn.execute(stmt, rows)
