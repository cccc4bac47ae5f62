"""Shared fixtures: a fresh SQLite store per test and real worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.jobs import Store, use_store
from backend.jobs.models import count_t, job_t
from backend.settings import Settings

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))

import fixture_jobs  # noqa: E402  (registers the test kinds in this process)

assert fixture_jobs


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start with no ROOST_* settings from the machine they run on."""
    for name in list(os.environ):
        if name.startswith("ROOST_"):
            monkeypatch.delenv(name)
    use_store(None)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'roost.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(settings=Settings.from_env(database_url=db_url))
    use_store(s)
    yield s
    use_store(None)
    s.dispose()


@pytest.fixture
def run_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the fixture jobs append to, one line per start and end."""
    path = tmp_path / "runs.log"
    monkeypatch.setenv("ROOST_TEST_LOG", str(path))
    return path


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
