"""Fixtures for the API tests: a store on a fresh SQLite file, the app and a client on it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from backend.api import create_app
from backend.jobs.enqueue import enqueue
from backend.jobs.models import (
    attempt_t,
    count_t,
    job_t,
    queue_t,
    schedule_t,
    stats_t,
    worker_t,
)
from backend.jobs.store import Store
from backend.settings import Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ROOST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def store(tmp_path: Any) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'roost.db'}"
    s = Store(url, settings=Settings.from_env(database_url=url, stats_interval_seconds=0.05))
    yield s
    s.dispose()


@pytest.fixture
def client(store: Store, tmp_path: Any) -> Iterator[TestClient]:
    app = create_app(store, dashboard_dir=tmp_path / "no-dist")
    with TestClient(app) as c:
        yield c


MakeJob = Callable[..., int]


@pytest.fixture
def make_job(store: Store) -> MakeJob:
    """A function that enqueues one job, then sets any columns (state, run_at...) directly."""
    return lambda *args, **kwargs: _make_job(store, *args, **kwargs)


@pytest.fixture
def snapshot(store: Store) -> Callable[[], dict[str, list[tuple[Any, ...]]]]:
    """A function that reads every row of every table."""
    return lambda: _snapshot(store)


def _make_job(
    store: Store,
    kind: str = "mail.send",
    args: dict[str, Any] | list[Any] | None = None,
    queue: str = "default",
    **columns: Any,
) -> int:
    """Enqueue one job, then set any columns (state, run_at, error...) directly."""
    job_id = enqueue(kind, {} if args is None else args, store=store, queue=queue)
    if columns:
        with store.write() as conn:
            conn.execute(update(job_t).where(job_t.c.id == job_id).values(**columns))
    return job_id


def _snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused request changed nothing."""
    tables = (job_t, attempt_t, queue_t, worker_t, stats_t, count_t, schedule_t)
    with store.read() as conn:
        return {t.name: sorted(tuple(r) for r in conn.execute(select(t)).all()) for t in tables}
