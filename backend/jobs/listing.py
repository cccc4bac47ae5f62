"""Reading jobs for people: filtered pages in a stable order, one job in full, live workers.

Pages use keyset pagination: the cursor names the last row's sort value and id, so a deep
page costs the same as the first. Totals come from the maintained counters when the filter
allows it, and from a count over an index otherwise.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from backend.jobs.errors import InvalidInput, NotFound
from backend.jobs.filters import JobFilter, visible_state
from backend.jobs.http_target import BUILTIN_KINDS
from backend.jobs.models import STATES, State, attempt_t, job_t, queue_t, worker_t
from backend.jobs.operations import ACTIONS
from backend.jobs.queues import get_queue, list_queues
from backend.jobs.stats import live_workers_since, visible_counts, waiting_for_time
from backend.jobs.store import Store

SORTS = ("-id", "id", "run_at", "-run_at", "finished_at", "-finished_at")
DEFAULT_SORT = "-id"
MAX_LIMIT = 500
PREVIEW_CHARS = 120
ERROR_CHARS = 200

SUMMARY_COLUMNS = (
    job_t.c.id,
    job_t.c.kind,
    job_t.c.queue,
    job_t.c.state,
    job_t.c.priority,
    job_t.c.attempt,
    job_t.c.max_attempts,
    job_t.c.args,
    job_t.c.error,
    job_t.c.created_at,
    job_t.c.run_at,
    job_t.c.started_at,
    job_t.c.finished_at,
    job_t.c.worker_id,
    job_t.c.schedule,
)


@dataclass(frozen=True)
class Page:
    """One page of jobs, the number matching the filter, and the key of the next page."""

    items: list[dict[str, Any]]
    total: int
    next_cursor: str | None


def list_jobs(
    store: Store,
    where: JobFilter,
    sort: str = DEFAULT_SORT,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """A page of job summaries matching `where`, in `sort` order, after `cursor`."""
    if sort not in SORTS:
        raise InvalidInput(f"sort {sort!r} is unknown; use one of {', '.join(SORTS)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    after = decode_cursor(sort, cursor) if cursor else None
    now = store.now()
    clauses = where.clauses(now)
    if after is not None:
        clauses.append(_after(sort, after))
    stmt = select(*SUMMARY_COLUMNS).where(*clauses).order_by(*_order(sort)).limit(limit + 1)
    with store.read() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
        total = _total(conn, where, now)
        attempts = _queue_attempts(conn)
    more = len(rows) > limit
    rows = rows[:limit]
    default = store.settings.max_attempts
    items = [summarize(r, now, attempts, default) for r in rows]
    next_cursor = encode_cursor(sort, rows[-1]) if more and rows else None
    return Page(items=items, total=total, next_cursor=next_cursor)


def get_job(store: Store, job_id: int) -> dict[str, Any]:
    """One job in full: its summary, args, attempts and the actions that fit its state."""
    now = store.now()
    with store.read() as conn:
        row = conn.execute(select(job_t).where(job_t.c.id == job_id)).mappings().first()
        if row is None:
            raise NotFound(f"job {job_id} does not exist")
        attempts = conn.execute(
            select(attempt_t).where(attempt_t.c.job_id == job_id).order_by(attempt_t.c.attempt)
        ).mappings()
        history = [_attempt(a) for a in attempts]
        queue_attempts = _queue_attempts(conn)
    job = dict(row)
    detail = summarize(job, now, queue_attempts, store.settings.max_attempts)
    detail.update(
        args=json.loads(job["args"]),
        timeout=job["timeout"],
        cancel_requested=bool(job["cancel_requested"]),
        attempts=history,
        actions=[a for a, states in ACTIONS.items() if job["state"] in states],
    )
    return detail


def list_workers(store: Store) -> list[dict[str, Any]]:
    """Live worker processes with the jobs each is running now."""
    now = store.now()
    with store.read() as conn:
        workers = conn.execute(
            select(worker_t)
            .where(worker_t.c.heartbeat_at >= live_workers_since(store, now))
            .order_by(worker_t.c.started_at, worker_t.c.id)
        ).mappings()
        out = [
            {
                **dict(w),
                "queues": json.loads(w["queues"] or "[]"),
                "kinds": kind_names(w["kinds"]),
                "jobs": [],
            }
            for w in workers
        ]
        by_id = {w["id"]: w for w in out}
        if by_id:
            running = conn.execute(
                select(
                    job_t.c.id, job_t.c.kind, job_t.c.queue, job_t.c.started_at, job_t.c.worker_id
                )
                .where(job_t.c.state == State.PROCESSING.value, job_t.c.worker_id.in_(list(by_id)))
                .order_by(job_t.c.id)
            ).mappings()
            for job in running:
                by_id[job["worker_id"]]["jobs"].append(
                    {k: job[k] for k in ("id", "kind", "queue", "started_at")}
                )
    for w in out:
        w.pop("stopping", None)
        # Busy is what the store says the worker holds now; its own report lags a heartbeat.
        w["busy"] = len(w["jobs"])
    return out


def kind_names(raw: str | None) -> list[str]:
    """The kinds in a worker row: a JSON object of each kind to its defaults, or a plain list."""
    return sorted(json.loads(raw or "[]"))


def list_kinds(store: Store) -> list[dict[str, Any]]:
    """Kinds a job can be made of: those live workers registered, and the built-in ones."""
    now = store.now()
    with store.read() as conn:
        rows = conn.execute(
            select(worker_t.c.kinds).where(
                worker_t.c.heartbeat_at >= live_workers_since(store, now)
            )
        ).all()
    workers: Counter[str] = Counter()
    for (kinds,) in rows:
        workers.update(kind_names(kinds))
    builtin = set(BUILTIN_KINDS)
    return [
        {"kind": k, "workers": workers[k], "builtin": k in builtin}
        for k in sorted(set(workers) | builtin)
    ]


def summarize(
    row: dict[str, Any], now: float, queue_attempts: dict[str, int | None], default: int
) -> dict[str, Any]:
    """The short form of a job that lists show."""
    max_attempts = row["max_attempts"] or queue_attempts.get(row["queue"]) or default
    return {
        "id": row["id"],
        "kind": row["kind"],
        "queue": row["queue"],
        "state": visible_state(row["state"], row["run_at"], now),
        "priority": row["priority"],
        "attempt": row["attempt"],
        "max_attempts": max_attempts,
        "args_preview": _clip(row["args"], PREVIEW_CHARS),
        "error": _short_error(row["error"]),
        "created_at": row["created_at"],
        "run_at": row["run_at"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "worker_id": row["worker_id"],
        "schedule": row["schedule"],
    }


def encode_cursor(sort: str, row: dict[str, Any]) -> str:
    """An opaque cursor naming the position just after `row` in `sort` order."""
    key = {"s": sort, "v": row[sort.lstrip("-")], "i": row["id"]}
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str) -> tuple[Any, int]:
    """The (sort value, id) a cursor names; InvalidInput when it is not one of ours."""
    bad = InvalidInput("cursor is not valid; pass next_cursor from the previous page unchanged")
    if len(cursor) > 200:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError):
        raise bad from None
    if not isinstance(key, dict) or set(key) != {"s", "v", "i"}:
        raise bad
    value, job_id = key["v"], key["i"]
    if type(job_id) is not int or not 0 <= job_id < 2**63:
        raise bad
    if key["s"] != sort:
        raise InvalidInput(f"cursor belongs to sort {key['s']!r}, not {sort!r}; start again")
    column = sort.lstrip("-")
    number = type(value) in (int, float)
    if (column == "id" and value != job_id) or (column == "run_at" and not number):
        raise bad
    if column == "finished_at" and value is not None and not number:
        raise bad
    return value, job_id


def _order(sort: str) -> list[Any]:
    column = job_t.c[sort.lstrip("-")]
    if sort == "-id" or sort == "id":
        return [column.desc() if sort.startswith("-") else column.asc()]
    if sort.startswith("-"):
        return [column.desc().nulls_last(), job_t.c.id.desc()]
    return [column.asc().nulls_first(), job_t.c.id.asc()]


def _after(sort: str, key: tuple[Any, int]) -> ColumnElement[bool]:
    # Rows strictly after (value, id) in the page order; NULL sorts first ascending and last
    # descending, as SQLite orders it natively.
    value, job_id = key
    descending = sort.startswith("-")
    column = job_t.c[sort.lstrip("-")]
    if sort in ("id", "-id"):
        return job_t.c.id < job_id if descending else job_t.c.id > job_id
    id_after = job_t.c.id < job_id if descending else job_t.c.id > job_id
    if value is None:
        if descending:
            return and_(column.is_(None), id_after)
        return or_(and_(column.is_(None), id_after), column.is_not(None))
    beyond = column < value if descending else column > value
    out = or_(beyond, and_(column == value, id_after))
    if descending and column.nullable:
        out = or_(out, column.is_(None))
    return out


def _total(conn: Connection, where: JobFilter, now: float) -> int:
    simple = (
        where.kind is None and where.schedule is None and not where.text and not _has_range(where)
    )
    if simple:
        counts = visible_counts(conn, now)
        queues = [counts.get(where.queue, {})] if where.queue is not None else counts.values()
        if where.state is None:
            return sum(sum(c.values()) for c in queues)
        return sum(c.get(where.state, 0) for c in queues)
    stmt = select(func.count()).select_from(job_t).where(*where.clauses(now))
    return int(conn.execute(stmt).scalar_one())


def _has_range(where: JobFilter) -> bool:
    bounds = (
        where.created_after,
        where.created_before,
        where.finished_after,
        where.finished_before,
    )
    return any(b is not None for b in bounds)


def _queue_attempts(conn: Connection) -> dict[str, int | None]:
    return {r[0]: r[1] for r in conn.execute(select(queue_t.c.name, queue_t.c.max_attempts))}


def _attempt(row: Any) -> dict[str, Any]:
    keys = ("attempt", "outcome", "error_class", "error_message", "traceback", "worker_id")
    return {
        **{k: row[k] for k in keys},
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
    }


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_error(error: str | None) -> str | None:
    if not error:
        return None
    return _clip(error.strip().splitlines()[0], ERROR_CHARS)


def describe_queues(store: Store, name: str | None = None) -> list[dict[str, Any]]:
    """Queues with their settings, jobs per state and latency (age of the oldest due job)."""
    now = store.now()
    rows = [get_queue(store, name)] if name is not None else list_queues(store)
    with store.read() as conn:
        counts = visible_counts(conn, now)
        for row in rows:
            row["counts"] = counts.get(row["name"], dict.fromkeys(STATES, 0))
            oldest = _oldest_due(conn, row["name"], now)
            row["latency_seconds"] = None if oldest is None else max(0.0, now - oldest)
    return rows


def _oldest_due(conn: Connection, queue: str, now: float) -> float | None:
    ready = select(func.min(job_t.c.run_at)).where(
        job_t.c.state == State.ENQUEUED.value, job_t.c.queue == queue
    )
    due = select(func.min(job_t.c.run_at)).where(
        waiting_for_time(),
        job_t.c.run_at <= now,
        job_t.c.queue == queue,
    )
    found = [conn.execute(q).scalar() for q in (ready, due)]
    values = [v for v in found if v is not None]
    return min(values) if values else None
