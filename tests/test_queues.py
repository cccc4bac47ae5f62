"""Queues: create, configure, pause, resume, purge, delete; paused queues are not worked."""

from __future__ import annotations

import asyncio

import pytest

from backend.jobs import Conflict, InvalidInput, NotFound, Store, Worker, enqueue
from backend.jobs.queues import (
    QueueSettings,
    create_queue,
    delete_queue,
    get_queue,
    list_queues,
    purge_queue,
    set_paused,
    update_queue,
)

from support import assert_counts_match, read_log, states


def test_paused_queue_is_not_worked_until_resumed(store: Store, run_log) -> None:
    held = enqueue("record", {"n": 1}, queue="held")
    free = enqueue("record", {"n": 2}, queue="free")
    set_paused(store, "held", True)

    asyncio.run(Worker(store, burst=True).run())
    assert states(store) == {held: "enqueued", free: "succeeded"}

    set_paused(store, "held", False)
    asyncio.run(Worker(store, burst=True).run())
    assert states(store)[held] == "succeeded"


def test_worker_limited_to_some_queues_leaves_the_others(store: Store, run_log) -> None:
    mine = enqueue("record", {"n": 1}, queue="mine")
    other = enqueue("record", {"n": 2}, queue="other")
    asyncio.run(Worker(store, queues=["mine"], burst=True).run())
    assert states(store) == {mine: "succeeded", other: "enqueued"}


def test_create_update_and_list_queues(store: Store) -> None:
    create_queue(store, "mail", QueueSettings(max_attempts=3))
    with pytest.raises(Conflict):
        create_queue(store, "mail")
    updated = update_queue(store, "mail", {"max_concurrency": 2, "min_backoff": 1})
    assert (updated["max_attempts"], updated["max_concurrency"]) == (3, 2)
    enqueue("record", {"n": 1}, queue="implicit")
    assert [q["name"] for q in list_queues(store)] == ["implicit", "mail"]


@pytest.mark.parametrize(
    "changes",
    [
        {"max_concurrency": 0},
        {"max_attempts": -1},
        {"rate_limit": 0},
        {"min_backoff": 10, "max_backoff": 5},
        {"max_backoff": "soon"},
        {"colour": "blue"},
    ],
)
def test_bad_settings_are_refused(store: Store, changes: dict) -> None:
    create_queue(store, "q")
    with pytest.raises(InvalidInput):
        update_queue(store, "q", changes)
    assert get_queue(store, "q")["max_attempts"] is None


def test_purge_deletes_waiting_jobs_only(store: Store, run_log) -> None:
    done = enqueue("record", {"n": 1}, queue="q")
    asyncio.run(Worker(store, burst=True).run())
    waiting = [enqueue("record", {"n": i}, queue="q") for i in range(3)]
    scheduled = enqueue("record", {"n": 9}, queue="q", delay=60)

    assert purge_queue(store, "q") == len(waiting) + 1
    assert states(store) == {done: "succeeded"}
    assert scheduled not in states(store)
    assert_counts_match(store)


def test_delete_queue_removes_it_and_its_jobs(store: Store) -> None:
    enqueue("record", {"n": 1}, queue="gone")
    assert delete_queue(store, "gone") == 1
    with pytest.raises(NotFound):
        get_queue(store, "gone")
    with pytest.raises(NotFound):
        delete_queue(store, "gone")
    assert_counts_match(store)


def test_max_concurrency_caps_claims_across_the_queue(store: Store, run_log) -> None:
    create_queue(store, "narrow", QueueSettings(max_concurrency=1))
    for i in range(3):
        enqueue("slow", {"n": i, "seconds": 0.05}, queue="narrow")
    asyncio.run(Worker(store, concurrency=4, burst=True).run())
    lines = read_log(run_log)
    starts = [float(x[4]) for x in lines if x[0] == "start"]
    ends = [float(x[4]) for x in lines if x[0] == "end"]
    assert all(starts[i + 1] >= ends[i] for i in range(2)), "one at a time"
