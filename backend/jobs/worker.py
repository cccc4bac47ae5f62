"""The worker process: claim due jobs in batches, run them in slots, report back in batches.

One asyncio loop drives everything. Store work happens on a single database thread, so the loop
never blocks on SQLite; finished attempts are buffered and written together with the next
claim, which is where the speed on SQLite comes from (one writer at a time). Every worker also
runs the scheduler step, which enqueues the runs of schedules whose time has come.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import signal
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from secrets import token_hex
from typing import Any, TypeVar

from backend.jobs import claims, retention, runner, schedules
from backend.jobs.claims import Outcome
from backend.jobs.models import State
from backend.jobs.registry import JobFunction, Registry, registry
from backend.jobs.runner import Result, Running, ThreadLane
from backend.jobs.store import Store
from backend.logs import job_fields

log = logging.getLogger(__name__)
T = TypeVar("T")

RETENTION_EVERY_SECONDS = 60.0
BATCH_LINGER_SECONDS = 0.002
STEP_RETRY_SECONDS = 1.0
OPTION_FIELDS = ("max_attempts", "timeout", "min_backoff", "max_backoff", "max_retry_duration")


class Worker:
    """One worker process's engine: `await worker.run()` until stopped (or drained, in burst)."""

    def __init__(
        self,
        store: Store,
        queues: list[str] | None = None,
        concurrency: int | None = None,
        burst: bool = False,
        kinds: Registry | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.settings = store.settings
        self.queues = queues or None
        self.concurrency = concurrency or self.settings.concurrency
        self.burst = burst
        self.kinds = kinds or registry
        self.rng = rng
        self.id = f"{socket.gethostname()}:{os.getpid()}:{token_hex(3)}"
        self._db = ThreadPoolExecutor(1, thread_name_prefix="roost-db")
        self._lane: ThreadLane | None = None
        self._running: dict[int, Running] = {}
        self._outcomes: list[Outcome] = []
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._stopping = False
        self._more_waiting = True
        self._seen_version: int | None = None
        self._next_due: float | None = None
        self._token_wake: float | None = None
        self._queue_settings: dict[str, dict[str, Any]] = {}
        self._rotate = 0
        self._poll = store.engine.raw_connection()
        self._last_prune = 0.0
        self._hand_back_now = False
        self._started_at = 0.0

    # -- lifecycle ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Register, work until stopped (or, in burst mode, until nothing is due), then leave."""
        await self._in_db(self._register)
        self._lane = ThreadLane(self.concurrency, asyncio.get_running_loop())
        log.info(
            "worker started with %d slots on %s",
            self.concurrency,
            ",".join(self.queues) if self.queues else "every queue",
            extra={"action": "worker_started", "worker": self.id},
        )
        dispatcher = asyncio.create_task(self._dispatch())
        beater = asyncio.create_task(self._heartbeats())
        scheduler = asyncio.create_task(self._scheduler())
        stopper = asyncio.create_task(self._stop.wait())
        await asyncio.wait({dispatcher, stopper}, return_when=asyncio.FIRST_COMPLETED)
        self._stopping = True
        self._wake.set()
        await self._drain_running()
        await dispatcher
        beater.cancel()
        scheduler.cancel()
        stopper.cancel()
        await self._in_db(self._leave)
        self._poll.close()
        self._db.shutdown(wait=True)
        self._lane.close()
        log.info("worker stopped", extra={"action": "worker_stopped", "worker": self.id})

    def request_stop(self) -> None:
        """Stop claiming; running jobs get the grace period to finish."""
        self._stop.set()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        if self._stop.is_set():
            log.warning("second %s: handing running jobs back now", sig.name)
            self._hand_back_now = True
            self._wake.set()
            return
        log.info(
            "%s received: finishing running jobs for up to %g s",
            sig.name,
            self.settings.shutdown_grace_seconds,
            extra={"action": "worker_stopping"},
        )
        self.request_stop()

    async def _drain_running(self) -> None:
        deadline = time.monotonic() + self.settings.shutdown_grace_seconds
        while self._running and not self._hand_back_now and time.monotonic() < deadline:
            await self._sleep(0.05)
        leftover = list(self._running.values())
        self._running.clear()
        for running in leftover:
            running.abandon()  # the job goes back to the queue instead
        if leftover:
            handed = await self._in_db(self._hand_back, [r.job["id"] for r in leftover])
            log.info(
                "handed %d unfinished jobs back without spending an attempt",
                handed,
                extra={"action": "jobs_handed_back", "worker": self.id},
            )

    # -- dispatch ----------------------------------------------------------------------------

    async def _dispatch(self) -> None:
        last_step = 0.0
        while True:
            want = 0 if self._stopping else self.concurrency - len(self._running)
            if self._should_linger(want, last_step):
                await self._sleep(BATCH_LINGER_SECONDS)
                continue
            outcomes, self._outcomes = self._outcomes, []
            look = want > 0 and self._worth_looking()
            if outcomes or look:
                last_step = time.monotonic()
                try:
                    claimed = await self._in_db(self._step, outcomes, want if look else 0)
                except Exception:
                    # Nothing of the step was written; keep the results and try again shortly.
                    log.exception(
                        "store step failed; trying again in %g s",
                        STEP_RETRY_SECONDS,
                        extra={"action": "store_error", "worker": self.id},
                    )
                    self._outcomes[:0] = outcomes
                    if self._stopping and not self._running:
                        # Do not hang on the way out: unwritten jobs lapse and are rescued.
                        return
                    await asyncio.sleep(STEP_RETRY_SECONDS)
                    continue
                self._start(claimed)
                if look:
                    self._more_waiting = len(claimed) >= want
                    if self._burst_is_over(claimed):
                        return
                continue
            if self._stopping and not self._running:
                return
            if self.burst and not self._running and not self._outcomes and not self._rate_limited():
                self._more_waiting = True  # look once more; an empty look ends the burst
                continue
            await self._sleep(self.settings.poll_seconds)

    def _burst_is_over(self, claimed: list[dict[str, Any]]) -> bool:
        # A queue that waits for its rate limit still has work: a burst waits for it too.
        idle = not claimed and not self._running and not self._outcomes
        return self.burst and idle and self._token_wake is None

    def _rate_limited(self) -> bool:
        return self._token_wake is not None and self.store.now() < self._token_wake

    def _should_linger(self, want: int, last_step: float) -> bool:
        # While most slots are busy, gather finished jobs for a moment so that one transaction
        # writes many of them: SQLite has one writer, and each transaction has a fixed cost.
        return (
            bool(self._running)
            and not self._stopping
            and want < self.concurrency // 2
            and time.monotonic() - last_step < BATCH_LINGER_SECONDS
        )

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    def _worth_looking(self) -> bool:
        # Cheap checks first: a claim takes SQLite's write lock, a data_version read does not.
        if self._more_waiting:
            self._seen_version = self._data_version()
            return True
        version = self._data_version()
        if version != self._seen_version:
            self._seen_version = version
            return True
        now = self.store.now()
        if self._token_wake is not None and now >= self._token_wake:
            return True
        return self._next_due is not None and now >= self._next_due

    def _data_version(self) -> int:
        cur = self._poll.cursor()
        try:
            return int(cur.execute("PRAGMA data_version").fetchone()[0])
        finally:
            cur.close()

    def _step(self, outcomes: list[Outcome], want: int) -> list[dict[str, Any]]:
        """On the database thread: write finished attempts and claim up to `want` jobs."""
        now = self.store.now()
        if want and not outcomes:
            with self.store.raw_read() as cur:
                if not claims.has_work(cur, self.queues, now):
                    self._next_due = claims.next_due(cur)
                    self._token_wake = None
                    return []
        report = None
        claimed: list[dict[str, Any]] = []
        with self.store.raw_write() as cur:
            if outcomes:
                report = claims.finish(
                    cur,
                    self.id,
                    outcomes,
                    now,
                    self.settings.max_attempts,
                    self._queue_settings,
                    self.rng,
                )
            if want:
                taken = claims.claim(
                    cur,
                    self.id,
                    self.queues,
                    want,
                    now,
                    self.settings.lease_seconds,
                    self._rotate,
                )
                claimed, self._queue_settings = taken.jobs, taken.settings
                self._token_wake = taken.wake_at
                self._rotate += 1
                self._next_due = claims.next_due(cur)
        if report is not None:
            self._log_outcomes(outcomes, report)
        return claimed

    def _start(self, claimed: list[dict[str, Any]]) -> None:
        loop = asyncio.get_running_loop()
        for job in claimed:
            fn = self.kinds.get(job["kind"])
            if fn is not None:
                _fill_defaults(job, fn)
            running = Running(job, fn, self._on_done)
            running.started_at = self.store.now()
            self._running[job["id"]] = running
            log.debug("job started", extra=job_fields(job, action="job_started"))
            call = runner.prepare(running)
            if isinstance(call, Result):
                running.finish(call)
                continue
            running.arm_timeout(loop)
            if fn is not None and fn.is_async:
                runner.start_async(running, call)
            else:
                self._lane.submit(running, call)  # type: ignore[union-attr]

    def _on_done(self, running: Running, result: Result) -> None:
        job = running.job
        if self._running.pop(job["id"], None) is None:
            return
        if running.ctx.thread_id is not None:
            self._lane.replace_stuck()  # type: ignore[union-attr]
        self._outcomes.append(
            Outcome(
                job=job,
                status=result.status,
                started_at=running.started_at,
                finished_at=self.store.now(),
                error_class=result.error_class,
                error_message=result.error_message,
                traceback=result.traceback,
            )
        )
        self._wake.set()

    def _log_outcomes(self, outcomes: list[Outcome], report: claims.FinishReport) -> None:
        for outcome in outcomes:
            job = outcome.job
            state = report.states.get(job["id"])
            ms = round((outcome.finished_at - outcome.started_at) * 1000, 1)
            fields = job_fields(job, worker=self.id, duration_ms=ms)
            if state is None:
                log.warning(
                    "job was taken from this worker before it finished; result dropped",
                    extra={**fields, "action": "job_lost"},
                )
            elif state == State.SUCCEEDED.value:
                log.info("job succeeded", extra={**fields, "action": "job_succeeded"})
            elif state == State.RETRYING.value:
                log.info(
                    "job failed with %s: %s; will retry",
                    outcome.error_class,
                    outcome.error_message,
                    extra={**fields, "action": "job_retrying"},
                )
            elif state == State.DEAD.value:
                log.error(
                    "job failed with %s: %s; no attempts left, now dead",
                    outcome.error_class,
                    outcome.error_message,
                    extra={**fields, "action": "job_dead"},
                )
            else:
                log.info("job cancelled while running", extra={**fields, "action": "job_cancelled"})

    # -- schedules ---------------------------------------------------------------------------

    async def _scheduler(self) -> None:
        while True:
            await asyncio.sleep(self.settings.scheduler_seconds)
            try:
                made = await self._in_db(schedules.run_due, self.store)
            except Exception:
                log.exception("scheduler step failed; will try again", extra={"action": "schedule"})
                continue
            if made:
                self._wake.set()

    # -- heartbeats, rescue, retention -------------------------------------------------------

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat_seconds)
            try:
                cancel, lost = await self._in_db(self._beat, list(self._running))
            except Exception:
                log.exception("heartbeat failed; will try again", extra={"action": "heartbeat"})
                continue
            for job_id in cancel:
                running = self._running.get(job_id)
                if running is not None:
                    running.cancel()
            for job_id in lost:
                self._let_go(job_id)

    def _let_go(self, job_id: int) -> None:
        # Another worker took this job over after our lease lapsed (this process stalled):
        # stop our attempt so the job never runs twice at once.
        running = self._running.pop(job_id, None)
        if running is None:
            return
        running.abandon()
        log.warning(
            "lost the lease of a running job to another worker; stopped this attempt",
            extra=job_fields(running.job, action="lease_lost", worker=self.id),
        )

    def _beat(self, running: list[int]) -> tuple[list[int], list[int]]:
        now = self.store.now()
        lease = self.settings.lease_seconds
        with self.store.raw_write() as cur:
            cancel, lost = claims.heartbeat(cur, self._row(now, len(running)), running, now, lease)
            rescued = claims.rescue(cur, now, self.settings.max_attempts, self.rng)
            claims.prune_workers(cur, now - 3 * lease)
        log.debug("heartbeat", extra={"action": "heartbeat", "worker": self.id})
        self._log_rescued(rescued)
        if now - self._last_prune >= RETENTION_EVERY_SECONDS:
            self._last_prune = now
            retention.prune(self.store)
        return cancel, lost

    def _register(self) -> None:
        now = self.store.now()
        self._started_at = now
        with self.store.raw_write() as cur:
            claims.register_worker(cur, self._row(now, 0))
            rescued = claims.rescue(cur, now, self.settings.max_attempts, self.rng)
        self._log_rescued(rescued)
        declared = schedules.sync_declared(self.store)
        if declared:
            log.info(
                "%d schedules declared in code are in the store",
                declared,
                extra={"action": "schedules_synced", "worker": self.id},
            )

    def _log_rescued(self, rescued: list[tuple[dict[str, Any], str]]) -> None:
        for job, state in rescued:
            log.warning(
                "took back job from %s whose lease lapsed; now %s",
                job["worker_id"],
                state,
                extra=job_fields(job, action="lease_rescued", worker=self.id),
            )

    def _hand_back(self, ids: list[int]) -> int:
        with self.store.raw_write() as cur:
            return claims.hand_back(cur, self.id, ids)

    def _leave(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        if outcomes:
            self._step(outcomes, 0)
        with self.store.raw_write() as cur:
            claims.unregister_worker(cur, self.id)

    def _row(self, now: float, busy: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "queues": json.dumps(self.queues or []),
            "slots": self.concurrency,
            "busy": busy,
            "started_at": self._started_at,
            "heartbeat_at": now,
            "stopping": self._stopping,
            # Each kind with its defaults, so producers that never import it can use them.
            "kinds": json.dumps({k: asdict(self.kinds.options_for(k)) for k in self.kinds.kinds()}),
        }

    async def _in_db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, fn, *args)


def _fill_defaults(job: dict[str, Any], fn: JobFunction) -> None:
    # Jobs enqueued by a producer that did not import the kind take the worker's defaults.
    for name in OPTION_FIELDS:
        if job.get(name) is None:
            job[name] = getattr(fn.options, name)
