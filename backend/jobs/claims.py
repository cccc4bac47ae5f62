"""The worker's statements: claim, finish, hand back, heartbeat and rescue.

Each runs inside the caller's write transaction and is guarded by the state it expects, so a
worker whose lease was taken over, or a person who killed a job meanwhile, always wins cleanly.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, delete, func, select, update

from backend.jobs import sql
from backend.jobs.models import State, attempt_t, count_t, job_t, queue_t, worker_t
from backend.jobs.retry import RetryPolicy, after_failure

CLAIM_COLUMNS = (
    job_t.c.id,
    job_t.c.kind,
    job_t.c.queue,
    job_t.c.args,
    job_t.c.priority,
    job_t.c.attempt,
    job_t.c.max_attempts,
    job_t.c.timeout,
    job_t.c.run_at,
    job_t.c.first_started_at,
    job_t.c.min_backoff,
    job_t.c.max_backoff,
    job_t.c.max_retry_duration,
)
DUE_STATES = (State.SCHEDULED.value, State.RETRYING.value)
LEASE_LAPSED = "LeaseExpired"


@dataclass
class Outcome:
    """How one claimed job's attempt ended, as the worker reports it to the store."""

    job: dict[str, Any]
    status: str  # succeeded | failed | cancelled
    started_at: float
    finished_at: float
    error_class: str = ""
    error_message: str = ""
    traceback: str = ""


@dataclass
class FinishReport:
    """What `finish` wrote: the new state per job id, and the ids that were no longer ours."""

    states: dict[int, str] = field(default_factory=dict)
    lost: list[int] = field(default_factory=list)


def promote_due(conn: Connection, now: float) -> int:
    """Turn scheduled and retrying jobs whose time has come into enqueued ones."""
    stmt = (
        update(job_t)
        .where(job_t.c.state.in_(DUE_STATES), job_t.c.run_at <= now)
        .values(state=State.ENQUEUED.value)
    )
    return conn.execute(stmt).rowcount


def queue_settings(conn: Connection) -> dict[str, dict[str, Any]]:
    return {r["name"]: dict(r) for r in conn.execute(select(queue_t)).mappings()}


def queues_with_work(conn: Connection, queues: list[str] | None) -> dict[str, int]:
    """Enqueued and processing counts per queue that has enqueued jobs, from the counters."""
    stmt = select(count_t.c.queue, count_t.c.state, count_t.c.n).where(
        count_t.c.state.in_((State.ENQUEUED.value, State.PROCESSING.value)), count_t.c.n > 0
    )
    if queues:
        stmt = stmt.where(count_t.c.queue.in_(queues))
    ready: dict[str, int] = {}
    busy: dict[str, int] = defaultdict(int)
    for queue, state, n in conn.execute(stmt):
        if state == State.ENQUEUED.value:
            ready[queue] = n
        else:
            busy[queue] = n
    return {q: busy[q] for q in ready}


def has_work(conn: Connection, queues: list[str] | None, now: float) -> bool:
    """A cheap read: is anything enqueued, or due, that this worker might claim?"""
    if queues_with_work(conn, queues):
        return True
    due = select(job_t.c.id).where(job_t.c.state.in_(DUE_STATES), job_t.c.run_at <= now)
    if queues:
        due = due.where(job_t.c.queue.in_(queues))
    return conn.execute(due.limit(1)).first() is not None


def next_due(conn: Connection) -> float | None:
    """The earliest run_at of any scheduled or retrying job."""
    stmt = select(func.min(job_t.c.run_at)).where(job_t.c.state.in_(DUE_STATES))
    return conn.execute(stmt).scalar()


