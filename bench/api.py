"""API benchmark: 1,000,000 jobs in a SQLite file, server time per route, and 1,000 /jobstats
clients on one server process.

Run with `.venv/bin/python bench/api.py [--jobs N] [--clients N]`. Request times are measured
in-process through the ASGI app (server time, no network); the stream is measured against a
real `roost serve` process on a loopback port.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from backend.api import create_app
from backend.jobs.enqueue import enqueue
from backend.jobs.store import Store
from backend.settings import Settings

QUEUES = [f"q{i}" for i in range(10)]
KINDS = [f"app.tasks.kind_{i}" for i in range(20)]
NAMES = ["Alice", "Bob", "Ольга", "Иван", "東京", "李雷", "Zoë", "🎉party", "O'Neil", "50%_off"]
STATES = [  # (state, share of jobs)
    ("succeeded", 0.60),
    ("dead", 0.10),
    ("enqueued", 0.12),
    ("scheduled", 0.05),
    ("retrying", 0.03),
    ("cancelled", 0.08),
    ("processing", 0.02),
]
NEEDLE = "needle-7f3a"  # present in about one job in a thousand
COLUMNS = (
    "kind, queue, args, priority, state, attempt, created_at, run_at, started_at, "
    "finished_at, error, worker_id, cancel_requested"
)


def seed(url: str, total: int) -> None:
    """Write `total` varied jobs straight into the file, then rebuild the maintained counts."""
    Store(url, settings=Settings.from_env(environ={}, database_url=url)).dispose()
    path = url.removeprefix("sqlite:///")
    rng = random.Random(7)
    now = time.time()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    marks = ",".join("?" * 13)
    batch: list[tuple[Any, ...]] = []
    for i in range(total):
        batch.append(_row(rng, now, i))
        if len(batch) == 20_000:
            conn.executemany(f"INSERT INTO job ({COLUMNS}) VALUES ({marks})", batch)
            batch.clear()
    conn.executemany(f"INSERT INTO job ({COLUMNS}) VALUES ({marks})", batch)
    conn.execute("DELETE FROM job_count")
    conn.execute(
        "INSERT INTO job_count (queue, state, n) SELECT queue, state, count(*) FROM job "
        "GROUP BY queue, state"
    )
    minute = int(now // 60)
    conn.executemany(
        "INSERT INTO stats_minute (minute, queue, processed, failed) VALUES (?, ?, ?, ?)",
        [
            (m, q, rng.randint(50, 500), rng.randint(0, 20))
            for m in range(minute - 1500, minute + 1)
            for q in QUEUES
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO queue (name, paused, created_at) VALUES (?, 0, ?)",
        [(q, now - 86400) for q in QUEUES],
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def _row(rng: random.Random, now: float, i: int) -> tuple[Any, ...]:
    state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
    created = now - rng.uniform(0, 7 * 86400)
    args = {"user": rng.choice(NAMES), "order": rng.randint(1, 10**6), "note": f"item {i}"}
    if rng.random() < 0.001:
        args["tag"] = NEEDLE
    finished = started = error = worker = None
    run_at = created
    if state in ("succeeded", "dead", "cancelled"):
        started = created + rng.uniform(0, 60)
        finished = started + rng.uniform(0, 5)
    if state in ("scheduled", "retrying"):
        run_at = now + rng.uniform(60, 86400)
    if state in ("dead", "retrying"):
        error = "ValueError: could not reach the payment service"
    if state == "processing":
        started, worker = now - 1, "bench-worker"
    return (
        rng.choice(KINDS),
        QUEUES[i % len(QUEUES)],
        json.dumps(args, ensure_ascii=False, separators=(",", ":")),
        rng.choice((0, 0, 0, 5, 10)),
        state,
        1 if state != "enqueued" else 0,
        created,
        run_at,
        started,
        finished,
        error,
        worker,
        0,
    )


def timed(runs: int, request: Callable[[], Any]) -> list[float]:
    request()  # warm the page cache and the statement cache first
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        response = request()
        out.append((time.perf_counter() - start) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"request failed: {response.status_code} {response.text[:300]}")
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure_requests(url: str) -> list[tuple[str, list[float], float]]:
    store = Store(url, settings=Settings.from_env(environ={}, database_url=url))
    client = TestClient(create_app(store, dashboard_dir=Path(tempfile.gettempdir()) / "none"))
    first: dict[str, Any] = {"queue": "q3", "state": "succeeded", "limit": 50}
    cursor = None
    for _ in range(40):  # 20,000 rows deep
        params: dict[str, Any] = {**first, "limit": 500, **({"cursor": cursor} if cursor else {})}
        cursor = client.get("/api/jobs", params=params).json()["next_cursor"]
    deep = {**first, "cursor": cursor}

    def jobs(params: dict[str, Any]) -> Callable[[], Any]:
        return lambda: client.get("/api/jobs", params=params)

    rows: list[tuple[str, list[float], float]] = [
        ("jobs, first page (queue+state)", timed(50, jobs(first)), 50),
        ("jobs, page 20,000 rows deep", timed(50, jobs(deep)), 50),
        ("stats", timed(50, lambda: client.get("/api/stats")), 50),
        ("free-text search over args", timed(10, jobs({"q": NEEDLE})), 500),
        ("free-text search, Cyrillic", timed(10, jobs({"q": "Ольга"})), 500),
    ]
    bulk: list[float] = []
    for queue in QUEUES[:5]:
        body = {"action": "retry", "filter": {"queue": queue, "state": "dead"}}
        start = time.perf_counter()
        result = client.post("/api/jobs/bulk", json=body).json()
        bulk.append((time.perf_counter() - start) * 1000)
        print(f"  bulk retry {queue}: {result['summary']}", file=sys.stderr)
    rows.append((f"bulk retry of ~{result['matched']:,} jobs", bulk, 2000))
    client.close()
    store.dispose()
    return rows


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _listen(port: int, arrivals: dict[str, list[float]], ready: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /jobstats HTTP/1.0\r\nHost: bench\r\n\r\n")
    await writer.drain()
    event_id = ""
    ready.set()
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"id: "):
                event_id = line[4:].strip().decode()
            elif line.startswith(b"data: "):
                arrivals.setdefault(event_id, []).append(time.time())
                if len(arrivals[event_id]) == 1:
                    now = json.loads(line[6:])["now"]
                    arrivals[event_id].insert(0, _epoch(now))
    finally:
        writer.close()


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


async def measure_stream(url: str, clients: int, seconds: float) -> dict[str, float]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env.update(ROOST_DATABASE_URL=url, ROOST_LOG_LEVEL="WARNING")
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)], env=env
    )
    try:
        await _wait_for_port(port)
        base = rss_kib(server.pid)
        arrivals: dict[str, list[float]] = {}
        tasks = []
        for _ in range(clients):
            ready = asyncio.Event()
            tasks.append(asyncio.create_task(_listen(port, arrivals, ready)))
            await ready.wait()
        stop = threading.Event()
        writer = threading.Thread(target=_keep_changing, args=(url, stop), daemon=True)
        writer.start()
        await asyncio.sleep(seconds)
        held = rss_kib(server.pid)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        server.terminate()
        server.wait(10)
    full = [times for times in arrivals.values() if len(times) - 1 >= clients]
    lags = [max(times[1:]) - times[0] for times in full]
    return {
        "ticks": len(full),
        "kib_per_client": (held - base) / clients,
        "p50_lag_ms": statistics.median(lags) * 1000 if lags else float("nan"),
        "max_lag_ms": max(lags) * 1000 if lags else float("nan"),
    }


def _keep_changing(url: str, stop: threading.Event) -> None:
    # Stats only go out when they change, so enqueue a job twice a second.
    store = Store(url, settings=Settings.from_env(environ={}, database_url=url))
    while not stop.wait(0.5):
        enqueue("bench.tick", {}, store=store, queue="q0")
    store.dispose()


async def _wait_for_port(port: int) -> None:
    for _ in range(200):
        try:
            _, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--stream-seconds", type=float, default=8.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as folder:
        url = f"sqlite:///{folder}/bench.db"
        start = time.perf_counter()
        seed(url, args.jobs)
        print(f"seeded {args.jobs:,} jobs in {time.perf_counter() - start:.1f} s")
        rows = measure_requests(url)
        stream = asyncio.run(measure_stream(url, args.clients, args.stream_seconds))
    print(f"\n{'route':<36} {'p50 ms':>9} {'p95 ms':>9} {'target':>9}  ok")
    for name, times, target in rows:
        p95 = pct(times, 95)
        ok = "yes" if p95 <= target else "NO"
        print(f"{name:<36} {pct(times, 50):>9.1f} {p95:>9.1f} {'≤' + str(target):>9}  {ok}")
    lag_ok = "yes" if stream["max_lag_ms"] <= 1000 else "NO"
    print(f"\n/jobstats with {args.clients:,} clients on one server process:")
    print(f"  ticks delivered to every client: {stream['ticks']}")
    print(f"  memory per client:               {stream['kib_per_client']:.1f} KiB")
    print(f"  tick to all clients, p50:        {stream['p50_lag_ms']:.0f} ms")
    print(f"  tick to all clients, max:        {stream['max_lag_ms']:.0f} ms (≤1000)  {lag_ok}")


if __name__ == "__main__":
    main()
