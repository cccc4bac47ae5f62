"""`roost demo` as a user runs it: real jobs on the standard library, checked through the API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from backend.demo import jobs, stdlib
from backend.jobs import Store
from backend.jobs.models import job_t, worker_t
from backend.settings import Settings

from support import ROOT, wait_until

KINDS = ("demo.parse", "demo.digest", "demo.compress", "demo.summary")
FAILING = {"demo.parse": "SyntaxError", "demo.digest": "UnicodeDecodeError"}
FIRST_RUN_SECONDS = 90  # a bound only: the test stops the first run with SIGINT once satisfied
SECOND_RUN_SECONDS = 8
STOP_SECONDS = 40
POLL_SECONDS = 0.5  # each poll is several requests; polling harder would slow the demo down


@dataclass
class DemoRun:
    """One `roost demo` process tree, started in a working directory."""

    process: subprocess.Popen[bytes]
    base: str
    out: Path
    err: Path
    seen_busy: int = 0
    seen_scheduled: int = 0

    def get(self, path: str, **params: Any) -> Any:
        response = httpx.get(self.base + path, params=params, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def total(self, **params: Any) -> int:
        return int(self.get("/api/jobs", limit=1, **params)["total"])

    def output(self) -> str:
        return self.out.read_text() + self.err.read_text()

    def stop(self, sig: signal.Signals | None = signal.SIGINT) -> int:
        if sig is not None:
            self.process.send_signal(sig)
        return self.process.wait(STOP_SECONDS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Any]:
    """A function that starts `roost demo` in tmp_path; whatever is left running is stopped."""
    runs: list[DemoRun] = []

    def launch(duration: float) -> DemoRun:
        port = free_port()
        n = len(runs) + 1
        out, err = tmp_path / f"out{n}.txt", tmp_path / f"err{n}.txt"
        cmd = [sys.executable, "-m", "backend.cli", "demo", "--port", str(port)]
        cmd += ["--duration", str(duration)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=stdout, stderr=stderr)
        run = DemoRun(process, f"http://127.0.0.1:{port}", out, err)
        runs.append(run)
        wait_until(lambda: "dashboard at" in run.output() or process.poll() is not None, 30)
        assert process.poll() is None, run.output()
        assert f"dashboard at {run.base}/" in out.read_text()
        return run

    yield launch
    for run in runs:
        if run.process.poll() is None:
            run.process.terminate()
            run.process.wait(STOP_SECONDS)


def busy_and_done(run: DemoRun) -> bool:
    """Poll once: remember what the counters showed; True once every kind is accounted for."""
    stats = run.get("/api/stats")
    run.seen_busy = max(run.seen_busy, stats["counts"]["processing"], stats["busy_slots"])
    run.seen_scheduled = max(run.seen_scheduled, stats["counts"]["scheduled"])
    if any(run.total(kind=k, state="succeeded") == 0 for k in KINDS):
        return False
    return all(run.total(kind=k, state="dead") > 0 for k in FAILING)


def first_stats_event(url: str) -> dict[str, Any]:
    with httpx.stream("GET", url, timeout=10) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = ""
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "stats":
                return dict(json.loads(line.split(":", 1)[1]))
    raise AssertionError("the stream ended before a stats event")


def store_facts(tmp_path: Path) -> dict[str, Any]:
    url = f"sqlite:///{tmp_path / 'roost.db'}"
    store = Store(settings=Settings.from_env(database_url=url))
    try:
        with store.read() as conn:
            by_state = dict(
                conn.execute(select(job_t.c.state, func.count()).group_by(job_t.c.state)).all()
            )
            workers = conn.execute(select(func.count()).select_from(worker_t)).scalar_one()
            parse = conn.execute(
                select(func.count()).where(job_t.c.kind == "demo.parse")
            ).scalar_one()
    finally:
        store.dispose()
    return {"states": by_state, "workers": workers, "parse": parse}


@pytest.mark.timeout(240)
def test_demo_runs_real_jobs_and_resumes_on_the_same_store(start: Any, tmp_path: Path) -> None:
    first = start(FIRST_RUN_SECONDS)
    deadline = time.monotonic() + 75
    while not busy_and_done(first):
        assert time.monotonic() < deadline, "not every demo kind succeeded and died in time"
        time.sleep(POLL_SECONDS)
    assert first.seen_busy > 0
    assert first.seen_scheduled > 0

    for kind, error in FAILING.items():
        dead = first.get("/api/jobs", kind=kind, state="dead", limit=1)["items"][0]
        detail = first.get(f"/api/jobs/{dead['id']}")
        assert detail["attempt"] == detail["max_attempts"] == 3
        assert [a["error_class"] for a in detail["attempts"]] == [error] * 3
        assert all(error in a["traceback"] for a in detail["attempts"])

    stats = first.get("/api/stats")
    assert stats["workers"] == 2 and stats["failed"] > 0
    assert {"parse", "digest", "compress", "summary"} <= set(stats["queues"])
    page = httpx.get(first.base + "/", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "counts" in first_stats_event(first.base + "/jobstats")

    dead_id = first.get("/api/jobs", kind="demo.parse", state="dead", limit=1)["items"][0]["id"]
    assert first.stop(signal.SIGINT) == 0, first.output()
    after_first = store_facts(tmp_path)
    assert after_first["states"].get("processing", 0) == 0
    assert after_first["workers"] == 0

    second = start(SECOND_RUN_SECONDS)
    wait_until(lambda: "resuming" in second.output(), 10, "the second run to resume")
    assert second.get(f"/api/jobs/{dead_id}")["state"] == "dead"
    parse_total = second.total(kind="demo.parse")
    # Only the trickle adds parse jobs now: one a second, not another copy of the whole tree.
    assert after_first["parse"] <= parse_total < after_first["parse"] + 3 * SECOND_RUN_SECONDS
    assert second.stop(sig=None) == 0, second.output()
    assert store_facts(tmp_path)["states"].get("processing", 0) == 0


def test_demo_jobs_do_real_work_when_called_directly() -> None:
    found = jobs.parse("json/decoder.py")
    assert found["classes"] >= 1 and found["functions"] >= 5
    assert len(jobs.digest("json/decoder.py")["sha256"]) == 64
    assert jobs.compress("json/decoder.py")["ratio"] > 1
    assert "json/decoder.py" in stdlib.files_in("json")


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd"])
def test_demo_jobs_refuse_paths_outside_the_standard_library(path: str) -> None:
    with pytest.raises(ValueError, match="must be a path inside the standard library"):
        jobs.parse(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--workers", "0"], "--workers must be at least 1"), (["--duration", "0"], "--duration")],
)
def test_demo_refuses_bad_options_in_one_line(
    args: list[str], message: str, tmp_path: Path
) -> None:
    cmd = [sys.executable, "-m", "backend.cli", "demo", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("roost: ") and message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
