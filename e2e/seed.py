"""A SQLite store with a few thousand jobs in every state, made through the engine.

Run as a script to make one by hand: `.venv/bin/python e2e/seed.py /tmp/roost-e2e.db`.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from backend.jobs import NewJob, Store, enqueue_many
from backend.jobs.operations import act
from backend.settings import Settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Producers see the kinds' registered defaults (queue, max_attempts) as the workers do.
sys.path.insert(0, str(HERE))
import sample_jobs  # noqa: E402,F401

ROOST = ROOT / ".venv" / "bin" / "roost"

NEEDLE = "needle-7781"  # a value inside the args of exactly NEEDLE_COUNT jobs
NEEDLE_COUNT = 7
HOSTILE_ARGS = {"comment": "<script>window.__pwned = 1</script><img src=x onerror=alert(1)>"}
UNICODE_ARGS = {"greeting": "Grüße, Привет, 你好, مرحبا 🎉", "rtl": "שלום"}
SUCCEEDED, DEAD, RETRYING, SCHEDULED, CANCELLED, WAITING = 1500, 600, 300, 400, 250, 450


def settings_for(path: Path) -> Settings:
    return Settings.from_env({}, database_url=f"sqlite:///{path}")


def seed(path: Path) -> dict[str, int]:
    """Fill a new store at `path`; return how many jobs each state should hold."""
    store = Store(settings=settings_for(path))
    try:
        _enqueue(store)
        _run_burst_worker(path, queues="default,mail,billing,inventory")
        _cancel_some(store)
    finally:
        store.dispose()
    _checkpoint(path)
    return {
        "succeeded": SUCCEEDED + NEEDLE_COUNT + 2,
        "dead": DEAD,
        "retrying": RETRYING,
        "scheduled": SCHEDULED,
        "cancelled": CANCELLED,
        "enqueued": WAITING,
    }


def _enqueue(store: Store) -> None:
    jobs = [
        NewJob(
            "send_email",
            {"to": f"user{i}@example.com", "template": "welcome", "n": i},
            queue="mail" if i % 3 else "default",
        )
        for i in range(SUCCEEDED)
    ]
    jobs += [NewJob("send_email", {"to": f"{NEEDLE}-{i}@example.com"}) for i in range(NEEDLE_COUNT)]
    jobs.append(NewJob("send_email", HOSTILE_ARGS, queue="mail"))
    jobs.append(NewJob("send_email", UNICODE_ARGS, queue="mail"))
    jobs += [
        NewJob("charge_card", {"order": 10_000 + i, "amount": 19.99 + i}, queue="billing")
        for i in range(DEAD)
    ]
    jobs += [
        NewJob("sync_inventory", {"sku": f"SKU-{i:05d}"}, queue="inventory")
        for i in range(RETRYING)
    ]
    jobs += [
        NewJob("build_report", {"report": "weekly", "week": i}, queue="reports", delay=3600 + i)
        for i in range(SCHEDULED)
    ]
    big = {"rows": [{"row": i, "value": "x" * 40} for i in range(400)]}
    jobs.append(NewJob("resize_image", big, queue="backlog"))
    jobs += [
        NewJob("resize_image", {"image": f"img-{i}.png"}, queue="backlog")
        for i in range(WAITING - 1)
    ]
    enqueue_many(jobs, store=store)


def _run_burst_worker(path: Path, queues: str) -> None:
    subprocess.run(
        [str(ROOST), "worker", "--import", "sample_jobs", "--queues", queues, "--burst"],
        cwd=HERE,
        env=worker_env(path),
        check=True,
        timeout=300,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def worker_env(path: Path) -> dict[str, str]:
    """The environment for a `roost` process over the store at `path`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env["ROOST_DATABASE_URL"] = f"sqlite:///{path}"
    env["ROOST_LOG_LEVEL"] = "WARNING"
    return env


def _cancel_some(store: Store) -> None:
    jobs = [
        NewJob("build_report", {"report": "daily", "day": i}, queue="reports", delay=7200)
        for i in range(CANCELLED)
    ]
    act(store, "cancel", ids=enqueue_many(jobs, store=store))


def _checkpoint(path: Path) -> None:
    # Fold the WAL into the main file, so copying that one file copies the whole store.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def copy_store(source: Path, target: Path) -> None:
    """A consistent copy of a store, for a test that changes it."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/roost-e2e.db")
    target.unlink(missing_ok=True)
    print(seed(target))
