"""Jobs the tests run in real worker processes; each appends lines to ROOST_TEST_LOG."""

from __future__ import annotations

import asyncio
import os
import time

from backend.jobs import current_job, job


def _log(*parts: object) -> None:
    path = os.environ.get("ROOST_TEST_LOG")
    if path:
        with open(path, "a") as f:
            f.write(" ".join(str(p) for p in parts) + "\n")


@job(kind="record")
def record(n: int) -> None:
    """Runs instantly; logs 'run <job id> <n> <pid>'."""
    _log("run", current_job().id, n, os.getpid())


@job(kind="slow", max_backoff=0.05)
def slow(n: int, seconds: float = 1.0) -> None:
    """Logs its start and end, with a sleep between."""
    ctx = current_job()
    _log("start", ctx.id, n, os.getpid(), f"{time.time():.6f}")
    time.sleep(seconds)
    _log("end", ctx.id, n, os.getpid(), f"{time.time():.6f}")


@job(kind="always_fails", max_attempts=4)
def always_fails(n: int) -> None:
    raise RuntimeError(f"failure number {current_job().attempt} for {n}")


@job(kind="spin", timeout=0.3)
def spin(seconds: float) -> None:
    """A pure-Python busy loop, so an interrupt reaches it."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@job(kind="nap", timeout=0.3)
async def nap(seconds: float) -> None:
    await asyncio.sleep(seconds)


@job(kind="cooperative")
async def cooperative(seconds: float) -> None:
    """Sleeps in small steps, as a long async job would."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await asyncio.sleep(0.02)


@job(kind="undecodable_name", max_attempts=1)
def undecodable_name() -> None:
    """Fails with a message holding a lone surrogate, as os.listdir() gives for odd names."""
    name = os.fsdecode(b"report-\xff.csv")
    raise ValueError(f"cannot parse {name}")


@job(kind="exits", max_attempts=1)
def exits() -> None:
    raise SystemExit(3)


@job(kind="exits_async", max_attempts=1)
async def exits_async() -> None:
    raise KeyboardInterrupt


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no words")


@job(kind="unprintable", max_attempts=1)
def unprintable() -> None:
    raise Unprintable()
