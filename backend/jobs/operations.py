"""What people and scripts do to jobs: retry now, run now, kill, cancel, delete.

Each action works on one id, a list of ids, or every job matching a filter. It runs in bounded
transactions, refuses states where it makes no sense, and says why per job. Every update is
guarded by the states the action accepts, so a worker that finished a job a moment earlier wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, case, func, select, update

from backend.jobs.errors import Conflict, InvalidInput, NotFound
from backend.jobs.filters import JobFilter, visible_state
from backend.jobs.models import State, job_t
from backend.jobs.retention import delete_jobs
from backend.jobs.store import Store

CHUNK = 500  # jobs per transaction
MAX_IDS = 10_000  # explicit ids per call
MAX_SKIPPED_LISTED = 1_000

S = State
ACTIONS: dict[str, frozenset[str]] = {
    # The states each action accepts, as stored (a due retrying job counts as retrying here).
    "retry": frozenset({S.DEAD, S.CANCELLED, S.SUCCEEDED, S.RETRYING}),
    "run_now": frozenset({S.SCHEDULED, S.RETRYING}),
    "kill": frozenset({S.SCHEDULED, S.ENQUEUED, S.RETRYING, S.SUCCEEDED, S.CANCELLED}),
    "cancel": frozenset({S.SCHEDULED, S.ENQUEUED, S.RETRYING, S.PROCESSING}),
    "delete": frozenset(S),
}


@dataclass
class BulkResult:
    """What an action changed, and what it skipped and why."""

    action: str
    matched: int = 0
    changed: int = 0
    changed_ids: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    skipped_count: int = 0
    asked: int = 0  # running jobs asked to stop (cancel), counted in `changed` too
    reasons: Counter[str] = field(default_factory=Counter)

    def skip(self, job_id: int, reason: str) -> None:
        self.skipped_count += 1
        self.reasons[reason] += 1
        if len(self.skipped) < MAX_SKIPPED_LISTED:
            self.skipped.append({"id": job_id, "reason": reason})

    def summary(self) -> str:
        """One line a person can read, such as '12 retried, 3 skipped: already processing'."""
        line = f"{self.changed - self.asked} {PAST[self.action]}"
        if self.asked:
            line += f", {self.asked} running asked to stop"
        if self.skipped_count:
            why = ", ".join(
                f"{n} {r}" if n != self.skipped_count else r for r, n in self.reasons.most_common()
            )
            line += f", {self.skipped_count} skipped: {why}"
        return line


PAST = {
    "retry": "retried",
    "run_now": "enqueued",
    "kill": "killed",
    "cancel": "cancelled",
    "delete": "deleted",
}


def act(
    store: Store,
    action: str,
    ids: list[int] | None = None,
    where: JobFilter | None = None,
) -> BulkResult:
    """Apply `action` to explicit ids, or to every job matching `where` (one of the two)."""
    if action not in ACTIONS:
        raise InvalidInput(f"action {action!r} is unknown; use one of {', '.join(ACTIONS)}")
    if (ids is None) == (where is None):
        raise InvalidInput("give either ids or a filter, not both and not neither")
    result = BulkResult(action=action)
    chunks = _id_chunks(ids) if ids is not None else _filter_chunks(store, where)  # type: ignore[arg-type]
    for chunk in chunks:
        with store.write() as conn:
            _apply(conn, store, action, chunk, result)
    return result


def act_one(store: Store, action: str, job_id: int) -> BulkResult:
    """Apply an action to one job; raise NotFound or Conflict (with the reason) when refused."""
    result = act(store, action, ids=[job_id])
    if result.skipped:
        reason = result.skipped[0]["reason"]
        if reason == "not found":
            raise NotFound(f"job {job_id} does not exist")
        raise Conflict(f"cannot {action.replace('_', ' ')} job {job_id}: {reason}")
    return result


def _id_chunks(ids: list[int]) -> Iterator[list[int]]:
    if len(ids) > MAX_IDS:
        raise InvalidInput(f"at most {MAX_IDS} ids per call; use a filter for more")
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def _filter_chunks(store: Store, where: JobFilter) -> Iterator[list[int]]:
    # Walk the matches by id, so each chunk is a cheap keyset read and the set is bounded by
    # the highest id that existed when the action began.
    now = store.now()
    with store.read() as conn:
        top = conn.execute(select(func.max(job_t.c.id))).scalar() or 0
    last = 0
    while True:
        with store.read() as conn:
            chunk = [
                r[0]
                for r in conn.execute(
                    select(job_t.c.id)
                    .where(*where.clauses(now), job_t.c.id > last, job_t.c.id <= top)
                    .order_by(job_t.c.id)
                    .limit(CHUNK)
                )
            ]
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def _apply(conn: Connection, store: Store, action: str, ids: list[int], result: BulkResult) -> None:
    now = store.now()
    found = {
        r.id: r
        for r in conn.execute(
            select(job_t.c.id, job_t.c.state, job_t.c.run_at).where(job_t.c.id.in_(ids))
        )
    }
    result.matched += len(found)
    allowed = ACTIONS[action]
    eligible = []
    for job_id in ids:
        row = found.get(job_id)
        if row is None:
            result.skip(job_id, "not found")
        elif row.state not in allowed:
            result.skip(job_id, _reason(action, visible_state(row.state, row.run_at, now)))
        else:
            eligible.append(job_id)
    if not eligible:
        return
    if action == "cancel":
        changed, asked = _cancel(conn, eligible, now)
        result.asked += len(asked)
        changed |= asked
    else:
        changed = _write(conn, action, eligible, allowed, now, store.settings.max_attempts)
    result.changed += len(changed)
    result.changed_ids.extend(changed)
    for job_id in eligible:
        if job_id not in changed:
            result.skip(job_id, "changed by someone else meanwhile")


def _write(
    conn: Connection,
    action: str,
    ids: list[int],
    allowed: frozenset[str],
    now: float,
    default_attempts: int,
) -> set[int]:
    guard = (job_t.c.id.in_(ids), job_t.c.state.in_(allowed))
    if action == "delete":
        # The rows were read in this same write transaction, so every one of them is deleted.
        delete_jobs(conn, ids)
        return set(ids)
    values = _values(action, now, default_attempts)
    stmt = update(job_t).where(*guard).values(**values).returning(job_t.c.id)
    return {r[0] for r in conn.execute(stmt)}


def _values(action: str, now: float, default_attempts: int) -> dict[str, Any]:
    if action == "kill":
        # A job that already ran keeps the time its last run ended.
        finished = func.coalesce(job_t.c.finished_at, now)
        return {"state": S.DEAD.value, "finished_at": finished, "lease_until": None}
    enqueue_now: dict[str, Any] = {
        "state": S.ENQUEUED.value,
        "run_at": now,
        "cancel_requested": False,
    }
    if action == "retry":
        # A person's retry always gets at least one more attempt; the last run's start and
        # worker go, so the page does not show them as the coming run's.
        enqueue_now["finished_at"] = None
        enqueue_now["started_at"] = None
        enqueue_now["worker_id"] = None
        enqueue_now["max_attempts"] = case(
            (
                job_t.c.attempt >= func.coalesce(job_t.c.max_attempts, default_attempts),
                job_t.c.attempt + 1,
            ),
            else_=job_t.c.max_attempts,
        )
    return enqueue_now


def _cancel(conn: Connection, ids: list[int], now: float) -> tuple[set[int], set[int]]:
    """Cancel waiting jobs now; ask running ones to stop. Returns (cancelled, asked)."""
    waiting = (S.SCHEDULED.value, S.ENQUEUED.value, S.RETRYING.value)
    stopped = conn.execute(
        update(job_t)
        .where(job_t.c.id.in_(ids), job_t.c.state.in_(waiting))
        .values(state=S.CANCELLED.value, finished_at=now)
        .returning(job_t.c.id)
    )
    changed = {r[0] for r in stopped}
    # Running jobs are cancelled cooperatively: their worker sees the flag at its next heartbeat.
    asked = conn.execute(
        update(job_t)
        .where(job_t.c.id.in_(ids), job_t.c.state == S.PROCESSING.value)
        .values(cancel_requested=True)
        .returning(job_t.c.id)
    )
    return changed, {r[0] for r in asked}


def _reason(action: str, state: str) -> str:
    if action == "kill" and state == S.PROCESSING.value:
        return "processing: cancel it instead"
    if action == "kill" and state == S.DEAD.value:
        return "already dead"
    if action == "run_now":
        return f"{state}: only scheduled and retrying jobs can run now"
    if state == S.PROCESSING.value:
        return "already processing"
    if state == S.ENQUEUED.value:
        return "already enqueued"
    return f"already {state}"
