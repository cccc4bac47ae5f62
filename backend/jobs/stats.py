"""Numbers for the dashboard: jobs per state and queue, throughput per minute, busy slots.

Every count comes from the `job_count` table the triggers keep, corrected by the few scheduled
and retrying jobs whose time has come but which no worker has promoted yet (read through the
partial index `ix_job_due`). Nothing here scans the job table, so a tick stays cheap at
millions of jobs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from backend.jobs.models import STATES, TOTAL_MINUTE, State, count_t, job_t, stats_t, worker_t
from backend.jobs.sql import one_of
from backend.jobs.store import Store

HISTORY_MINUTES = 24 * 60
DUE_STATES = (State.SCHEDULED.value, State.RETRYING.value)


def waiting_for_time() -> ColumnElement[bool]:
    """`state IN ('scheduled', 'retrying')`, spelled so SQLite can use the partial index."""
    return one_of(job_t.c.state, DUE_STATES)


def visible_counts(conn: Connection, now: float) -> dict[str, dict[str, int]]:
    """Jobs per queue and state as a person sees them (due waiting jobs count as enqueued)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    for queue, state, n in conn.execute(select(count_t.c.queue, count_t.c.state, count_t.c.n)):
        if state in STATES:
            counts[queue][state] += n
    due = (
        select(job_t.c.queue, job_t.c.state, func.count())
        .where(waiting_for_time(), job_t.c.run_at <= now)
        .group_by(job_t.c.queue, job_t.c.state)
    )
    for queue, state, n in conn.execute(due):
        counts[queue][state] -= n
        counts[queue][State.ENQUEUED.value] += n
    return {q: c for q, c in sorted(counts.items()) if any(c.values())}


def live_workers_since(store: Store, now: float) -> float:
    """Workers whose last heartbeat is older than this are taken for gone."""
    return now - store.settings.lease_seconds


def collect(store: Store) -> dict[str, Any]:
    """One snapshot of every number the dashboard's overview shows; times are epoch seconds."""
    now = store.now()
    with store.read() as conn:
        queues = visible_counts(conn, now)
        totals = _totals(conn)
        history = _history(conn, int(now // 60))
        slots = _slots(conn, live_workers_since(store, now))
    counts = dict.fromkeys(STATES, 0)
    for per_state in queues.values():
        for state, n in per_state.items():
            counts[state] += n
    # Busy slots are the processing jobs, the same number the Busy counter shows; the
    # workers' own reports lag by up to a heartbeat.
    slots["busy_slots"] = counts[State.PROCESSING.value]
    return {
        "now": now,
        "counts": counts,
        "queues": queues,
        "processed": totals[0],
        "failed": totals[1],
        "history": history,
        **slots,
    }


def _totals(conn: Connection) -> tuple[int, int]:
    row = conn.execute(
        select(
            func.coalesce(func.sum(stats_t.c.processed), 0),
            func.coalesce(func.sum(stats_t.c.failed), 0),
        ).where(stats_t.c.minute == TOTAL_MINUTE)
    ).one()
    return int(row[0]), int(row[1])


def _history(conn: Connection, minute: int) -> dict[str, Any]:
    first = minute - HISTORY_MINUTES + 1
    processed = [0] * HISTORY_MINUTES
    failed = [0] * HISTORY_MINUTES
    rows = conn.execute(
        select(stats_t.c.minute, func.sum(stats_t.c.processed), func.sum(stats_t.c.failed))
        .where(stats_t.c.minute >= first, stats_t.c.minute <= minute)
        .group_by(stats_t.c.minute)
    )
    for at, p, f in rows:
        processed[at - first] = int(p)
        failed[at - first] = int(f)
    return {"start": first * 60.0, "step_seconds": 60, "processed": processed, "failed": failed}


def _slots(conn: Connection, since: float) -> dict[str, int]:
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(worker_t.c.busy), 0),
            func.coalesce(func.sum(worker_t.c.slots), 0),
        ).where(worker_t.c.heartbeat_at >= since)
    ).one()
    return {"busy_slots": int(row[1]), "total_slots": int(row[2]), "workers": int(row[0])}
