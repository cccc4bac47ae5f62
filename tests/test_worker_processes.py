"""Real worker processes on a real SQLite file: exactly-once, crash rescue, graceful stop."""

from __future__ import annotations

import signal
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import select

from backend.jobs import JobFilter, NewJob, Store, act, enqueue_many
from backend.jobs.models import attempt_t, job_t, worker_t

from support import assert_counts_match, read_log, states, wait_until, worker_process

FAST_LEASE = {"ROOST_LEASE_SECONDS": "1.0", "ROOST_HEARTBEAT_SECONDS": "0.2"}


def test_two_thousand_jobs_through_two_processes_run_exactly_once(
    store: Store, db_url: str, run_log: Path
) -> None:
    ids = enqueue_many([NewJob("record", {"n": i}) for i in range(2000)])

    workers = [worker_process(db_url, "--concurrency", "4", "--burst") for _ in range(2)]
    for w in workers:
        assert w.wait(timeout=120) == 0, w.stderr.read() if w.stderr else ""

    runs = Counter(int(line[1]) for line in read_log(run_log) if line[0] == "run")
    assert set(runs) == set(ids)
    assert max(runs.values()) == 1
    assert set(states(store).values()) == {"succeeded"}
    pids = {line[3] for line in read_log(run_log)}
    assert len(pids) == 2, "both worker processes took part"
    assert_counts_match(store)


def test_jobs_of_a_killed_worker_are_rescued_and_run_once_at_a_time(
    store: Store, db_url: str, run_log: Path
) -> None:
    ids = enqueue_many([NewJob("slow", {"n": i, "seconds": 0.6}) for i in range(12)])
    victim = worker_process(db_url, "--concurrency", "4", env=FAST_LEASE)
    wait_until(lambda: len(read_log(run_log)) >= 4, what="the first worker to start jobs")

    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    killed_at = max(float(line[4]) for line in read_log(run_log))
    interrupted = _started_not_ended(run_log)
    assert interrupted, "the worker died in the middle of some jobs"

    rescuer = worker_process(db_url, "--concurrency", "4", env=FAST_LEASE)
    try:
        wait_until(
            lambda: set(states(store).values()) == {"succeeded"},
            timeout=60,
            what="every job to succeed",
        )
    finally:
        rescuer.send_signal(signal.SIGTERM)
        assert rescuer.wait(timeout=30) == 0

    starts = defaultdict(list)
    for line in read_log(run_log):
        if line[0] == "start":
            starts[int(line[1])].append((line[3], float(line[4])))
    assert set(starts) == set(ids)
    for job_id, runs in starts.items():
        if job_id in interrupted:
            assert len(runs) == 2
            assert runs[1][1] >= killed_at, "the rescued run began after the first one died"
        else:
            assert len(runs) == 1
    with store.read() as conn:
        lapsed = conn.execute(
            select(attempt_t.c.job_id).where(attempt_t.c.error_class == "LeaseExpired")
        ).scalars()
        assert set(lapsed) == interrupted
    assert_counts_match(store)


def _started_not_ended(run_log: Path) -> set[int]:
    started = {int(x[1]) for x in read_log(run_log) if x[0] == "start"}
    ended = {int(x[1]) for x in read_log(run_log) if x[0] == "end"}
    return started - ended


def test_graceful_stop_hands_back_unfinished_jobs_without_spending_an_attempt(
    store: Store, db_url: str, run_log: Path
) -> None:
    enqueue_many([NewJob("slow", {"n": i, "seconds": 30}) for i in range(3)])
    worker = worker_process(
        db_url, "--concurrency", "2", env={"ROOST_SHUTDOWN_GRACE_SECONDS": "0.3"}
    )
    wait_until(lambda: len(read_log(run_log)) >= 2, what="two jobs to start")

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0

    with store.read() as conn:
        jobs = conn.execute(select(job_t.c.state, job_t.c.attempt, job_t.c.worker_id)).all()
        assert [tuple(j) for j in jobs] == [("enqueued", 0, None)] * 3
        assert conn.execute(select(attempt_t)).first() is None
        assert conn.execute(select(worker_t)).first() is None
    assert_counts_match(store)


def test_graceful_stop_lets_running_jobs_finish_within_the_grace_period(
    store: Store, db_url: str, run_log: Path
) -> None:
    enqueue_many([NewJob("slow", {"n": i, "seconds": 0.5}) for i in range(2)])
    worker = worker_process(db_url, "--concurrency", "2")
    wait_until(lambda: len(read_log(run_log)) >= 2, what="two jobs to start")

    worker.send_signal(signal.SIGINT)
    assert worker.wait(timeout=20) == 0

    assert set(states(store).values()) == {"succeeded"}


def test_bulk_actions_while_workers_run_never_lock_or_undo_finished_work(
    store: Store, db_url: str, run_log: Path
) -> None:
    enqueue_many([NewJob("record", {"n": i}) for i in range(3000)])
    workers = [worker_process(db_url, "--concurrency", "4", "--burst") for _ in range(2)]
    results = []
    while any(w.poll() is None for w in workers):
        results.append(act(store, "kill", where=JobFilter(state="enqueued")))
        results.append(act(store, "retry", where=JobFilter(state="dead")))
        results.append(act(store, "cancel", where=JobFilter(state="enqueued")))
    for w in workers:
        assert w.wait(timeout=60) == 0

    ran = {int(line[1]) for line in read_log(run_log)}
    final = states(store)
    assert all(final[i] == "succeeded" for i in ran), "a finished job was changed afterwards"
    assert all(final[i] in ("dead", "cancelled", "enqueued") for i in set(final) - ran)
    assert sum(r.changed for r in results) > 0, "the actions raced the workers for real"
    assert_counts_match(store)