def claim(
    conn: Connection,
    worker_id: str,
    queues: list[str] | None,
    limit: int,
    now: float,
    lease_seconds: float,
    rotate: int = 0,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Claim up to `limit` due jobs, by priority then age, from queues that are not paused."""
    promote_due(conn, now)
    settings = queue_settings(conn)
    candidates = queues_with_work(conn, queues)
    names = sorted(candidates)
    if names:
        shift = rotate % len(names)
        names = names[shift:] + names[:shift]
    claimed: list[dict[str, Any]] = []
    for name in names:
        if len(claimed) >= limit:
            break
        room = _room_in_queue(settings.get(name), candidates[name], limit - len(claimed))
        if room > 0:
            claimed.extend(_claim_from(conn, worker_id, name, room, now, lease_seconds))
    claimed.sort(key=lambda j: (-j["priority"], j["run_at"], j["id"]))
    return claimed, settings


def _room_in_queue(setting: dict[str, Any] | None, processing: int, wanted: int) -> int:
    if setting is None:
        return wanted
    if setting["paused"]:
        return 0
    cap = setting["max_concurrency"]
    return wanted if cap is None else max(0, min(wanted, cap - processing))


def _claim_from(
    conn: Connection, worker_id: str, queue: str, limit: int, now: float, lease: float
) -> list[dict[str, Any]]:
    ids = (
        select(job_t.c.id)
        .where(job_t.c.state == State.ENQUEUED.value, job_t.c.queue == queue)
        .order_by(job_t.c.priority.desc(), job_t.c.run_at, job_t.c.id)
        .limit(limit)
        .scalar_subquery()
    )
    stmt = (
        update(job_t)
        .where(job_t.c.id.in_(ids), job_t.c.state == State.ENQUEUED.value)
        .values(
            state=State.PROCESSING.value,
            worker_id=worker_id,
            attempt=job_t.c.attempt + 1,
            started_at=now,
            first_started_at=func.coalesce(job_t.c.first_started_at, now),
            finished_at=None,
            lease_until=now + lease,
            cancel_requested=False,
        )
        .returning(*CLAIM_COLUMNS)
    )
    return [dict(r) for r in conn.execute(stmt).mappings()]


def finish(
    conn: Connection,
    dialect: str,
    worker_id: str,
    outcomes: list[Outcome],
    now: float,
    default_attempts: int,
    settings: dict[str, dict[str, Any]],
    rng: random.Random | None = None,
) -> FinishReport:
    """Write each outcome, but only for jobs this worker still holds."""
    report = FinishReport()
    done = [o for o in outcomes if o.status == State.SUCCEEDED.value]
    _finish_succeeded(conn, worker_id, done, now, report)
    for outcome in outcomes:
        if outcome.status != State.SUCCEEDED.value:
            _finish_unsuccessful(
                conn, worker_id, outcome, now, default_attempts, settings, rng, report
            )
    sql.add_stats(conn, dialect, _stats_rows(outcomes, report, now))
    return report


def _finish_succeeded(
    conn: Connection, worker_id: str, done: list[Outcome], now: float, report: FinishReport
) -> None:
    if not done:
        return
    ids = [o.job["id"] for o in done]
    stmt = (
        update(job_t)
        .where(
            job_t.c.id.in_(ids),
            job_t.c.state == State.PROCESSING.value,
            job_t.c.worker_id == worker_id,
        )
        .values(state=State.SUCCEEDED.value, finished_at=now, lease_until=None)
        .returning(job_t.c.id)
    )
    written = {r[0] for r in conn.execute(stmt)}
    for job_id in ids:
        if job_id in written:
            report.states[job_id] = State.SUCCEEDED.value
        else:
            report.lost.append(job_id)


def _finish_unsuccessful(
    conn: Connection,
    worker_id: str,
    outcome: Outcome,
    now: float,
    default_attempts: int,
    settings: dict[str, dict[str, Any]],
    rng: random.Random | None,
    report: FinishReport,
) -> None:
    job = outcome.job
    if outcome.status == State.CANCELLED.value:
        state, run_at = State.CANCELLED.value, now
    else:
        policy = RetryPolicy.resolve(job, settings.get(job["queue"]), default_attempts)
        state, run_at = after_failure(job["attempt"], job["first_started_at"], now, policy, rng)
    error = f"{outcome.error_class}: {outcome.error_message}"
    stmt = (
        update(job_t)
        .where(
            job_t.c.id == job["id"],
            job_t.c.state == State.PROCESSING.value,
            job_t.c.worker_id == worker_id,
        )
        .values(state=state, run_at=run_at, finished_at=now, lease_until=None, error=error)
    )
    if conn.execute(stmt).rowcount != 1:
        report.lost.append(job["id"])
        return
    report.states[job["id"]] = state
    record_attempt(conn, job["id"], job["attempt"], worker_id, outcome)


def record_attempt(
    conn: Connection, job_id: int, attempt: int, worker_id: str | None, outcome: Outcome
) -> None:
    conn.execute(
        attempt_t.insert().values(
            job_id=job_id,
            attempt=attempt,
            worker_id=worker_id,
            started_at=outcome.started_at,
            finished_at=outcome.finished_at,
            outcome=outcome.status,
            error_class=outcome.error_class,
            error_message=outcome.error_message,
            traceback=outcome.traceback,
        )
    )


def _stats_rows(outcomes: list[Outcome], report: FinishReport, now: float) -> list[dict[str, Any]]:
    minute = int(now // 60)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for outcome in outcomes:
        if outcome.job["id"] not in report.states:
            continue
        entry = counts[outcome.job["queue"]]
        entry[0] += 1
        if outcome.status == "failed":
            entry[1] += 1
    return [
        {"minute": minute, "queue": q, "processed": p, "failed": f} for q, (p, f) in counts.items()
    ]


def hand_back(conn: Connection, worker_id: str, ids: list[int]) -> int:
    """Return unfinished jobs to the queue without spending an attempt."""
    if not ids:
        return 0
    stmt = (
        update(job_t)
        .where(
            job_t.c.id.in_(ids),
            job_t.c.state == State.PROCESSING.value,
            job_t.c.worker_id == worker_id,
        )
        .values(
            state=State.ENQUEUED.value,
            attempt=job_t.c.attempt - 1,
            worker_id=None,
            lease_until=None,
            started_at=None,
        )
    )
    return conn.execute(stmt).rowcount


def register_worker(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(delete(worker_t).where(worker_t.c.id == row["id"]))
    conn.execute(worker_t.insert().values(**row))


def unregister_worker(conn: Connection, worker_id: str) -> None:
    conn.execute(delete(worker_t).where(worker_t.c.id == worker_id))


def heartbeat(
    conn: Connection, worker: dict[str, Any], busy: int, now: float, lease: float
) -> list[int]:
    """Keep this worker's row and leases alive; return ids someone asked to cancel."""
    stmt = update(worker_t).where(worker_t.c.id == worker["id"])
    if conn.execute(stmt.values(heartbeat_at=now, busy=busy)).rowcount == 0:
        register_worker(conn, {**worker, "heartbeat_at": now, "busy": busy})
    mine = and_(job_t.c.state == State.PROCESSING.value, job_t.c.worker_id == worker["id"])
    conn.execute(update(job_t).where(mine).values(lease_until=now + lease))
    wanted = select(job_t.c.id).where(mine, job_t.c.cancel_requested.is_(True))
    return [r[0] for r in conn.execute(wanted)]


def rescue(
    conn: Connection,
    dialect: str,
    now: float,
    default_attempts: int,
    rng: random.Random | None = None,
) -> list[tuple[dict[str, Any], str]]:
    """Take back jobs whose lease lapsed: retrying, or dead when no attempts are left."""
    lapsed_rows = conn.execute(
        select(*CLAIM_COLUMNS, job_t.c.worker_id, job_t.c.started_at, job_t.c.lease_until).where(
            job_t.c.state == State.PROCESSING.value, job_t.c.lease_until < now
        )
    ).mappings()
    lapsed = [dict(r) for r in lapsed_rows]
    if not lapsed:
        return []
    settings = queue_settings(conn)
    rescued = []
    for job in lapsed:
        outcome = Outcome(
            job=job,
            status="failed",
            started_at=job["started_at"] or now,
            finished_at=now,
            error_class=LEASE_LAPSED,
            error_message=(
                f"worker {job['worker_id']} stopped renewing its lease; "
                "the process probably crashed or was killed"
            ),
        )
        report = FinishReport()
        _finish_unsuccessful(
            conn, job["worker_id"], outcome, now, default_attempts, settings, rng, report
        )
        if job["id"] in report.states:
            rescued.append((job, report.states[job["id"]]))
    sql.add_stats(
        conn,
        dialect,
        [
            {"minute": int(now // 60), "queue": j["queue"], "processed": 1, "failed": 1}
            for j, _ in rescued
        ],
    )
    return rescued


def prune_workers(conn: Connection, older_than: float) -> int:
    """Forget worker rows whose heartbeat stopped long ago."""
    return conn.execute(delete(worker_t).where(worker_t.c.heartbeat_at < older_than)).rowcount


def parse_args(raw: str) -> Any:
    return json.loads(raw)
