"""Retry backoff and dead jobs, checked against a controllable clock."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import select

from backend.jobs import ManualClock, Store, Worker, enqueue
from backend.jobs.models import attempt_t, job_t
from backend.jobs.queues import QueueSettings, create_queue
from backend.jobs.retry import RetryPolicy, after_failure, backoff_seconds
from backend.settings import Settings

from support import assert_counts_match


def burst(store: Store) -> None:
    asyncio.run(Worker(store, burst=True, rng=random.Random(7)).run())


def job_row(store: Store, job_id: int) -> dict:
    with store.read() as conn:
        return dict(conn.execute(select(job_t).where(job_t.c.id == job_id)).mappings().one())


def test_a_failing_job_follows_the_backoff_and_ends_dead_with_every_error(db_url: str) -> None:
    clock = ManualClock()
    store = Store(settings=Settings.from_env(database_url=db_url), clock=clock)
    job_id = enqueue("always_fails", {"n": 1}, store=store)

    for attempt in (1, 2, 3):
        burst(store)
        row = job_row(store, job_id)
        assert (row["state"], row["attempt"]) == ("retrying", attempt)
        delay = row["run_at"] - row["finished_at"]
        low = attempt**4 + 15
        assert low <= delay <= low + 10 * (attempt + 1)

        clock.advance(delay - 1)
        burst(store)
        assert job_row(store, job_id)["attempt"] == attempt, "it must not run before its time"
        clock.advance(1)

    burst(store)
    row = job_row(store, job_id)
    assert (row["state"], row["attempt"]) == ("dead", 4)
    with store.read() as conn:
        attempts = (
            conn.execute(
                select(attempt_t).where(attempt_t.c.job_id == job_id).order_by(attempt_t.c.attempt)
            )
            .mappings()
            .all()
        )
    assert [a["attempt"] for a in attempts] == [1, 2, 3, 4]
    for a in attempts:
        assert a["error_class"] == "RuntimeError"
        assert a["error_message"] == f"failure number {a['attempt']} for 1"
        assert "fixture_jobs.py" in a["traceback"] and "RuntimeError" in a["traceback"]
    assert_counts_match(store)


def test_queue_retry_settings_apply_to_jobs_without_their_own(db_url: str) -> None:
    clock = ManualClock()
    store = Store(settings=Settings.from_env(database_url=db_url), clock=clock)
    create_queue(store, "fragile", QueueSettings(max_attempts=2, max_backoff=5))
    job_id = enqueue("record", {"n": "not a number", "extra": 1}, queue="fragile", store=store)

    burst(store)
    row = job_row(store, job_id)
    assert row["state"] == "retrying"
    assert row["run_at"] - row["finished_at"] <= 5
    clock.advance(5)
    burst(store)
    assert job_row(store, job_id)["state"] == "dead"


def test_backoff_grows_and_respects_bounds() -> None:
    policy = RetryPolicy(max_attempts=25)
    rng = random.Random(1)
    delays = [backoff_seconds(a, policy, rng) for a in range(1, 10)]
    assert delays == sorted(delays)
    bounded = RetryPolicy(max_attempts=25, min_backoff=60, max_backoff=120)
    assert backoff_seconds(1, bounded, rng) == 60
    assert backoff_seconds(9, bounded, rng) == 120


def test_max_retry_duration_ends_retries_early() -> None:
    policy = RetryPolicy(max_attempts=25, max_retry_duration=100)
    assert after_failure(1, 0.0, 10.0, policy)[0] == "retrying"
    assert after_failure(3, 0.0, 90.0, policy)[0] == "dead"
    assert after_failure(25, 0.0, 1.0, RetryPolicy(max_attempts=25))[0] == "dead"
