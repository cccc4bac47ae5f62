"""Running one attempt of a job: async functions on the loop, sync ones in a thread pool.

Timeouts and cancellation interrupt async jobs by cancelling their task. Python threads cannot
be killed, so a sync job is interrupted by raising an exception inside its thread at the next
bytecode it runs; a thread blocked inside C code notices only when that call returns.
"""

from __future__ import annotations

import asyncio
import contextvars
import ctypes
import json
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from backend.jobs.errors import RoostError, UnknownKind
from backend.jobs.registry import JobFunction

AFTER_INTERRUPT_WAIT_SECONDS = 1.0


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
    cancel_event: threading.Event = field(default_factory=threading.Event)
    thread_id: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def cancel_requested(self) -> bool:
        return self.cancel_event.is_set()


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


class Running:
    """A handle on one running attempt, so the worker can cancel it."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.task: asyncio.Task[Any] | None = None
        self.interrupt: type[JobInterrupted] | None = None

    def cancel(self) -> None:
        self._stop(JobCancelled)

    def time_out(self) -> None:
        self._stop(JobTimeout)

    def _stop(self, reason: type[JobInterrupted]) -> None:
        if self.interrupt is not None:
            return
        self.interrupt = reason
        self.ctx.cancel_event.set()
        with self.ctx.lock:
            if self.ctx.thread_id is not None:
                _raise_in_thread(self.ctx.thread_id, reason)
                return
        if self.task is not None:
            self.task.cancel()


async def execute(
    fn: JobFunction | None,
    raw_args: str,
    running: Running,
    timeout: float | None,
    executor: Executor,
) -> Result:
    """Run one attempt and describe how it ended; never raises for the job's own errors."""
    ctx = running.ctx
    if fn is None:
        return _failure(
            UnknownKind(
                f"no function is registered for kind {ctx.kind!r} in this worker; "
                "start the worker with --import naming the module that defines it"
            )
        )
    try:
        call = _bind(fn.func, json.loads(raw_args))
        await _run_with_timeout(fn, call, running, timeout, executor)
    except JobInterrupted as exc:
        return _interrupted(running, exc, timeout)
    except asyncio.CancelledError as exc:
        if running.interrupt is None:
            raise
        return _interrupted(running, exc, timeout)
    except Exception as exc:
        return _failure(exc)
    if running.interrupt is not None:
        return _interrupted(running, None, timeout)
    return Result(status="succeeded")


async def _run_with_timeout(
    fn: JobFunction,
    call: Callable[[], Any],
    running: Running,
    timeout: float | None,
    executor: Executor,
) -> None:
    loop = asyncio.get_running_loop()
    timer = loop.call_later(timeout, running.time_out) if timeout else None
    try:
        if fn.is_async:
            running.task = asyncio.ensure_future(_in_context(running.ctx, call))
            await running.task
        else:
            context = contextvars.copy_context()
            future = loop.run_in_executor(executor, context.run, _in_thread, running.ctx, call)
            await _wait_for_thread(future, running)
    finally:
        if timer is not None:
            timer.cancel()


async def _wait_for_thread(future: asyncio.Future[Any], running: Running) -> None:
    # Once interrupted, give the thread a moment to unwind, then stop waiting for it.
    while True:
        done, _ = await asyncio.wait({future}, timeout=0.05)
        if done:
            future.result()
            return
        if running.interrupt is not None:
            await asyncio.wait({future}, timeout=AFTER_INTERRUPT_WAIT_SECONDS)
            if future.done():
                future.result()
            raise running.interrupt()


async def _in_context(ctx: JobContext, call: Callable[[], Any]) -> Any:
    _current.set(ctx)
    return await call()


def _in_thread(ctx: JobContext, call: Callable[[], Any]) -> Any:
    _current.set(ctx)
    with ctx.lock:
        if ctx.cancel_event.is_set():
            raise JobCancelled()
        ctx.thread_id = threading.get_ident()
    try:
        return call()
    finally:
        # Under the lock, so an interrupt is raised only while the job's own code runs.
        with ctx.lock:
            ctx.thread_id = None


def _bind(func: Callable[..., Any], args: Any) -> Callable[[], Any]:
    if isinstance(args, dict):
        return lambda: func(**args)
    if isinstance(args, list):
        return lambda: func(*args)
    return lambda: func(args)


def _interrupted(running: Running, exc: BaseException | None, timeout: float | None) -> Result:
    if running.interrupt is JobTimeout:
        return Result(
            status="failed",
            error_class="JobTimeout",
            error_message=f"the job ran longer than its timeout of {timeout:g} s",
            traceback=_format(exc) if exc else "",
        )
    return Result(
        status="cancelled",
        error_class="JobCancelled",
        error_message="the job was cancelled while it ran",
    )


def _failure(exc: BaseException) -> Result:
    return Result(
        status="failed",
        error_class=type(exc).__qualname__,
        error_message=str(exc),
        traceback=_format(exc),
    )


def _format(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def _raise_in_thread(thread_id: int, exc_type: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc_type)
    )
