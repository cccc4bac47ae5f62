"""Queue limits across workers: a token bucket for the rate, the processing count for the cap."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from backend.jobs import ManualClock, NewJob, Store, enqueue_many
from backend.jobs.claims import Claim, claim
from backend.jobs.models import job_t, queue_t
from backend.jobs.queues import QueueSettings, create_queue, update_queue
from backend.settings import Settings

from support import assert_counts_match, read_log, states, worker_process


def _claim(store: Store, want: int = 50) -> Claim:
    with store.raw_write() as cur:
        return claim(cur, "w1", None, want, store.now(), 30.0)


@pytest.fixture
def clocked(db_url: str) -> Store:
    return Store(settings=Settings.from_env(database_url=db_url), clock=ManualClock())


def test_claims_take_at_most_the_tokens_in_the_bucket(clocked: Store) -> None:
    create_queue(clocked, "api", QueueSettings(rate_limit=2, rate_burst=3))
    enqueue_many([NewJob("record", {"n": i}, queue="api") for i in range(20)], store=clocked)
    now = clocked.now()

    first = _claim(clocked)
    assert len(first.jobs) == 3, "a full bucket holds the burst"
    assert first.wake_at == pytest.approx(now + 0.5)
    assert _claim(clocked).jobs == []

    clocked.clock.advance(0.5)  # type: ignore[attr-defined]
    assert len(_claim(clocked).jobs) == 1
    clocked.clock.advance(60)  # type: ignore[attr-defined]
    assert len(_claim(clocked).jobs) == 3, "an idle bucket fills up to the burst, no further"


def test_default_burst_is_the_rate_and_at_least_one(clocked: Store) -> None:
    create_queue(clocked, "slow", QueueSettings(rate_limit=0.5))
    create_queue(clocked, "fast", QueueSettings(rate_limit=4))
    jobs = [NewJob("record", {"n": i}, queue=q) for q in ("slow", "fast") for i in range(10)]
    enqueue_many(jobs, store=clocked)

    taken = _claim(clocked).jobs

    assert sorted(j["queue"] for j in taken) == ["fast"] * 4 + ["slow"]
    clocked.clock.advance(1.0)  # type: ignore[attr-defined]
    again = _claim(clocked)
    assert sorted(j["queue"] for j in again.jobs) == ["fast"] * 4
    assert again.wake_at == pytest.approx(clocked.now() + 0.25)


def test_a_queue_without_a_rate_limit_never_touches_its_bucket(clocked: Store) -> None:
    create_queue(clocked, "free")
    enqueue_many([NewJob("record", {"n": i}, queue="free") for i in range(5)], store=clocked)

    result = _claim(clocked)

    assert len(result.jobs) == 5 and result.wake_at is None
    with clocked.read() as conn:
        bucket = conn.execute(select(queue_t.c.rate_tokens, queue_t.c.rate_refilled_at)).one()
    assert tuple(bucket) == (None, None)


def test_lowering_the_burst_caps_tokens_already_saved(clocked: Store) -> None:
    create_queue(clocked, "api", QueueSettings(rate_limit=1, rate_burst=10))
    enqueue_many([NewJob("record", {"n": i}, queue="api") for i in range(20)], store=clocked)
    update_queue(clocked, "api", {"rate_burst": 2})

    assert len(_claim(clocked).jobs) == 2


def _claimed_at(store: Store) -> list[tuple[float, str]]:
    with store.read() as conn:
        rows = conn.execute(select(job_t.c.started_at, job_t.c.worker_id)).all()
    return sorted((r[0], r[1]) for r in rows)


def test_rate_limit_holds_across_worker_processes(store: Store, db_url: str, run_log: Path) -> None:
    rate, burst, count = 10.0, 2, 30
    create_queue(store, "api", QueueSettings(rate_limit=rate, rate_burst=burst))
    enqueue_many([NewJob("slow", {"n": i, "seconds": 0}, queue="api") for i in range(count)])

    workers = [worker_process(db_url, "--concurrency", "8", "--burst") for _ in range(2)]
    for w in workers:
        assert w.wait(timeout=60) == 0, w.stderr.read() if w.stderr else ""

    claims = _claimed_at(store)
    times = [t for t, _ in claims]
    assert set(states(store).values()) == {"succeeded"}
    # However the two processes interleave, no window sees more claims than the bucket allows.
    # A claim is stamped with its worker's time from just before it waited for the write lock,
    # which the slack covers.
    for i in range(count):
        for j in range(i + 1, count):
            allowed = burst + rate * (times[j] - times[i] + 0.1)
            assert j - i + 1 <= allowed, f"{j - i + 1} claims in {times[j] - times[i]:.3f} s"
    assert times[-1] - times[0] >= (count - burst) / rate - 0.1
    assert len({worker for _, worker in claims}) == 2, "both worker processes took part"
    assert len(read_log(run_log)) == 2 * count
    assert_counts_match(store)


def test_max_concurrency_holds_across_worker_processes(
    store: Store, db_url: str, run_log: Path
) -> None:
    create_queue(store, "narrow", QueueSettings(max_concurrency=2))
    enqueue_many([NewJob("slow", {"n": i, "seconds": 0.2}, queue="narrow") for i in range(8)])

    workers = [worker_process(db_url, "--concurrency", "4", "--burst") for _ in range(2)]
    for w in workers:
        assert w.wait(timeout=60) == 0, w.stderr.read() if w.stderr else ""

    events = sorted(
        (float(x[4]), 1 if x[0] == "start" else -1) for x in read_log(run_log) if x[0] != "run"
    )
    running, most = 0, 0
    for _, change in events:
        running += change
        most = max(most, running)
    assert most == 2
    assert set(states(store).values()) == {"succeeded"}
