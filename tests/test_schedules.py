"""Schedules: declared and managed, fired exactly once across workers, through DST nights."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from backend.jobs import Conflict, InvalidInput, JobFilter, ManualClock, NotFound, Store, job
from backend.jobs import schedules as sch
from backend.jobs.listing import list_jobs, list_workers
from backend.jobs.models import job_t, schedule_t
from backend.jobs.schedules import ScheduleSpec, create_schedule, run_due
from backend.settings import Settings

from support import read_log, wait_until, worker_process

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
FAR_AWAY = "0 0 1 1 *"  # New Year only: never fires by itself during a test


def _store(db_url: str, clock: ManualClock, **settings: object) -> Store:
    return Store(settings=Settings.from_env(database_url=db_url, **settings), clock=clock)


def _at(zone: ZoneInfo, *parts: int, fold: int = 0) -> float:
    return datetime(*parts, tzinfo=zone, fold=fold).timestamp()  # type: ignore[misc]


def _run_ats(store: Store, name: str) -> list[float]:
    with store.read() as conn:
        rows = conn.execute(
            select(job_t.c.run_at).where(job_t.c.schedule == name).order_by(job_t.c.run_at)
        )
        return [r[0] for r in rows]


def _walk(store: Store, clock: ManualClock, until: float, step: float = 300.0) -> None:
    while clock.now() < until:
        clock.advance(step)
        run_due(store)


@pytest.mark.parametrize(
    ("zone", "cron", "start", "expected"),
    [
        # The clock jumps from 02:00 to 03:00: the 02:30 run happens at the jump, once.
        (BERLIN, "30 2 * * *", (2026, 3, 28, 12), [(2026, 3, 29, 3, 0), (2026, 3, 30, 2, 30)]),
        # 02:30 happens twice: the run happens the first time only.
        (BERLIN, "30 2 * * *", (2026, 10, 24, 12), [(2026, 10, 25, 2, 30), (2026, 10, 26, 2, 30)]),
        (NEW_YORK, "30 2 * * *", (2026, 3, 7, 12), [(2026, 3, 8, 3, 0), (2026, 3, 9, 2, 30)]),
        (NEW_YORK, "30 1 * * *", (2026, 10, 31, 12), [(2026, 11, 1, 1, 30), (2026, 11, 2, 1, 30)]),
    ],
)
def test_a_daily_run_is_neither_skipped_nor_doubled_by_dst(
    db_url: str, zone: ZoneInfo, cron: str, start: tuple[int, ...], expected: list[tuple[int, ...]]
) -> None:
    clock = ManualClock(_at(zone, *start))
    store = _store(db_url, clock)
    create_schedule(store, ScheduleSpec("nightly", cron, "record", timezone=zone.key))

    _walk(store, clock, until=clock.now() + 2 * 86400)

    assert _run_ats(store, "nightly") == [_at(zone, *parts) for parts in expected]


@pytest.mark.parametrize(
    ("zone", "night"),
    [
        (BERLIN, (2026, 3, 28, 22)),
        (BERLIN, (2026, 10, 24, 22)),
        (NEW_YORK, (2026, 3, 7, 22)),
        (NEW_YORK, (2026, 10, 31, 22)),
    ],
)
def test_an_hourly_schedule_runs_once_per_real_hour_through_dst(
    db_url: str, zone: ZoneInfo, night: tuple[int, ...]
) -> None:
    clock = ManualClock(_at(zone, *night) + 60)
    store = _store(db_url, clock)
    create_schedule(store, ScheduleSpec("hourly", "0 * * * *", "record", timezone=zone.key))

    _walk(store, clock, until=clock.now() + 8 * 3600, step=120)

    runs = _run_ats(store, "hourly")
    assert len(runs) == 8
    assert {b - a for a, b in pairwise(runs)} == {3600.0}


def test_a_restarted_scheduler_catches_up_once_by_default(db_url: str) -> None:
    clock = ManualClock(_at(BERLIN, 2026, 6, 1, 12, 1))
    store = _store(db_url, clock)
    create_schedule(store, ScheduleSpec("often", "*/5 * * * *", "record"))

    clock.advance(3 * 3600)  # every worker was down for three hours
    made = run_due(store)

    assert len(made) == 1
    assert _run_ats(store, "often") == [_at(BERLIN, 2026, 6, 1, 15, 0)]
    assert sch.get_schedule(store, "often")["next_run_at"] == _at(BERLIN, 2026, 6, 1, 15, 5)
    assert run_due(store) == []


def test_catch_up_can_allow_more_runs(db_url: str) -> None:
    clock = ManualClock(_at(BERLIN, 2026, 6, 1, 12, 1))
    store = _store(db_url, clock, schedule_catch_up=3)
    create_schedule(store, ScheduleSpec("often", "*/5 * * * *", "record"))

    clock.advance(3 * 3600)
    run_due(store)

    assert _run_ats(store, "often") == [_at(BERLIN, 2026, 6, 1, 14, m) for m in (50, 55)] + [
        _at(BERLIN, 2026, 6, 1, 15, 0)
    ]


def test_a_due_time_taken_by_another_worker_is_not_enqueued_again(db_url: str) -> None:
    clock = ManualClock(_at(BERLIN, 2026, 6, 1, 12, 1))
    store = _store(db_url, clock)
    create_schedule(store, ScheduleSpec("often", "*/5 * * * *", "record"))
    clock.advance(300)
    with store.raw_read() as cur:
        stale = cur.rows(sch.DUE, now=clock.now())[0]

    assert len(run_due(store)) == 1
    with store.raw_write() as cur:
        assert sch._fire(store, cur, stale, clock.now()) == []
    assert len(_run_ats(store, "often")) == 1


def test_pause_resume_trigger_and_delete(db_url: str) -> None:
    clock = ManualClock(_at(BERLIN, 2026, 6, 1, 12, 1))
    store = _store(db_url, clock)
    create_schedule(store, ScheduleSpec("often", "*/5 * * * *", "record", args={"n": 3}))

    paused = sch.set_paused(store, "often", True)
    clock.advance(3600)
    assert run_due(store) == [] and paused["next_run_at"] is None

    job_id = sch.trigger(store, "often")  # by hand, even while paused
    resumed = sch.set_paused(store, "often", False)
    assert resumed["next_run_at"] == _at(BERLIN, 2026, 6, 1, 13, 5), "no catch-up for a pause"
    assert resumed["last_job_id"] == job_id and resumed["last_run_at"] == clock.now()
    assert [j["id"] for j in resumed["recent_jobs"]] == [job_id]

    sch.delete_schedule(store, "often")
    with pytest.raises(NotFound):
        sch.get_schedule(store, "often")
    page = list_jobs(store, JobFilter(schedule="often"))
    assert [j["id"] for j in page.items] == [job_id] and page.total == 1
    assert page.items[0]["schedule"] == "often"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (ScheduleSpec("s", "61 * * * *", "record"), "not valid"),
        (ScheduleSpec("s", "* * * * * *", "record"), "five fields"),
        (ScheduleSpec("s", "0 0 30 2 *", "record"), "matches no date"),
        (ScheduleSpec("s", "@daily", "record", timezone="Mars/Base"), "time zone"),
        (
            ScheduleSpec("s", "@daily", "roost.http", args={"method": "GET", "url": "ftp://x"}),
            "url",
        ),
        (ScheduleSpec("bad name", "@daily", "record"), "not a valid name"),
    ],
)
def test_bad_schedules_are_refused(store: Store, spec: ScheduleSpec, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        create_schedule(store, spec)
    assert sch.list_schedules(store) == []


def test_names_are_unique_and_words_describe_the_expression(store: Store) -> None:
    made = create_schedule(
        store, ScheduleSpec("weekdays", "30 2 * * 1-5", "record", timezone="Europe/Berlin")
    )
    with pytest.raises(Conflict):
        create_schedule(store, ScheduleSpec("weekdays", "@hourly", "record"))
    assert made["description"] == "At 02:30, Monday through Friday (Europe/Berlin)"
    assert made["source"] == "api" and made["queue"] == "default"


def test_declared_schedules_are_synced_without_losing_their_paused_state(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sch, "DECLARED", {})
    clock = ManualClock(_at(BERLIN, 2026, 6, 1, 12, 1))
    store = _store(db_url, clock)

    @job(kind="test.declared", queue="reports", schedule=("0 9 * * *", "Europe/Berlin"))
    def declared() -> None:
        """A kind declared with its schedule."""

    sch.schedule("extra", FAR_AWAY, "record", args={"n": 1})
    assert sch.sync_declared(store) == 2
    sch.set_paused(store, "test.declared", True)

    sch.DECLARED["extra"] = ScheduleSpec("extra", "@hourly", "record", args={"n": 2})
    sch.sync_declared(store)

    kept = sch.get_schedule(store, "test.declared")
    changed = sch.get_schedule(store, "extra")
    assert kept["paused"] is True and kept["queue"] == "reports" and kept["source"] == "code"
    assert changed["args"] == {"n": 2} and changed["next_run_at"] == _at(BERLIN, 2026, 6, 1, 13)


def test_each_due_time_is_enqueued_once_by_racing_worker_processes(
    store: Store, db_url: str, run_log: Path
) -> None:
    names = [f"race-{i}" for i in range(8)]
    for i, name in enumerate(names):
        create_schedule(store, ScheduleSpec(name, FAR_AWAY, "record", args={"n": i}))
    env = {"ROOST_SCHEDULER_SECONDS": "0.01"}
    workers = [worker_process(db_url, "--import", "fixture_schedules", env=env) for _ in range(3)]
    try:
        wait_until(lambda: len(list_workers(store)) == 3, what="three workers to start")
        rounds = 5
        for done in range(1, rounds + 1):
            with store.write() as conn:  # every schedule's time comes, all at once
                conn.execute(
                    update(schedule_t)
                    .where(schedule_t.c.name.in_(names))
                    .values(next_run_at=store.now() - 0.5)
                )
            wait_until(
                lambda d=done: len(read_log(run_log)) >= d * len(names),
                what=f"round {done} of runs",
            )
        declared = {s["name"]: s for s in sch.list_schedules(store)}
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            assert w.wait(timeout=30) == 0, w.stderr.read() if w.stderr else ""

    with store.read() as conn:
        per_schedule = Counter(
            r[0] for r in conn.execute(select(job_t.c.schedule).where(job_t.c.schedule.in_(names)))
        )
    assert per_schedule == dict.fromkeys(names, rounds)
    runs = Counter(int(line[1]) for line in read_log(run_log))
    assert len(runs) == rounds * len(names) and set(runs.values()) == {1}
    assert declared["fixture.yearly"]["source"] == "code"
    assert declared["fixture.report"]["timezone"] == "America/New_York"
