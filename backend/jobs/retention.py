"""Pruning finished jobs: succeeded ones after a day, dead ones after a week or above a cap."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, and_, delete, or_, select

from backend.jobs.models import State, attempt_t, job_t, stats_t
from backend.jobs.store import Store

PRUNE_BATCH = 1_000  # rows per transaction, so pruning never holds the write lock for long
MAX_BATCHES_PER_RUN = 50
STATS_KEEP_MINUTES = 7 * 24 * 60  # per-minute history kept; the graphs show at most a day


def prune(store: Store) -> int:
    """Delete expired succeeded and dead jobs in small batches; return how many went."""
    s = store.settings
    now = store.now()
    removed = _prune_older(store, State.SUCCEEDED.value, now - s.succeeded_retention_seconds)
    removed += _prune_older(store, State.DEAD.value, now - s.dead_retention_seconds)
    removed += _prune_over_cap(store, State.DEAD.value, s.dead_max)
    _prune_stats(store, int(now // 60) - STATS_KEEP_MINUTES)
    return removed


def _prune_stats(store: Store, before_minute: int) -> None:
    with store.write() as conn:
        conn.execute(delete(stats_t).where(stats_t.c.minute >= 0, stats_t.c.minute < before_minute))


def _prune_older(store: Store, state: str, cutoff: float) -> int:
    query = (
        select(job_t.c.id)
        .where(job_t.c.state == state, job_t.c.finished_at < cutoff)
        .order_by(job_t.c.finished_at)
    )
    return _delete_batches(store, query)


def _prune_over_cap(store: Store, state: str, cap: int) -> int:
    # The newest `cap` jobs stay; the boundary is the first one past them, ties broken by id.
    with store.read() as conn:
        boundary = conn.execute(
            select(job_t.c.finished_at, job_t.c.id)
            .where(job_t.c.state == state)
            .order_by(job_t.c.finished_at.desc(), job_t.c.id.desc())
            .offset(cap)
            .limit(1)
        ).first()
    if boundary is None:
        return 0
    finished, last_id = boundary
    older = or_(
        job_t.c.finished_at < finished,
        and_(job_t.c.finished_at == finished, job_t.c.id <= last_id),
    )
    query = select(job_t.c.id).where(job_t.c.state == state, older).order_by(job_t.c.finished_at)
    return _delete_batches(store, query)


def _delete_batches(store: Store, query: Select[Any]) -> int:
    total = 0
    for _ in range(MAX_BATCHES_PER_RUN):
        with store.write() as conn:
            ids = [r[0] for r in conn.execute(query.limit(PRUNE_BATCH))]
            if not ids:
                break
            delete_jobs(conn, ids)
        total += len(ids)
        if len(ids) < PRUNE_BATCH:
            break
    return total


def delete_jobs(conn: Connection, ids: list[int]) -> int:
    """Delete jobs and their recorded attempts."""
    conn.execute(delete(attempt_t).where(attempt_t.c.job_id.in_(ids)))
    return conn.execute(delete(job_t).where(job_t.c.id.in_(ids))).rowcount
