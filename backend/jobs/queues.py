"""Queues as first-class objects: create, configure, pause, resume, purge, delete."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, delete, select, update

from backend.jobs import sql
from backend.jobs.errors import Conflict, InvalidInput, NotFound
from backend.jobs.models import WAITING, State, count_t, job_t, queue_t
from backend.jobs.registry import check_name
from backend.jobs.retention import delete_jobs
from backend.jobs.store import Store

PURGE_CHUNK = 1_000


@dataclass(frozen=True)
class QueueSettings:
    """A queue's limits and retry policy; None means no limit, or the global default."""

    max_concurrency: int | None = None
    rate_limit: float | None = None
    rate_burst: int | None = None
    max_attempts: int | None = None
    min_backoff: float | None = None
    max_backoff: float | None = None
    max_retry_duration: float | None = None

    def __post_init__(self) -> None:
        _whole("max_concurrency", self.max_concurrency, 1)
        _whole("rate_burst", self.rate_burst, 1)
        _whole("max_attempts", self.max_attempts, 1)
        _number("rate_limit", self.rate_limit, positive=True)
        _number("min_backoff", self.min_backoff, positive=False)
        _number("max_backoff", self.max_backoff, positive=False)
        _number("max_retry_duration", self.max_retry_duration, positive=True)
        low, high = self.min_backoff, self.max_backoff
        if low is not None and high is not None and low > high:
            raise InvalidInput("min_backoff must not be greater than max_backoff")

    def values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


SETTING_NAMES = tuple(f.name for f in fields(QueueSettings))


def _whole(name: str, value: object, least: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= 1_000_000:
        raise InvalidInput(f"{name} must be a whole number from {least} to 1000000, or null")


def _number(name: str, value: object, positive: bool) -> None:
    if value is None:
        return
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (positive and value == 0) or value > 10 * 365 * 86400:  # type: ignore[operator]
        sign = "a positive" if positive else "a non-negative"
        raise InvalidInput(f"{name} must be {sign} number of seconds or per second, or null")


def create_queue(store: Store, name: str, settings: QueueSettings | None = None) -> dict[str, Any]:
    """Create a queue; refuse a name that exists."""
    check_name("queue", name)
    with store.write() as conn:
        if _get(conn, name) is not None:
            raise Conflict(f"queue {name!r} already exists")
        row = {"name": name, "paused": False, "created_at": store.now()}
        conn.execute(queue_t.insert().values(**row, **(settings or QueueSettings()).values()))
        store.remember_queue(name)
        return _get(conn, name)  # type: ignore[return-value]


def update_queue(store: Store, name: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some of a queue's settings; the others keep their values."""
    unknown = set(changes) - set(SETTING_NAMES)
    if unknown:
        raise InvalidInput(
            f"unknown queue setting {sorted(unknown)[0]!r}; use {', '.join(SETTING_NAMES)}"
        )
    with store.write() as conn:
        current = _ensure(conn, store, name)
        merged = QueueSettings(**{**{k: current[k] for k in SETTING_NAMES}, **changes})
        conn.execute(update(queue_t).where(queue_t.c.name == name).values(**merged.values()))
        return _get(conn, name)  # type: ignore[return-value]


def set_paused(store: Store, name: str, paused: bool) -> dict[str, Any]:
    """Pause (workers claim nothing from it) or resume a queue."""
    with store.write() as conn:
        _ensure(conn, store, name)
        conn.execute(update(queue_t).where(queue_t.c.name == name).values(paused=paused))
        return _get(conn, name)  # type: ignore[return-value]


def purge_queue(store: Store, name: str) -> int:
    """Delete every waiting (scheduled, enqueued, retrying) job of a queue; return how many."""
    check_name("queue", name)
    removed = 0
    while True:
        with store.write() as conn:
            if _get(conn, name) is None and not _has_jobs(conn, name):
                raise NotFound(f"queue {name!r} does not exist")
            ids = [
                r[0]
                for r in conn.execute(
                    select(job_t.c.id)
                    .where(job_t.c.queue == name, job_t.c.state.in_(WAITING))
                    .limit(PURGE_CHUNK)
                )
            ]
            if ids:
                removed += delete_jobs(conn, ids)
        if len(ids) < PURGE_CHUNK:
            return removed


def delete_queue(store: Store, name: str) -> int:
    """Delete a queue and all its jobs; refused while any of its jobs is processing."""
    check_name("queue", name)
    removed = 0
    while True:
        with store.write() as conn:
            if _get(conn, name) is None and not _has_jobs(conn, name):
                raise NotFound(f"queue {name!r} does not exist")
            busy = conn.execute(
                select(count_t.c.n).where(
                    count_t.c.queue == name, count_t.c.state == State.PROCESSING.value
                )
            ).scalar()
            if busy:
                raise Conflict(
                    f"queue {name!r} has {busy} processing jobs; pause it, let them finish "
                    "(or cancel them), then delete it"
                )
            ids = [
                r[0]
                for r in conn.execute(
                    select(job_t.c.id).where(job_t.c.queue == name).limit(PURGE_CHUNK)
                )
            ]
            if ids:
                removed += delete_jobs(conn, ids)
            if len(ids) < PURGE_CHUNK:
                conn.execute(delete(queue_t).where(queue_t.c.name == name))
                conn.execute(delete(count_t).where(count_t.c.queue == name))
                store.forget_queues()
                return removed


def get_queue(store: Store, name: str) -> dict[str, Any]:
    check_name("queue", name)
    with store.read() as conn:
        row = _get(conn, name)
    if row is None:
        raise NotFound(f"queue {name!r} does not exist")
    return row


def list_queues(store: Store) -> list[dict[str, Any]]:
    """Every queue with its settings, including queues known only from their jobs."""
    with store.read() as conn:
        rows = {r["name"]: dict(r) for r in conn.execute(select(queue_t)).mappings()}
        implicit = conn.execute(select(count_t.c.queue).where(count_t.c.n > 0).distinct())
        for (name,) in implicit:
            rows.setdefault(
                name,
                {"name": name, "paused": False, "created_at": None, **QueueSettings().values()},
            )
    return [rows[k] for k in sorted(rows)]


def _get(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(queue_t).where(queue_t.c.name == name)).mappings().first()
    return dict(row) if row else None


def _has_jobs(conn: Connection, name: str) -> bool:
    stmt = select(count_t.c.n).where(count_t.c.queue == name, count_t.c.n > 0).limit(1)
    return conn.execute(stmt).first() is not None


def _ensure(conn: Connection, store: Store, name: str) -> dict[str, Any]:
    # A queue that has jobs but no row (its jobs came first) gets its row on first change.
    check_name("queue", name)
    row = _get(conn, name)
    if row is None:
        if not _has_jobs(conn, name):
            raise NotFound(f"queue {name!r} does not exist")
        sql.insert_queues(conn, store.dialect, [name], store.now())
        row = _get(conn, name)
    return row  # type: ignore[return-value]
