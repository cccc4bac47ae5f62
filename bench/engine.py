"""Engine benchmark: Roost against Huey (SQLite storage), measured in the same run.

Every job appends one short line to a file, so the driver counts lines instead of polling a
store. Figures, as in ../shared/bench/peers.md:
  A  enqueue from one producer, one by one and in bulk (jobs/s)
  B  drain a pre-filled queue with 2 worker processes, first start to last start (jobs/s)
  C  workers idle for 5 s, then 200 jobs at 50/s: enqueue-to-start latency p50/p95 (ms)

Run: .venv/bin/python bench/engine.py [--jobs 10000] [--rounds 3] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
LATENCY_JOBS = 200
LATENCY_RATE = 50.0
IDLE_SECONDS = 5.0


class Run:
    """One peer's figures in a fresh folder: a store file and the jobs' log."""

    def __init__(self, name: str, folder: Path, concurrency: int) -> None:
        self.name = name
        self.folder = folder
        self.concurrency = concurrency
        self.log = folder / "jobs.log"
        self.env = {
            **os.environ,
            "PYTHONPATH": f"{HERE}{os.pathsep}{ROOT}",
            "BENCH_LOG": str(self.log),
            "BENCH_HUEY_DB": str(folder / "huey.db"),
            "ROOST_DATABASE_URL": f"sqlite:///{folder / 'roost.db'}",
        }
        os.environ["ROOST_DATABASE_URL"] = self.env["ROOST_DATABASE_URL"]
        import bench_jobs

        bench_jobs.point_huey(self.env["BENCH_HUEY_DB"])

    def lines(self) -> list[list[float]]:
        if not self.log.exists():
            return []
        rows = self.log.read_text().splitlines()
        return [[float(x) for x in r.split()] for r in rows if r]

    def wait_for_lines(self, count: int, timeout: float) -> list[list[float]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.lines()
            if len(rows) >= count:
                return rows
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: only {len(self.lines())} of {count} jobs ran in time")

    def start_workers(self) -> list[subprocess.Popen[bytes]]:
        if self.name == "roost":
            cmd = [
                PYTHON,
                "-m",
                "backend.cli",
                "worker",
                "--import",
                "bench_jobs",
                "--concurrency",
                str(self.concurrency),
            ]
            return [self._spawn(cmd) for _ in range(2)]
        cmd = [
            PYTHON,
            "-m",
            "huey.bin.huey_consumer",
            "bench_jobs.huey",
            "-k",
            "process",
            "-w",
            "2",
            "-q",
        ]
        return [self._spawn(cmd)]

    def _spawn(self, cmd: list[str]) -> subprocess.Popen[bytes]:
        err = open(self.folder / "workers.err", "ab")  # noqa: SIM115
        return subprocess.Popen(
            cmd, env=self.env, cwd=self.folder, stderr=err, stdout=subprocess.DEVNULL
        )


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.send_signal(signal.SIGINT)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()


def enqueue_one_by_one(name: str, n: int) -> float:
    from backend.jobs import enqueue

    import bench_jobs

    start = time.perf_counter()
    if name == "roost":
        for i in range(n):
            enqueue("bench.touch", {"n": i})
    else:
        for i in range(n):
            bench_jobs.huey_touch(i)
    return n / (time.perf_counter() - start)


def enqueue_bulk(name: str, n: int) -> float | None:
    from backend.jobs import NewJob, enqueue_many

    if name != "roost":
        return None  # Huey has no bulk enqueue.
    start = time.perf_counter()
    enqueue_many([NewJob("bench.touch", {"n": i}) for i in range(n)])
    return n / (time.perf_counter() - start)


def drain(run: Run, n: int) -> float:
    enqueue_bulk(run.name, n) if run.name == "roost" else _prefill_huey(n)
    run.log.unlink(missing_ok=True)
    procs = run.start_workers()
    try:
        rows = run.wait_for_lines(n, timeout=120)
    finally:
        stop(procs)
    starts = sorted(r[1] for r in rows)
    return (len(starts) - 1) / (starts[-1] - starts[0])


def _prefill_huey(n: int) -> None:
    import bench_jobs

    for i in range(n):
        bench_jobs.huey_touch(i)


def latency(run: Run) -> tuple[float, float]:
    from backend.jobs import enqueue

    import bench_jobs

    run.log.unlink(missing_ok=True)
    procs = run.start_workers()
    try:
        time.sleep(IDLE_SECONDS)
        gap = 1.0 / LATENCY_RATE
        next_at = time.monotonic()
        for i in range(LATENCY_JOBS):
            next_at += gap
            time.sleep(max(0.0, next_at - time.monotonic()))
            if run.name == "roost":
                enqueue("bench.touch", {"n": i, "sent": time.time()})
            else:
                bench_jobs.huey_touch(i, sent=time.time())
        rows = run.wait_for_lines(LATENCY_JOBS, timeout=60)
    finally:
        stop(procs)
    waits = sorted((r[1] - r[2]) * 1000 for r in rows)
    return statistics.median(waits), waits[int(len(waits) * 0.95) - 1]


def measure(name: str, jobs: int, rounds: int, concurrency: int) -> dict[str, float | None]:
    def fresh() -> Run:
        return Run(name, Path(tempfile.mkdtemp(prefix=f"bench-{name}-")), concurrency)

    out: dict[str, float | None] = {}
    _in(fresh(), lambda: out.update(one=enqueue_one_by_one(name, jobs)))
    _in(fresh(), lambda: out.update(bulk=enqueue_bulk(name, jobs * 5)))
    drains = []
    for _ in range(rounds):
        run = fresh()
        _in(run, lambda r=run: drains.append(drain(r, jobs)))  # type: ignore[misc]
    out["drain"] = statistics.median(drains)
    run = fresh()
    _in(run, lambda: out.update(zip(("p50", "p95"), latency(run), strict=True)))
    return out


def _in(run: Run, step: Callable[[], None]) -> None:
    from backend.jobs import use_store

    use_store(None)
    step()
    use_store(None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=100, help="slots per Roost worker")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    os.environ["ROOST_LOG_LEVEL"] = os.environ.get("ROOST_LOG_LEVEL", "INFO")

    results = {
        name: measure(name, args.jobs, args.rounds, args.concurrency) for name in ("roost", "huey")
    }
    print_table(results, args)


def print_table(results: dict[str, dict[str, float | None]], args: argparse.Namespace) -> None:
    roost, huey = results["roost"], results["huey"]
    rows = [
        ("A enqueue one by one", "one", "jobs/s", True, None),
        ("A enqueue bulk", "bulk", "jobs/s", True, 50_000.0),
        ("B drain, 2 processes", "drain", "jobs/s", True, None),
        ("C latency p50", "p50", "ms", False, 20.0),
        ("C latency p95", "p95", "ms", False, 50.0),
    ]
    print(
        f"\n{args.jobs} no-op jobs; Roost workers with {args.concurrency} slots each; "
        f"drain median of {args.rounds}\n"
    )
    print(f"{'figure':<24}{'Roost':>12}{'Huey':>12}{'ratio':>10}  target")
    for label, key, unit, higher, target in rows:
        r, h = roost[key], huey[key]
        ratio = (r / h if higher else h / r) if r and h else None
        goal = _goal(key, target, h)
        print(
            f"{label:<24}{_fmt(r, unit):>12}{_fmt(h, unit):>12}"
            f"{(f'{ratio:.2f}x' if ratio else '-'):>10}  {goal}"
        )


def _goal(key: str, target: float | None, huey: float | None) -> str:
    if key == "drain":
        return f">= 3x Huey ({3 * huey:,.0f} jobs/s)" if huey else ""
    if key == "one":
        return f">= Huey ({huey:,.0f} jobs/s)" if huey else ""
    if key == "bulk":
        return f">= {target:,.0f} jobs/s"
    return f"<= {target:g} ms"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "none"
    return f"{value:,.0f}" if unit == "jobs/s" else f"{value:.1f}"


if __name__ == "__main__":
    main()
