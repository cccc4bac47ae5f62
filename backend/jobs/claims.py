"""The worker's statements: claim, finish, hand back, heartbeat and rescue.

Each runs inside the caller's write transaction and is guarded by the state it expects, so a
worker whose lease was taken over, or a person who killed a job meanwhile, always wins cleanly.
They are compiled once and run on a raw cursor: this is the path every job takes twice.

Queue limits hold across every worker because they are read and spent in the claim's own
write transaction: max_concurrency against the maintained processing count, and rate_limit
against a token bucket kept in the queue's row (refilled by elapsed time, spent per claim).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, literal_column, select, update

from backend.jobs import sql
from backend.jobs.models import State, attempt_t, count_t, job_t, queue_t, worker_t
from backend.jobs.retry import RetryPolicy, after_failure
from backend.jobs.sql import Cursor, RawStatement

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
P = bindparam
PROCESSING = State.PROCESSING.value


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
class Claim:
    """What `claim` took, the queue settings it read, and when a rate limit lets more through."""

    jobs: list[dict[str, Any]]
    settings: dict[str, dict[str, Any]]
    wake_at: float | None = None  # the earliest time a rate-limited queue has a token again


@dataclass
class FinishReport:
    """What `finish` wrote: the new state per job id, and the ids that were no longer ours."""

    states: dict[int, str] = field(default_factory=dict)
    lost: list[int] = field(default_factory=list)


def _mine(worker: str = "worker") -> Any:
    return and_(job_t.c.state == PROCESSING, job_t.c.worker_id == P(worker))


PROMOTE = RawStatement(
    lambda d: (
        update(job_t)
        .where(sql.one_of(job_t.c.state, DUE_STATES), job_t.c.run_at <= P("now"))
        .values(state=State.ENQUEUED.value)
    )
)
QUEUE_SETTINGS = RawStatement(lambda d: select(queue_t))
READY_COUNTS = RawStatement(
    lambda d: select(count_t.c.queue, count_t.c.state, count_t.c.n).where(
        sql.one_of(count_t.c.state, (State.ENQUEUED.value, PROCESSING)), count_t.c.n > 0
    )
)
ANY_DUE = RawStatement(
    lambda d: (
        select(job_t.c.id)
        .where(sql.one_of(job_t.c.state, DUE_STATES), job_t.c.run_at <= P("now"))
        .limit(1)
    )
)
NEXT_DUE = RawStatement(
    lambda d: select(func.min(job_t.c.run_at)).where(sql.one_of(job_t.c.state, DUE_STATES))
)


def _claim_stmt(_dialect: str) -> Any:
    ids = (
        select(job_t.c.id)
        .where(job_t.c.state == State.ENQUEUED.value, job_t.c.queue == P("queue"))
        .order_by(job_t.c.priority.desc(), job_t.c.run_at, job_t.c.id)
        .limit(P("limit"))
        .scalar_subquery()
    )
    return (
        update(job_t)
        .where(job_t.c.id.in_(ids), job_t.c.state == State.ENQUEUED.value)
        .values(
            state=PROCESSING,
            worker_id=P("worker"),
            attempt=job_t.c.attempt + 1,
            started_at=P("now"),
            first_started_at=func.coalesce(job_t.c.first_started_at, P("now")),
            finished_at=None,
            lease_until=P("lease_until"),
            cancel_requested=False,
        )
        .returning(*CLAIM_COLUMNS)
    )


CLAIM = RawStatement(_claim_stmt)
SPEND_TOKENS = RawStatement(
    lambda d: (
        update(queue_t)
        .where(queue_t.c.name == P("queue"))
        .values(rate_tokens=P("tokens"), rate_refilled_at=P("now"))
    )
)
SUCCEED = RawStatement(
    lambda d: (
        update(job_t)
        .where(sql.id_in(job_t.c.id, d), _mine())
        .values(state=State.SUCCEEDED.value, finished_at=P("now"), lease_until=None)
        .returning(job_t.c.id)
    )
)
FAIL = RawStatement(
    lambda d: (
        update(job_t)
        .where(job_t.c.id == P("id"), _mine())
        .values(
            state=P("state"),
            run_at=P("run_at"),
            finished_at=P("now"),
            lease_until=None,
            error=P("error"),
        )
    )
)
RECORD_ATTEMPT = RawStatement(
    lambda d: attempt_t.insert().values(
        {
            c: P(c)
            for c in (
                "job_id",
                "attempt",
                "worker_id",
                "started_at",
                "finished_at",
                "outcome",
                "error_class",
                "error_message",
                "traceback",
            )
        }
    )
)
HAND_BACK = RawStatement(
    lambda d: (
        update(job_t)
        .where(sql.id_in(job_t.c.id, d), _mine())
        .values(
            # A job someone cancelled while it ran ends cancelled instead of going back.
            state=case(
                (job_t.c.cancel_requested.is_(True), literal_column("'cancelled'")),
                else_=literal_column("'enqueued'"),
            ),
            attempt=job_t.c.attempt - 1,
            worker_id=None,
            lease_until=None,
            started_at=None,
        )
    )
)
WORKER_COLUMNS = (
    "id",
    "host",
    "pid",
    "queues",
    "slots",
    "busy",
    "started_at",
    "heartbeat_at",
    "stopping",
    "kinds",
)
INSERT_WORKER = RawStatement(lambda d: worker_t.insert().values({c: P(c) for c in WORKER_COLUMNS}))
DELETE_WORKER = RawStatement(lambda d: delete(worker_t).where(worker_t.c.id == P("worker")))
BEAT = RawStatement(
    lambda d: (
        update(worker_t)
        .where(worker_t.c.id == P("worker"))
        .values(heartbeat_at=P("now"), busy=P("busy"), stopping=P("stopping"))
    )
)
EXTEND_LEASES = RawStatement(
    lambda d: (
        update(job_t)
        .where(sql.id_in(job_t.c.id, d), _mine())
        .values(lease_until=P("lease_until"))
        .returning(job_t.c.id)
    )
)
CANCEL_WANTED = RawStatement(
    lambda d: select(job_t.c.id).where(_mine(), job_t.c.cancel_requested.is_(True))
)
LAPSED = RawStatement(
    lambda d: select(
        *CLAIM_COLUMNS,
        job_t.c.worker_id,
        job_t.c.started_at,
        job_t.c.lease_until,
        job_t.c.cancel_requested,
    ).where(job_t.c.state == PROCESSING, job_t.c.lease_until < P("now"))
)
PRUNE_WORKERS = RawStatement(
    lambda d: delete(worker_t).where(worker_t.c.heartbeat_at < P("older_than"))
)


def promote_due(cur: Cursor, now: float) -> int:
    """Turn scheduled and retrying jobs whose time has come into enqueued ones."""
    return cur.rowcount(PROMOTE, now=now)


def queue_settings(cur: Cursor) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in cur.rows(QUEUE_SETTINGS)}


def queues_with_work(cur: Cursor, queues: list[str] | None) -> dict[str, int]:
    """Queues with enqueued jobs (among `queues`, if given), each with its processing count."""
    ready: set[str] = set()
    busy: dict[str, int] = defaultdict(int)
    for row in cur.rows(READY_COUNTS):
        if queues and row["queue"] not in queues:
            continue
        if row["state"] == State.ENQUEUED.value:
            ready.add(row["queue"])
        else:
            busy[row["queue"]] = row["n"]
    return {q: busy[q] for q in ready}


def has_work(cur: Cursor, queues: list[str] | None, now: float) -> bool:
    """A cheap read: is anything enqueued, or due, that this worker might claim?"""
    if queues_with_work(cur, queues):
        return True
    return cur.scalar(ANY_DUE, now=now) is not None


def next_due(cur: Cursor) -> float | None:
    """The earliest run_at of any scheduled or retrying job."""
    value = cur.scalar(NEXT_DUE)
    return None if value is None else float(value)


def claim(
    cur: Cursor,
    worker_id: str,
    queues: list[str] | None,
    limit: int,
    now: float,
    lease_seconds: float,
    rotate: int = 0,
) -> Claim:
    """Claim up to `limit` due jobs, by priority then age, from queues that are not paused."""
    promote_due(cur, now)
    result = Claim(jobs=[], settings=queue_settings(cur))
    candidates = queues_with_work(cur, queues)
    names = sorted(candidates)
    if names:
        shift = rotate % len(names)
        names = names[shift:] + names[:shift]
    for name in names:
        if len(result.jobs) >= limit:
            break
        setting = result.settings.get(name)
        room = _room_in_queue(setting, candidates[name], limit - len(result.jobs))
        if room > 0 and setting is not None and setting["rate_limit"]:
            _claim_rate_limited(cur, result, setting, room, worker_id, now, lease_seconds)
        elif room > 0:
            result.jobs.extend(_claim_rows(cur, name, room, worker_id, now, lease_seconds))
    result.jobs.sort(key=lambda j: (-j["priority"], j["run_at"], j["id"]))
    return result


def _claim_rows(
    cur: Cursor, queue: str, room: int, worker_id: str, now: float, lease_seconds: float
) -> list[dict[str, Any]]:
    return cur.rows(
        CLAIM, queue=queue, limit=room, worker=worker_id, now=now, lease_until=now + lease_seconds
    )


def _claim_rate_limited(
    cur: Cursor,
    result: Claim,
    setting: dict[str, Any],
    room: int,
    worker_id: str,
    now: float,
    lease_seconds: float,
) -> None:
    rate = float(setting["rate_limit"])
    tokens, as_of = bucket_tokens(setting, now)
    # A hair of slack, so that 2.9999999 tokens after float arithmetic still pays for 3 jobs.
    affordable = min(room, int(tokens + 1e-9))
    taken = []
    if affordable > 0:
        taken = _claim_rows(cur, setting["name"], affordable, worker_id, now, lease_seconds)
    left = max(0.0, tokens - len(taken))
    if taken:
        cur.run(SPEND_TOKENS, queue=setting["name"], tokens=left, now=as_of)
        result.jobs.extend(taken)
    if len(taken) < room and left < 1:
        wake = as_of + (1 - left) / rate
        result.wake_at = wake if result.wake_at is None else min(result.wake_at, wake)


def _room_in_queue(setting: dict[str, Any] | None, processing: int, wanted: int) -> int:
    if setting is None:
        return wanted
    if setting["paused"]:
        return 0
    cap = setting["max_concurrency"]
    return wanted if cap is None else max(0, min(wanted, cap - processing))


def bucket_tokens(setting: dict[str, Any], now: float) -> tuple[float, float]:
    """Tokens in a rate-limited queue's bucket at `now` (what was left, plus the refill), and
    the time they are counted at."""
    rate = float(setting["rate_limit"])
    burst = float(setting["rate_burst"] or max(1.0, rate))
    tokens, since = setting["rate_tokens"], setting["rate_refilled_at"]
    if tokens is None or since is None:
        return burst, now
    # A worker's `now` may be a little older than the last refill (it waited for the write
    # lock, or its clock is behind): the bucket's time never runs backwards, so no stretch of
    # time is refilled twice.
    as_of = max(now, float(since))
    return min(burst, float(tokens) + (as_of - float(since)) * rate), as_of


def finish(
    cur: Cursor,
    worker_id: str,
    outcomes: list[Outcome],
    now: float,
    default_attempts: int,
    settings: dict[str, dict[str, Any]],
    rng: random.Random | None = None,
) -> FinishReport:
    """Write each outcome, but only for jobs this worker still holds."""
    report = FinishReport()
    done = [o.job["id"] for o in outcomes if o.status == State.SUCCEEDED.value]
    if done:
        ids = sql.ids_value(cur.dialect, done)
        written = {r[0] for r in cur.run(SUCCEED, ids=ids, worker=worker_id, now=now).fetchall()}
        for job_id in done:
            if job_id in written:
                report.states[job_id] = State.SUCCEEDED.value
            else:
                report.lost.append(job_id)
    for outcome in outcomes:
        if outcome.status != State.SUCCEEDED.value:
            policy = RetryPolicy.resolve(
                outcome.job, settings.get(outcome.job["queue"]), default_attempts
            )
            _finish_unsuccessful(cur, worker_id, outcome, now, policy, rng, report)
    sql.add_stats_raw(cur, _stats_rows(outcomes, report, now))
    return report


def _finish_unsuccessful(
    cur: Cursor,
    worker_id: str,
    outcome: Outcome,
    now: float,
    policy: RetryPolicy,
    rng: random.Random | None,
    report: FinishReport,
) -> None:
    job = outcome.job
    if outcome.status == State.CANCELLED.value:
        state, run_at = State.CANCELLED.value, now
    else:
        state, run_at = after_failure(job["attempt"], job["first_started_at"], now, policy, rng)
    error = f"{outcome.error_class}: {outcome.error_message}"
    written = cur.rowcount(
        FAIL, id=job["id"], worker=worker_id, state=state, run_at=run_at, now=now, error=error
    )
    if written != 1:
        report.lost.append(job["id"])
        return
    report.states[job["id"]] = state
    cur.run(
        RECORD_ATTEMPT,
        job_id=job["id"],
        attempt=job["attempt"],
        worker_id=worker_id,
        started_at=outcome.started_at,
        finished_at=outcome.finished_at,
        outcome=outcome.status,
        error_class=outcome.error_class,
        error_message=outcome.error_message,
        traceback=outcome.traceback,
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


def hand_back(cur: Cursor, worker_id: str, ids: list[int]) -> int:
    """Return unfinished jobs to the queue without spending an attempt."""
    if not ids:
        return 0
    return cur.rowcount(HAND_BACK, ids=sql.ids_value(cur.dialect, ids), worker=worker_id)


def register_worker(cur: Cursor, row: dict[str, Any]) -> None:
    cur.run(DELETE_WORKER, worker=row["id"])
    cur.run(INSERT_WORKER, **row)


def unregister_worker(cur: Cursor, worker_id: str) -> None:
    cur.run(DELETE_WORKER, worker=worker_id)


def heartbeat(
    cur: Cursor, worker: dict[str, Any], running: list[int], now: float, lease: float
) -> tuple[list[int], list[int]]:
    """Keep this worker's row and its running jobs' leases alive.

    Returns the ids someone asked to cancel, and the ids whose lease could not be renewed
    (taken over by another worker after this one stalled): the worker must stop those. Only
    the jobs the worker knows it runs are renewed, so a job it lost track of lapses and is
    rescued instead of staying processing for as long as the worker lives.
    """
    beat = {
        "worker": worker["id"],
        "now": now,
        "busy": worker["busy"],
        "stopping": worker["stopping"],
    }
    if cur.rowcount(BEAT, **beat) == 0:
        register_worker(cur, worker)
    ids = sql.ids_value(cur.dialect, running)
    renewed = {
        r["id"]
        for r in cur.rows(EXTEND_LEASES, ids=ids, worker=worker["id"], lease_until=now + lease)
    }
    cancel = [r["id"] for r in cur.rows(CANCEL_WANTED, worker=worker["id"])]
    return cancel, [i for i in running if i not in renewed]


def rescue(
    cur: Cursor, now: float, default_attempts: int, rng: random.Random | None = None
) -> list[tuple[dict[str, Any], str]]:
    """Take back jobs whose lease lapsed: retrying, or dead when no attempts are left."""
    lapsed = cur.rows(LAPSED, now=now)
    if not lapsed:
        return []
    settings = queue_settings(cur)
    rescued = []
    for job in lapsed:
        outcome = Outcome(
            job=job,
            status="cancelled" if job["cancel_requested"] else "failed",
            started_at=job["started_at"] or now,
            finished_at=now,
            error_class=LEASE_LAPSED,
            error_message=(
                f"worker {job['worker_id']} stopped renewing its lease; "
                "the process probably crashed or was killed"
            ),
        )
        report = FinishReport()
        policy = RetryPolicy.resolve(job, settings.get(job["queue"]), default_attempts)
        _finish_unsuccessful(cur, job["worker_id"], outcome, now, policy, rng, report)
        if job["id"] in report.states:
            rescued.append((job, report.states[job["id"]]))
    minute = int(now // 60)
    rows = [
        {"minute": minute, "queue": j["queue"], "processed": 1, "failed": 1} for j, _ in rescued
    ]
    sql.add_stats_raw(cur, rows)
    return rescued


def prune_workers(cur: Cursor, older_than: float) -> int:
    """Forget worker rows whose heartbeat stopped long ago."""
    return cur.rowcount(PRUNE_WORKERS, older_than=older_than)
