"""Jobs that misbehave end their own attempt, never the worker or other jobs."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from backend.jobs import NewJob, Store, Worker, act, enqueue, enqueue_many, job
from backend.jobs.errors import ConfigError
from backend.jobs.models import job_t

from support import states


@pytest.mark.parametrize("kind", ["undecodable_name", "exits", "exits_async", "unprintable"])
def test_a_misbehaving_job_fails_alone_and_the_rest_run(store: Store, run_log, kind: str) -> None:
    bad = enqueue(kind, {})
    good = enqueue_many([NewJob("record", {"n": i}) for i in range(3)])

    asyncio.run(Worker(store, concurrency=2, burst=True).run())

    final = states(store)
    assert final[bad] == "dead"
    assert all(final[i] == "succeeded" for i in good)
    with store.read() as conn:
        error = conn.execute(select(job_t.c.error).where(job_t.c.id == bad)).scalar_one()
    assert error.split(":")[0] in ("ValueError", "SystemExit", "KeyboardInterrupt", "Unprintable")


def test_ids_are_never_reused_after_the_newest_job_is_deleted(store: Store) -> None:
    first = enqueue("record", {"n": 1})
    act(store, "delete", ids=[first])
    second = enqueue("record", {"n": 2})
    many = enqueue_many([NewJob("record", {"n": 3})])
    assert second > first and many[0] > second


def test_generators_cannot_be_jobs() -> None:
    with pytest.raises(ConfigError, match="generator"):

        @job(kind="gen")
        async def gen() -> None:  # type: ignore[misc]
            yield 1


def test_hand_back_ends_a_cancel_requested_job_cancelled(store: Store) -> None:
    from backend.jobs import claims

    job_id = enqueue("record", {"n": 1})
    with store.raw_write() as cur:
        claimed = claims.claim(cur, "w1", None, 10, store.now(), 30).jobs
    assert [j["id"] for j in claimed] == [job_id]
    act(store, "cancel", ids=[job_id])
    with store.raw_write() as cur:
        claims.hand_back(cur, "w1", [job_id])
    assert states(store)[job_id] == "cancelled"


def test_a_worker_stops_a_job_whose_lease_another_worker_took(db_url: str) -> None:
    import threading
    import time

    from sqlalchemy import update

    from backend.settings import Settings

    store = Store(settings=Settings.from_env(database_url=db_url, heartbeat_seconds=0.1))
    job_id = enqueue("cooperative", {"seconds": 20}, store=store)

    def take_over_once_running() -> None:
        while states(store)[job_id] != "processing":
            time.sleep(0.02)
        with store.write() as conn:
            conn.execute(update(job_t).where(job_t.c.id == job_id).values(worker_id="other"))

    helper = threading.Thread(target=take_over_once_running)
    helper.start()
    started = time.monotonic()
    asyncio.run(Worker(store, burst=True).run())
    helper.join()

    assert time.monotonic() - started < 5, "the attempt was stopped, not run to its end"
    with store.read() as conn:
        row = conn.execute(select(job_t).where(job_t.c.id == job_id)).mappings().one()
    assert (row["state"], row["worker_id"]) == ("processing", "other"), "left to its new owner"
