"""Actions people take on jobs: each refuses what makes no sense and says why."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update

from backend.jobs import (
    Conflict,
    InvalidInput,
    JobFilter,
    NewJob,
    NotFound,
    Store,
    Worker,
    act,
    act_one,
    enqueue,
    enqueue_many,
)
from backend.jobs.models import job_t

from support import assert_counts_match, states


def set_state(store: Store, job_id: int, state: str) -> None:
    with store.write() as conn:
        conn.execute(update(job_t).where(job_t.c.id == job_id).values(state=state))


def test_kill_refuses_processing_and_dead_jobs_with_reasons(store: Store) -> None:
    ids = enqueue_many([NewJob("record", {"n": i}) for i in range(4)])
    set_state(store, ids[0], "processing")
    set_state(store, ids[1], "dead")

    result = act(store, "kill", ids=[*ids, 999_999])

    assert result.changed == 2 and result.matched == 4
    assert {s["id"]: s["reason"] for s in result.skipped} == {
        ids[0]: "processing: cancel it instead",
        ids[1]: "already dead",
        999_999: "not found",
    }
    assert result.summary() == (
        "2 killed, 3 skipped: 1 processing: cancel it instead, 1 already dead, 1 not found"
    )
    assert_counts_match(store)


def test_retry_gives_a_dead_job_at_least_one_more_attempt(store: Store, run_log) -> None:
    job_id = enqueue("always_fails", {"n": 1}, max_attempts=1)
    asyncio.run(Worker(store, burst=True).run())
    assert states(store)[job_id] == "dead"

    act_one(store, "retry", job_id)
    assert states(store)[job_id] == "enqueued"
    asyncio.run(Worker(store, burst=True).run())
    assert states(store)[job_id] == "dead", "it ran once more and failed again"


def test_act_one_raises_not_found_and_conflict(store: Store) -> None:
    job_id = enqueue("record", {"n": 1})
    with pytest.raises(NotFound):
        act_one(store, "kill", 424242)
    with pytest.raises(Conflict, match="already enqueued"):
        act_one(store, "retry", job_id)
    with pytest.raises(Conflict, match="only scheduled and retrying"):
        act_one(store, "run_now", job_id)


def test_cancel_stops_waiting_jobs_and_flags_running_ones(store: Store) -> None:
    waiting = enqueue("record", {"n": 1}, delay=60)
    running = enqueue("record", {"n": 2})
    set_state(store, running, "processing")

    result = act(store, "cancel", ids=[waiting, running])

    assert result.changed == 2
    assert result.summary() == "1 cancelled, 1 running asked to stop"
    assert states(store) == {waiting: "cancelled", running: "processing"}


def test_filters_select_by_queue_state_kind_and_literal_text(store: Store) -> None:
    enqueue("record", {"n": "100%_done"}, queue="a")
    enqueue("record", {"n": "100 done"}, queue="a")
    enqueue("record", {"n": "100%_done"}, queue="b", delay=60)
    enqueue("slow", {"n": "Ёжик"}, queue="a")

    def kill_matching(**where) -> int:
        return act(store, "kill", where=JobFilter(**where)).matched

    assert kill_matching(text="%_d", queue="a", state="enqueued") == 1
    assert kill_matching(text="Ёжик") == 1
    assert kill_matching(kind="record", state="scheduled") == 1
    with pytest.raises(InvalidInput, match="state 'bogus' is unknown"):
        JobFilter(state="bogus")


def test_bulk_needs_ids_or_a_filter_but_not_both(store: Store) -> None:
    with pytest.raises(InvalidInput):
        act(store, "kill")
    with pytest.raises(InvalidInput):
        act(store, "kill", ids=[1], where=JobFilter())
    with pytest.raises(InvalidInput, match="action 'explode' is unknown"):
        act(store, "explode", ids=[1])


def test_delete_removes_jobs_of_any_state(store: Store) -> None:
    ids = enqueue_many([NewJob("record", {"n": i}) for i in range(1200)])
    result = act(store, "delete", where=JobFilter(kind="record"))
    assert result.changed == len(ids)
    assert states(store) == {}
    assert_counts_match(store)
