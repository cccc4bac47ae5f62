"""Running attempts: timeouts, cooperative cancel, unknown kinds, current_job()."""

from __future__ import annotations

import asyncio
import threading
import time

from sqlalchemy import select

from backend.jobs import RoostError, Store, Worker, act, current_job, enqueue
from backend.jobs.models import attempt_t, job_t
from backend.settings import Settings

from support import states


def errors(store: Store, job_id: int) -> list[tuple[str, str]]:
    with store.read() as conn:
        rows = conn.execute(
            select(attempt_t.c.error_class, attempt_t.c.error_message).where(
                attempt_t.c.job_id == job_id
            )
        )
        return [tuple(r) for r in rows]


def test_sync_job_over_its_timeout_fails_that_attempt(store: Store) -> None:
    job_id = enqueue("spin", {"seconds": 5})
    started = time.monotonic()
    asyncio.run(Worker(store, burst=True).run())
    assert time.monotonic() - started < 3
    assert states(store)[job_id] == "retrying"
    assert errors(store, job_id) == [("JobTimeout", "the job ran longer than its timeout of 0.3 s")]


def test_async_job_over_its_timeout_fails_that_attempt(store: Store) -> None:
    job_id = enqueue("nap", {"seconds": 5})
    asyncio.run(Worker(store, burst=True).run())
    assert errors(store, job_id)[0][0] == "JobTimeout"


def test_unknown_kind_fails_with_an_error_naming_it(store: Store) -> None:
    job_id = enqueue("nobody.registered.this", {})
    asyncio.run(Worker(store, burst=True).run())
    [(cls, message)] = errors(store, job_id)
    assert cls == "UnknownKind" and "'nobody.registered.this'" in message


def test_running_job_is_cancelled_at_the_next_heartbeat(db_url: str) -> None:
    settings = Settings.from_env(database_url=db_url, heartbeat_seconds=0.1)
    store = Store(settings=settings)
    job_id = enqueue("cooperative", {"seconds": 20}, store=store)
    worker = Worker(store, burst=True)

    def cancel_once_running() -> None:
        while states(store)[job_id] != "processing":
            time.sleep(0.02)
        act(store, "cancel", ids=[job_id])

    helper = threading.Thread(target=cancel_once_running)
    helper.start()
    started = time.monotonic()
    asyncio.run(worker.run())
    helper.join()

    assert time.monotonic() - started < 5
    assert states(store)[job_id] == "cancelled"
    with store.read() as conn:
        error = conn.execute(select(job_t.c.error).where(job_t.c.id == job_id)).scalar_one()
    assert error.startswith("JobCancelled")


def test_current_job_outside_a_job_says_so() -> None:
    try:
        current_job()
    except RoostError as exc:
        assert "outside a running job" in str(exc)
    else:
        raise AssertionError("current_job() must raise outside a job")
