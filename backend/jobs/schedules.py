"""Recurring jobs: schedules declared in code or made through the API, and the step that
enqueues their runs.

Every worker runs the scheduler step. A due schedule's `next_run_at` is moved on by an update
guarded by the value it had, in the same transaction that enqueues the run, so however many
workers look at once each fire time is enqueued exactly once. After a downtime, a schedule
enqueues at most ROOST_SCHEDULE_CATCH_UP of the runs it missed (the latest ones), not all.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, delete, false, func, select, update

from backend.jobs import cron
from backend.jobs.cron import Cron
from backend.jobs.enqueue import NewJob, dump_args, insert_row, to_row
from backend.jobs.errors import ConfigError, Conflict, NotFound, RoostError
from backend.jobs.filters import visible_state
from backend.jobs.models import job_t, schedule_t
from backend.jobs.registry import check_name
from backend.jobs.sql import Cursor, RawStatement
from backend.jobs.store import Store

log = logging.getLogger(__name__)
P = bindparam
RECENT_JOBS = 5
DEFINITION = ("cron", "timezone", "kind", "args", "queue", "priority")


@dataclass(frozen=True)
class ScheduleSpec:
    """What a schedule enqueues, and when; unset queue and priority come from the kind."""

    name: str
    cron: str
    kind: str
    args: dict[str, Any] | list[Any] = field(default_factory=dict)
    queue: str | None = None
    timezone: str = "UTC"
    priority: int | None = None

    def check(self) -> Cron:
        """Validate every field; return the parsed expression."""
        check_name("schedule", self.name)
        check_name("kind", self.kind)
        if self.queue is not None:
            check_name("queue", self.queue)
        dump_args(self.args)
        return cron.parse(self.cron, self.timezone)

    def row(self, now: float) -> dict[str, Any]:
        """The schedule's definition columns, with the kind's defaults filled in."""
        parsed = self.check()
        probe = to_row(self._new_job(now), now)  # refuses args the kind's check refuses
        return {
            "name": self.name,
            "cron": parsed.expression,
            "timezone": parsed.timezone,
            "kind": self.kind,
            "args": probe["args"],
            "queue": probe["queue"],
            "priority": probe["priority"],
        }

    def _new_job(self, run_at: float) -> NewJob:
        return NewJob(self.kind, self.args, queue=self.queue, priority=self.priority, run_at=run_at)


DECLARED: dict[str, ScheduleSpec] = {}


def schedule(
    name: str,
    cron_expression: str,
    kind: str,
    args: dict[str, Any] | list[Any] | None = None,
    queue: str | None = None,
    timezone: str = "UTC",
    priority: int | None = None,
) -> ScheduleSpec:
    """Declare a recurring job in code; workers that import the module keep it in the store."""
    spec = ScheduleSpec(name, cron_expression, kind, args or {}, queue, timezone, priority)
    spec.check()
    existing = DECLARED.get(name)
    if existing is not None and existing != spec:
        raise ConfigError(f"schedule {name!r} is already declared with another definition")
    DECLARED[name] = spec
    return spec


# -- the scheduler step ---------------------------------------------------------------------

FIRST_DUE = RawStatement(
    lambda d: select(func.min(schedule_t.c.next_run_at)).where(schedule_t.c.paused == false())
)
DUE = RawStatement(
    lambda d: (
        select(schedule_t)
        .where(schedule_t.c.paused == false(), schedule_t.c.next_run_at <= P("now"))
        .order_by(schedule_t.c.next_run_at)
    )
)
ADVANCE = RawStatement(
    lambda d: (
        update(schedule_t)
        .where(schedule_t.c.name == P("name"), schedule_t.c.next_run_at == P("expected"))
        .values(next_run_at=P("next_run_at"))
    )
)
RAN = RawStatement(
    lambda d: (
        update(schedule_t)
        .where(schedule_t.c.name == P("name"))
        .values(last_run_at=P("now"), last_job_id=P("job_id"))
    )
)
ONE = RawStatement(lambda d: select(schedule_t).where(schedule_t.c.name == P("name")))


def run_due(store: Store) -> list[int]:
    """Enqueue the runs of every schedule whose time has come; return the new job ids."""
    now = store.now()
    with store.raw_read() as cur:
        first = cur.scalar(FIRST_DUE)
    if first is None or first > now:
        return []
    made: list[int] = []
    with store.raw_write() as cur:
        for row in cur.rows(DUE, now=now):
            made.extend(_fire(store, cur, row, now))
    return made


def _fire(store: Store, cur: Cursor, row: dict[str, Any], now: float) -> list[int]:
    catch_up = store.settings.schedule_catch_up
    try:
        parsed = cron.parse(row["cron"], row["timezone"])
        # next_run_at is itself due, even when it is not a fire time of the expression (the
        # row was changed by hand, or by a Roost that read expressions differently).
        fires = cron.recent_fires(parsed, row["next_run_at"], now, catch_up)
        fires = fires or [row["next_run_at"]]
        following = cron.next_fire(parsed, now)
        jobs = [_job_row(row, fire, now) for fire in fires]
    except RoostError as exc:
        # A schedule that cannot run (its kind now refuses its args, say) must not stop the
        # others; it waits an hour before it is looked at again.
        log.error(
            "schedule %s cannot enqueue its run: %s",
            row["name"],
            exc,
            extra={"action": "schedule_failed", "schedule": row["name"]},
        )
        jobs, following = [], now + 3600
    expected = {"name": row["name"], "expected": row["next_run_at"]}
    if cur.rowcount(ADVANCE, next_run_at=following, **expected) != 1:
        return []  # another worker enqueued this run first
    ids = [insert_row(store, cur, job) for job in jobs]
    if ids:
        cur.run(RAN, name=row["name"], now=now, job_id=ids[-1])
    for job_id, job in zip(ids, jobs, strict=True):
        log.info(
            "schedule %s enqueued its run",
            row["name"],
            extra={
                "action": "schedule_fired",
                "schedule": row["name"],
                "job_id": job_id,
                "kind": job["kind"],
                "queue": job["queue"],
            },
        )
    return ids


def _job_row(row: dict[str, Any], run_at: float, now: float) -> dict[str, Any]:
    new = NewJob(row["kind"], json.loads(row["args"]), queue=row["queue"], priority=row["priority"])
    new.run_at = min(run_at, now)
    job = to_row(new, now)
    job["schedule"] = row["name"]
    return job


def next_due(store: Store) -> float | None:
    """The earliest next_run_at of any schedule that is not paused."""
    with store.raw_read() as cur:
        value = cur.scalar(FIRST_DUE)
    return None if value is None else float(value)


# -- managing schedules ---------------------------------------------------------------------


def sync_declared(store: Store) -> int:
    """Write the schedules declared in this process into the store; return how many.

    A changed definition replaces the stored one; a paused schedule stays paused, and its next
    run is computed again only when its expression or time zone changed.
    """
    now = store.now()
    specs = list(DECLARED.values())
    rows = [spec.row(now) for spec in specs]
    with store.write() as conn:
        for new in rows:
            current = _get(conn, new["name"])
            if current is None:
                _insert(conn, new, "code", now)
                continue
            changes: dict[str, Any] = {**new, "source": "code"}
            if (current["cron"], current["timezone"]) != (new["cron"], new["timezone"]):
                changes["next_run_at"] = _first_after(new, now)
            conn.execute(update(schedule_t).where(schedule_t.c.name == new["name"]).values(changes))
    return len(rows)


def create_schedule(store: Store, spec: ScheduleSpec) -> dict[str, Any]:
    """Create a schedule; refuse a name that exists."""
    now = store.now()
    new = spec.row(now)
    with store.write() as conn:
        if _get(conn, spec.name) is not None:
            raise Conflict(f"schedule {spec.name!r} already exists")
        _insert(conn, new, "api", now)
    return get_schedule(store, spec.name)


def set_paused(store: Store, name: str, paused: bool) -> dict[str, Any]:
    """Pause a schedule, or resume it from its next fire time (missed runs are not caught up)."""
    now = store.now()
    with store.write() as conn:
        current = _existing(conn, name)
        values: dict[str, Any] = {"paused": paused}
        if not paused and current["paused"]:
            values["next_run_at"] = _first_after(current, now)
        conn.execute(update(schedule_t).where(schedule_t.c.name == name).values(values))
    return get_schedule(store, name)


def trigger(store: Store, name: str) -> int:
    """Enqueue one run of a schedule now, paused or not; its next run stays as it was."""
    check_name("schedule", name)
    now = store.now()
    with store.raw_write() as cur:
        found = cur.rows(ONE, name=name)
        if not found:
            raise NotFound(f"schedule {name!r} does not exist")
        job_id = insert_row(store, cur, _job_row(found[0], now, now))
        cur.run(RAN, name=name, now=now, job_id=job_id)
    log.info(
        "schedule %s triggered by hand",
        name,
        extra={"action": "schedule_triggered", "schedule": name, "job_id": job_id},
    )
    return job_id


def delete_schedule(store: Store, name: str) -> None:
    """Delete a schedule; the jobs it enqueued stay. A schedule declared in code comes back
    when a worker that declares it starts: pause it instead to stop it for good."""
    with store.write() as conn:
        _existing(conn, name)
        conn.execute(delete(schedule_t).where(schedule_t.c.name == name))


def get_schedule(store: Store, name: str) -> dict[str, Any]:
    """One schedule with its expression in words and its latest jobs."""
    now = store.now()
    with store.read() as conn:
        row = _existing(conn, name)
        return _described(conn, row, now)


def list_schedules(store: Store) -> list[dict[str, Any]]:
    """Every schedule by name, with its expression in words and its latest jobs."""
    now = store.now()
    with store.read() as conn:
        rows = conn.execute(select(schedule_t).order_by(schedule_t.c.name)).mappings()
        return [_described(conn, dict(r), now) for r in rows.all()]


def _described(conn: Connection, row: dict[str, Any], now: float) -> dict[str, Any]:
    recent = conn.execute(
        select(job_t.c.id, job_t.c.state, job_t.c.run_at, job_t.c.created_at, job_t.c.finished_at)
        .where(job_t.c.schedule == row["name"])
        .order_by(job_t.c.id.desc())
        .limit(RECENT_JOBS)
    ).mappings()
    try:
        description = cron.describe(cron.parse(row["cron"], row["timezone"]))
    except RoostError:
        description = row["cron"]
    return {
        **row,
        "args": json.loads(row["args"]),
        "paused": bool(row["paused"]),
        "next_run_at": None if row["paused"] else row["next_run_at"],
        "description": description,
        "recent_jobs": [
            {**dict(j), "state": visible_state(j["state"], j["run_at"], now)} for j in recent
        ],
    }


def _insert(conn: Connection, new: dict[str, Any], source: str, now: float) -> None:
    conn.execute(
        schedule_t.insert().values(
            **new,
            paused=False,
            source=source,
            next_run_at=_first_after(new, now),
            created_at=now,
        )
    )


def _first_after(row: dict[str, Any], now: float) -> float:
    return cron.next_fire(cron.parse(row["cron"], row["timezone"]), now)


def _get(conn: Connection, name: str) -> dict[str, Any] | None:
    found = conn.execute(select(schedule_t).where(schedule_t.c.name == name)).mappings().first()
    return dict(found) if found else None


def _existing(conn: Connection, name: str) -> dict[str, Any]:
    check_name("schedule", name)
    row = _get(conn, name)
    if row is None:
        raise NotFound(f"schedule {name!r} does not exist")
    return row
