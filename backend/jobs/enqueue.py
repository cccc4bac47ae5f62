"""Putting jobs into the store: one at a time or many in one transaction, now or later."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, select, text

from backend.jobs import sql
from backend.jobs.errors import InvalidArgs, InvalidInput, NotFound, RoostError
from backend.jobs.models import State, job_t, worker_t
from backend.jobs.registry import JobOptions, check_name, registry
from backend.jobs.store import Store, get_store

MAX_PRIORITY = 1_000_000
DEFAULT_OPTIONS = JobOptions()
ROW_KEYS = (
    "kind",
    "queue",
    "args",
    "priority",
    "state",
    "attempt",
    "max_attempts",
    "timeout",
    "min_backoff",
    "max_backoff",
    "max_retry_duration",
    "created_at",
    "run_at",
    "cancel_requested",
    "schedule",
)
COPIED_KEYS = (
    "kind",
    "queue",
    "args",
    "priority",
    "max_attempts",
    "timeout",
    "min_backoff",
    "max_backoff",
    "max_retry_duration",
)


def _insert_job(_dialect: str) -> Any:
    return job_t.insert().values({k: bindparam(k) for k in ROW_KEYS})


INSERT_ONE = sql.RawStatement(lambda d: _insert_job(d).returning(job_t.c.id))
INSERT_MANY = sql.RawStatement(_insert_job)
ENSURE_QUEUES = sql.RawStatement(sql.insert_queues_stmt)
ADD_COUNTS = sql.RawStatement(sql.add_counts_stmt)
# The last id handed out: AUTOINCREMENT's counter, or the largest id before it first counts.
MAX_ID = sql.RawStatement(
    lambda _d: text(
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'job'), 0),"
        " COALESCE((SELECT MAX(id) FROM job), 0))"
    )
)
COPY_SOURCE = sql.RawStatement(
    lambda _d: select(*(job_t.c[k] for k in COPIED_KEYS)).where(job_t.c.id == bindparam("id"))
)


@dataclass
class NewJob:
    """What a producer asks for; unset fields come from the kind's registered defaults."""

    kind: str
    args: dict[str, Any] | list[Any] = field(default_factory=dict)
    queue: str | None = None
    priority: int | None = None
    max_attempts: int | None = None
    timeout: float | None = None
    run_at: datetime | float | None = None
    delay: float | timedelta | None = None


def enqueue(
    kind: str,
    args: dict[str, Any] | list[Any] | None = None,
    *,
    store: Store | None = None,
    **options: Any,
) -> int:
    """Store one job and return its id. Options are the fields of `NewJob`."""
    store = store or get_store()
    new = NewJob(kind=kind, args={} if args is None else args, **options)
    row = to_row(new, store.now(), worker_defaults(store, {kind}))
    with store.raw_write() as cur:
        return insert_row(store, cur, row)


def insert_row(store: Store, cur: sql.Cursor, row: dict[str, Any]) -> int:
    """Insert one job row from `to_row` inside the caller's write transaction; return its id."""
    _ensure_queues(store, cur, {row["queue"]})
    job_id = int(cur.run(INSERT_ONE, **row).fetchone()[0])
    cur.many(ADD_COUNTS, sql.count_rows([(row["queue"], row["state"])]))
    return job_id


def duplicate(store: Store, job_id: int) -> int:
    """Enqueue a new job with the kind, args, queue, priority and options of job `job_id`."""
    now = store.now()
    with store.raw_write() as cur:
        found = cur.rows(COPY_SOURCE, id=job_id)
        if not found:
            raise NotFound(f"job {job_id} does not exist")
        row = {
            **found[0],
            "state": State.ENQUEUED.value,
            "attempt": 0,
            "created_at": now,
            "run_at": now,
            "cancel_requested": False,
            "schedule": None,
        }
        return insert_row(store, cur, row)


def enqueue_many(jobs: Iterable[NewJob], *, store: Store | None = None) -> list[int]:
    """Store many jobs in one transaction (all or none) and return their ids in order."""
    store = store or get_store()
    now = store.now()
    jobs = list(jobs)
    known = worker_defaults(store, {j.kind for j in jobs})
    rows = [to_row(j, now, known) for j in jobs]
    if not rows:
        return []
    with store.raw_write() as cur:
        _ensure_queues(store, cur, {r["queue"] for r in rows})
        first = _max_id(cur) + 1
        cur.many(INSERT_MANY, rows)
        last = _max_id(cur)
        cur.many(ADD_COUNTS, sql.count_rows((r["queue"], r["state"]) for r in rows))
    if last - first + 1 != len(rows):
        raise RoostError("the store handed out job ids out of order; report this as a bug")
    # Inside one write transaction SQLite hands out consecutive ids after the last one.
    return list(range(first, last + 1))


def _max_id(cur: sql.Cursor) -> int:
    return int(cur.scalar(MAX_ID))


def _ensure_queues(store: Store, cur: sql.Cursor, names: set[str]) -> None:
    new = [n for n in names if store.remember_queue(n)]
    cur.many(ENSURE_QUEUES, [{"name": n, "paused": False, "created_at": store.now()} for n in new])


KINDS_FRESH_SECONDS = 5.0  # how long a process trusts what it read of the workers' kinds
_worker_kinds: WeakKeyDictionary[Store, tuple[float, dict[str, JobOptions]]] = WeakKeyDictionary()


