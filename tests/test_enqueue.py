"""Enqueueing: validation before anything is stored, scheduling, bulk atomicity, claim order."""

from __future__ import annotations

import asyncio
import functools
import json
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from backend.jobs import InvalidArgs, InvalidInput, NewJob, Store, Worker, enqueue, enqueue_many
from backend.jobs.models import job_t

from support import assert_counts_match, read_log, states

NOT_JSON = [
    {"when": datetime(2030, 1, 1, tzinfo=UTC)},
    {"tags": {"a", "b"}},
    {"ratio": math.nan},
    {"ratio": math.inf},
    {"blob": b"bytes"},
    {"money": Decimal("1.5")},
    {1: "non-string key"},
    {"nested": [{"deep": object()}]},
    ("a", "tuple"),
    "a bare string",
    {"name": "report-\udcff.csv"},
    {"deep": functools.reduce(lambda inner, _: [inner], range(5000), [])},
]


def count_jobs(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(job_t)).scalar_one())


@pytest.mark.parametrize("args", NOT_JSON, ids=lambda a: type(a).__name__)
def test_non_json_args_are_refused_before_anything_is_stored(store: Store, args: object) -> None:
    with pytest.raises(InvalidArgs):
        enqueue("record", args)  # type: ignore[arg-type]
    assert count_jobs(store) == 0


def test_the_error_names_the_offending_value(store: Store) -> None:
    with pytest.raises(InvalidArgs, match=r"args\['nested'\]\[0\]\['deep'\] is a object"):
        enqueue("record", {"nested": [{"deep": object()}]})


def test_json_args_round_trip_with_unicode(store: Store) -> None:
    args = {"name": "Ёжик 東京 🦔", "n": 3, "ok": True, "none": None, "list": [1.5, "x"]}
    job_id = enqueue("record", args)
    with store.read() as conn:
        stored = conn.execute(select(job_t.c.args).where(job_t.c.id == job_id)).scalar_one()
    assert "Ёжик 東京 🦔" in stored


def test_bulk_enqueue_is_all_or_nothing(store: Store) -> None:
    jobs = [NewJob("record", {"n": i}) for i in range(10)] + [NewJob("record", {"x": {1, 2}})]
    with pytest.raises(InvalidArgs):
        enqueue_many(jobs)
    assert count_jobs(store) == 0

    ids = enqueue_many([NewJob("record", {"n": i}) for i in range(500)])
    assert ids == list(range(ids[0], ids[0] + 500))
    assert count_jobs(store) == 500
    assert_counts_match(store)


def test_delay_and_run_at_schedule_jobs(store: Store) -> None:
    later = enqueue("record", {"n": 1}, delay=60)
    at = enqueue("record", {"n": 2}, run_at=datetime.now(UTC) + timedelta(hours=1))
    now = enqueue("record", {"n": 3})
    assert states(store) == {later: "scheduled", at: "scheduled", now: "enqueued"}


@pytest.mark.parametrize(
    "options",
    [
        {"queue": "bad queue!"},
        {"queue": ""},
        {"priority": 1.5},
        {"priority": 10**9},
        {"max_attempts": 0},
        {"timeout": -1},
        {"delay": -5},
        {"delay": 10, "run_at": datetime.now(UTC)},
        {"run_at": datetime(2030, 1, 1)},
        {"run_at": "tomorrow"},
    ],
)
def test_bad_options_are_refused(store: Store, options: dict) -> None:
    with pytest.raises(InvalidInput):
        enqueue("record", {"n": 1}, **options)
    assert count_jobs(store) == 0


def test_bad_kind_names_are_refused(store: Store) -> None:
    for kind in ["", "has space", "<script>", "x" * 101]:
        with pytest.raises(InvalidInput):
            enqueue(kind, {})


def test_claims_take_higher_priority_first_then_older(store: Store, run_log) -> None:
    low = enqueue("record", {"n": "low"}, priority=0)
    high = enqueue("record", {"n": "high"}, priority=5)
    low2 = enqueue("record", {"n": "low2"}, priority=0)

    asyncio.run(Worker(store, concurrency=1, burst=True).run())

    assert [int(line[1]) for line in read_log(run_log)] == [high, low, low2]


def test_a_job_function_enqueues_itself_with_bound_arguments(store: Store, run_log) -> None:
    from fixture_jobs import slow

    job_id = slow.enqueue(7, seconds=0)
    with store.read() as conn:
        row = conn.execute(select(job_t).where(job_t.c.id == job_id)).mappings().one()
    assert row["kind"] == "slow" and row["args"] == '{"n":7,"seconds":0}'
    with pytest.raises(InvalidInput, match="arguments do not fit slow"):
        slow.enqueue(1, 2, 3)


def test_a_kind_this_process_lacks_takes_the_defaults_live_workers_registered(
    store: Store,
) -> None:
    from backend.jobs.models import worker_t

    remote = {"queue": "far", "priority": 3, "max_attempts": 2, "timeout": 9.0}
    now = store.now()
    with store.write() as conn:
        conn.execute(
            worker_t.insert().values(
                id="w",
                host="h",
                pid=1,
                queues="[]",
                slots=1,
                busy=0,
                started_at=now,
                heartbeat_at=now,
                stopping=False,
                kinds=json.dumps({"remote.kind": remote}),
            )
        )
    job_id = enqueue("remote.kind", {})
    with store.read() as conn:
        row = conn.execute(select(job_t).where(job_t.c.id == job_id)).mappings().one()
    assert (row["queue"], row["priority"], row["max_attempts"], row["timeout"]) == ("far", 3, 2, 9)
    assert enqueue_many([NewJob("other.kind", {})]), "unknown everywhere: global defaults"
