"""Running attempts of jobs: async functions on the loop, sync ones on a lane of threads.

Timeouts and cancellation interrupt an async job by cancelling its task. Python threads cannot
be killed, so a sync job is interrupted by raising an exception inside its thread at the next
bytecode it runs; a thread blocked inside C code notices only when that call returns, and if it
has not finished a moment later the worker stops waiting for it and replaces the thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import ctypes
import json
import queue
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend.jobs.errors import RoostError, UnknownKind
from backend.jobs.registry import JobFunction

AFTER_INTERRUPT_WAIT_SECONDS = 1.0
MAX_CLASS_CHARS = 200
MAX_MESSAGE_CHARS = 4_000  # of an error's message kept per attempt
MAX_TRACEBACK_CHARS = 40_000  # of a traceback, keeping its end, where the error is


class JobInterrupted(BaseException):
    """Raised inside a running job to stop it; a BaseException so `except Exception` misses it."""


class JobTimeout(JobInterrupted):
    """The job ran longer than its timeout."""


class JobCancelled(JobInterrupted):
    """Someone cancelled the job while it ran."""


@dataclass
class JobContext:
    """What a running job can learn about itself through `current_job()`."""

    id: int
    kind: str
    queue: str
    attempt: int
    cancel_requested: bool = False
    thread_id: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


_current: contextvars.ContextVar[JobContext | None] = contextvars.ContextVar(
    "roost_job", default=None
)


def current_job() -> JobContext:
    """The job this code runs for; raise RoostError outside a job."""
    ctx = _current.get()
    if ctx is None:
        raise RoostError("current_job() was called outside a running job")
    return ctx


@dataclass
class Result:
    """How an attempt ended: succeeded, failed or cancelled, with the error when there is one."""

    status: str
    error_class: str = ""
    error_message: str = ""
    traceback: str = ""


Done = Callable[["Running", Result], None]


class Running:
    """One attempt in flight: its context, how to interrupt it, and whom to tell when done."""

    def __init__(self, job: dict[str, Any], fn: JobFunction | None, on_done: Done) -> None:
        self.job = job
        self.fn = fn
        self.ctx = JobContext(
            id=job["id"], kind=job["kind"], queue=job["queue"], attempt=job["attempt"]
        )
        self.on_done = on_done
        self.task: asyncio.Task[None] | None = None
        self.interrupt: type[JobInterrupted] | None = None
        self.finished = False
        self.started_at = 0.0
        self._timer: asyncio.TimerHandle | None = None

    def finish(self, result: Result) -> None:
        """Report the result once; later reports (a thread that ended late) are dropped."""
        if self.finished:
            return
        self.finished = True
        if self._timer is not None:
            self._timer.cancel()
        self.on_done(self, result)

    def cancel(self) -> None:
        self._stop(JobCancelled)

    def abandon(self) -> None:
        """Stop the attempt and drop whatever it reports later: its job is no longer ours."""
        self._stop(JobCancelled)
        self.finished = True

    def time_out(self) -> None:
        self._stop(JobTimeout)

    def _stop(self, reason: type[JobInterrupted]) -> None:
        if self.interrupt is not None or self.finished:
            return
        self.interrupt = reason
        with self.ctx.lock:
            self.ctx.cancel_requested = True
            if self.ctx.thread_id is not None:
                _raise_in_thread(self.ctx.thread_id, reason)
        if self.task is not None:
            self.task.cancel()
        else:
            loop = asyncio.get_running_loop()
            loop.call_later(AFTER_INTERRUPT_WAIT_SECONDS, self._give_up)

    def _give_up(self) -> None:
        if not self.finished:
            self.finish(interrupted(self))

    def arm_timeout(self, loop: asyncio.AbstractEventLoop) -> None:
        timeout = self.job.get("timeout")
        if timeout:
            self._timer = loop.call_later(timeout, self.time_out)


def start_async(running: Running, call: Callable[[], Any]) -> None:
    """Run an async job as a task on the current loop."""
    running.task = asyncio.ensure_future(_run_async(running, call))


async def _run_async(running: Running, call: Callable[[], Any]) -> None:
    _current.set(running.ctx)
    try:
        await call()
    except asyncio.CancelledError:
        if running.interrupt is None:
            raise
        running.finish(interrupted(running))
        return
    except BaseException as exc:  # SystemExit from a job ends its attempt, not the worker
        running.finish(failure(exc))
        return
    running.finish(Result(status="succeeded"))


class ThreadLane:
    """A fixed set of threads for sync jobs, reporting finished ones to the loop in batches.

    A thread appends its result to a shared deque and wakes the loop only when no wake-up is
    pending already, so under load one wake-up carries many results.
    """

    def __init__(self, size: int, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._work: queue.SimpleQueue[tuple[Running, Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._done: deque[tuple[Running, Result]] = deque()
        self._wake_pending = False
        self._threads = [self._spawn() for _ in range(size)]

    def submit(self, running: Running, call: Callable[[], Any]) -> None:
        self._work.put((running, call))

    def replace_stuck(self) -> None:
        """Add a thread in place of one stuck in a job that ignored its interrupt."""
        self._threads.append(self._spawn())

    def close(self) -> None:
        for _ in self._threads:
            self._work.put(None)

    def _spawn(self) -> threading.Thread:
        thread = threading.Thread(target=self._serve, name="roost-job", daemon=True)
        thread.start()
        return thread

    def _serve(self) -> None:
        while True:
            item = self._work.get()
            if item is None:
                return
            running, call = item
            self._done.append((running, _run_in_thread(running, call)))
            if not self._wake_pending:
                self._wake_pending = True
                self._loop.call_soon_threadsafe(self._deliver)

    def _deliver(self) -> None:
        self._wake_pending = False
        while self._done:
            running, result = self._done.popleft()
            running.finish(result)


def _run_in_thread(running: Running, call: Callable[[], Any]) -> Result:
    ctx = running.ctx
    token = _current.set(ctx)
    try:
        with ctx.lock:
            if ctx.cancel_requested:
                return interrupted(running)
            ctx.thread_id = threading.get_ident()
        try:
            call()
        finally:
            # Under the lock, so an interrupt is raised only while the job's own code runs.
            with ctx.lock:
                ctx.thread_id = None
    except JobInterrupted:
        return interrupted(running)
    except BaseException as exc:  # SystemExit from a job ends its attempt, not the worker
        return failure(exc)
    finally:
        _current.reset(token)
    return Result(status="succeeded")


def prepare(running: Running) -> Callable[[], Any] | Result:
    """The call that runs this attempt, or the Result when it cannot run at all."""
    if running.fn is None:
        return failure(
            UnknownKind(
                f"no function is registered for kind {running.ctx.kind!r} in this worker; "
                "start the worker with --import naming the module that defines it"
            )
        )
    try:
        args = json.loads(running.job["args"])
    except ValueError as exc:
        return failure(exc)
    func = running.fn.func
    if isinstance(args, dict):
        return lambda: func(**args)
    if isinstance(args, list):
        return lambda: func(*args)
    return lambda: func(args)


def interrupted(running: Running) -> Result:
    if running.interrupt is JobTimeout:
        return Result(
            status="failed",
            error_class="JobTimeout",
            error_message=f"the job ran longer than its timeout of {running.job['timeout']:g} s",
        )
    return Result(
        status="cancelled",
        error_class="JobCancelled",
        error_message="the job was cancelled while it ran",
    )


def failure(exc: BaseException) -> Result:
    return Result(
        status="failed",
        error_class=_clean(type(exc).__qualname__, MAX_CLASS_CHARS),
        error_message=_clean(_message(exc), MAX_MESSAGE_CHARS),
        traceback=_clean(_format(exc), MAX_TRACEBACK_CHARS, keep_end=True),
    )


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:  # a job's exception may fail even to describe itself
        return f"<{type(exc).__qualname__} whose message could not be read>"


def _format(exc: BaseException) -> str:
    # Start the traceback at the job's own code: Roost's frames above it say nothing new.
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    try:
        return "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException:
        return "".join(traceback.format_tb(tb))


def _clean(text: str, limit: int, keep_end: bool = False) -> str:
    """Text the store can hold: no lone surrogates (from undecodable file names), bounded."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) <= limit:
        return text
    cut = len(text) - limit
    if keep_end:
        return f"[{cut} characters cut]\n" + text[-limit:]
    return text[:limit] + f" [{cut} characters cut]"


def _raise_in_thread(thread_id: int, exc_type: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc_type)
    )