def worker_defaults(store: Store, kinds: set[str]) -> dict[str, JobOptions]:
    """The defaults live workers registered for those of `kinds` this process does not know.

    A producer that never imports a kind (the HTTP API, a script) still puts its jobs on the
    kind's queue, with its attempts and timeout, as long as a worker that knows it is running.
    """
    if all(registry.get(k) is not None for k in kinds):
        return {}
    now = store.now()
    cached = _worker_kinds.get(store)
    if cached is None or cached[0] < now:
        cached = (now + KINDS_FRESH_SECONDS, _read_worker_kinds(store, now))
        _worker_kinds[store] = cached
    return cached[1]


def _read_worker_kinds(store: Store, now: float) -> dict[str, JobOptions]:
    since = now - store.settings.lease_seconds
    with store.read() as conn:
        rows = conn.execute(
            select(worker_t.c.kinds)
            .where(worker_t.c.heartbeat_at >= since)
            .order_by(worker_t.c.heartbeat_at.desc())
        ).scalars()
        out: dict[str, JobOptions] = {}
        for raw in rows:
            declared = json.loads(raw or "{}")
            if isinstance(declared, dict):
                for kind, options in declared.items():
                    out.setdefault(kind, JobOptions(**options))
    return out


def to_row(new: NewJob, now: float, known: dict[str, JobOptions] | None = None) -> dict[str, Any]:
    """Validate a NewJob and turn it into a job row; raise before anything is stored.

    Defaults come from the kind as registered in this process, else from `known` (what live
    workers registered, see `worker_defaults`), else the global ones.
    """
    check_name("kind", new.kind)
    fn = registry.get(new.kind)
    defaults = fn.options if fn is not None else (known or {}).get(new.kind, DEFAULT_OPTIONS)
    queue = check_name("queue", new.queue if new.queue is not None else defaults.queue)
    priority = new.priority if new.priority is not None else defaults.priority
    if not isinstance(priority, int) or isinstance(priority, bool) or abs(priority) > MAX_PRIORITY:
        raise InvalidInput(
            f"priority must be a whole number from {-MAX_PRIORITY} to {MAX_PRIORITY}"
        )
    max_attempts = new.max_attempts if new.max_attempts is not None else defaults.max_attempts
    if max_attempts is not None and (not isinstance(max_attempts, int) or max_attempts < 1):
        raise InvalidInput("max_attempts must be a whole number of at least 1")
    timeout = new.timeout if new.timeout is not None else defaults.timeout
    if timeout is not None and not (isinstance(timeout, int | float) and 0 < timeout < math.inf):
        raise InvalidInput("timeout must be a positive number of seconds")
    run_at = resolve_run_at(new.run_at, new.delay, now)
    args = dump_args(new.args)
    if fn is not None and fn.check is not None:
        fn.check(new.args)
    return {
        "kind": new.kind,
        "queue": queue,
        "args": args,
        "priority": priority,
        "state": State.SCHEDULED.value if run_at > now else State.ENQUEUED.value,
        "attempt": 0,
        "max_attempts": max_attempts,
        "timeout": timeout,
        "min_backoff": defaults.min_backoff,
        "max_backoff": defaults.max_backoff,
        "max_retry_duration": defaults.max_retry_duration,
        "created_at": now,
        "run_at": run_at,
        "cancel_requested": False,
        "schedule": None,
    }


def resolve_run_at(
    run_at: datetime | float | None, delay: float | timedelta | None, now: float
) -> float:
    """When a job becomes due, from an absolute time or a delay (not both)."""
    if run_at is not None and delay is not None:
        raise InvalidInput("give run_at or delay, not both")
    if delay is not None:
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else delay
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise InvalidInput("delay must be a number of seconds")
        if not 0 <= seconds < 100 * 365 * 86400:
            raise InvalidInput("delay must be from 0 seconds to 100 years")
        return now + float(seconds)
    if run_at is None:
        return now
    if isinstance(run_at, datetime):
        if run_at.tzinfo is None:
            raise InvalidInput("run_at must carry a time zone, for example 2030-01-01T09:00:00Z")
        return run_at.timestamp()
    if isinstance(run_at, int | float) and not isinstance(run_at, bool) and math.isfinite(run_at):
        return float(run_at)
    raise InvalidInput("run_at must be a datetime with a time zone or seconds since the epoch")


def dump_args(args: object) -> str:
    """Serialise args as compact JSON, refusing anything that would not come back the same."""
    if not isinstance(args, dict | list):
        raise InvalidArgs(
            f"args must be a JSON object (keyword arguments) or array, not {type(args).__name__}"
        )
    try:
        _check_json(args, "args")
        raw = json.dumps(args, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except RecursionError:
        raise InvalidArgs("args are nested too deeply; flatten them") from None
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgs(
            "args hold text that is not valid Unicode (a lone surrogate, as from an "
            "undecodable file name); encode it, for example with os.fsencode(...).hex()"
        ) from None
    return raw


def _check_json(value: object, path: str) -> None:
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return
    if kind is float:
        if not math.isfinite(value):  # type: ignore[arg-type]
            raise InvalidArgs(f"{path} is {value}; JSON has no NaN or infinity")
        return
    if isinstance(value, list) and kind is list:
        for i, item in enumerate(value):
            _check_json(item, f"{path}[{i}]")
        return
    if isinstance(value, dict) and kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise InvalidArgs(f"{path} has key {key!r}; JSON object keys must be strings")
            _check_json(item, f"{path}[{key!r}]")
        return
    raise InvalidArgs(
        f"{path} is a {kind.__name__}, which is not JSON; pass strings, numbers, booleans, "
        "null, lists or dicts (for example an ISO string for a datetime)"
    )
