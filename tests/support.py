"""Helpers for the engine tests: real worker processes, the jobs' log, store checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from backend.jobs import Store
from backend.jobs.models import count_t, job_t

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def read_log(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split() for line in path.read_text().splitlines() if line]


def worker_process(
    db_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start a real `roost worker` process on the fixture jobs."""
    full_env = {
        **os.environ,
        "PYTHONPATH": f"{TESTS}{os.pathsep}{ROOT}",
        "ROOST_DATABASE_URL": db_url,
        "ROOST_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    cmd = [sys.executable, "-m", "backend.cli", "worker", "--import", "fixture_jobs", *args]
    return subprocess.Popen(cmd, env=full_env, cwd=ROOT, stderr=subprocess.PIPE, text=True)


def wait_until(check: Any, timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def states(store: Store) -> dict[int, str]:
    with store.read() as conn:
        return {r.id: r.state for r in conn.execute(select(job_t.c.id, job_t.c.state))}


def assert_counts_match(store: Store) -> None:
    """The maintained per-queue, per-state counters equal a real count of the job table."""
    with store.read() as conn:
        real = {
            (q, s): n
            for q, s, n in conn.execute(
                select(job_t.c.queue, job_t.c.state, func.count()).group_by(
                    job_t.c.queue, job_t.c.state
                )
            )
        }
        kept = {(q, s): n for q, s, n in conn.execute(select(count_t)) if n}
    assert kept == real
