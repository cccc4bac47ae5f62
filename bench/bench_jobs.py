"""Jobs for the engine benchmark: each appends one short line to a file, as the peers' did."""

import os
import time

from huey import SqliteHuey
from huey.storage import SqliteStorage

from backend.jobs import job

LOG = os.environ.get("BENCH_LOG", "bench.log")


def _append(n: int, sent: float | None) -> None:
    with open(LOG, "a") as f:
        f.write(f"{n} {time.time():.6f} {sent or 0:.6f}\n")


@job(kind="bench.touch")
def touch(n: int, sent: float | None = None) -> None:
    """Roost's no-op job."""
    _append(n, sent)


huey = SqliteHuey(filename=os.environ.get("BENCH_HUEY_DB", "huey.db"))


@huey.task()
def huey_touch(n: int, sent: float | None = None) -> None:
    """Huey's no-op job."""
    _append(n, sent)


def point_huey(filename: str) -> None:
    """Send this process's Huey producer to another SQLite file (one per measurement)."""
    huey.storage = SqliteStorage(name=huey.name, filename=filename)
