"""Stats and workers through the API."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import insert
from starlette.testclient import TestClient

from backend.jobs.models import STATES, worker_t
from backend.jobs.sql import add_stats_raw
from backend.jobs.store import Store

Make = Callable[..., int]


def test_stats_counts_history_and_slots(client: TestClient, store: Store, make_job: Make) -> None:
    now = store.now()
    make_job(queue="mail")
    make_job(queue="mail", state="retrying", run_at=now - 5)
    make_job(queue="images", state="dead")
    make_job(queue="images", state="processing", worker_id="w1")
    make_job(queue="images", state="processing", worker_id="w1")
    minute = int(now // 60)
    with store.raw_write() as cur:
        add_stats_raw(
            cur,
            [
                {"minute": minute, "queue": "mail", "processed": 7, "failed": 2},
                {"minute": minute - 1, "queue": "images", "processed": 3, "failed": 0},
                {"minute": minute - 5000, "queue": "mail", "processed": 100, "failed": 1},
            ],
        )
    with store.write() as conn:
        conn.execute(insert(worker_t), [_worker("w1", now, busy=1, slots=10)])

    body = client.get("/api/stats").json()

    assert body["counts"] == {**dict.fromkeys(STATES, 0), "enqueued": 2, "dead": 1, "processing": 2}
    assert body["queues"]["mail"]["enqueued"] == 2
    assert body["processed"] == 110 and body["failed"] == 3
    history = body["history"]
    assert history["step_seconds"] == 60 and len(history["processed"]) == 1440
    assert history["processed"][-1] == 7 and history["processed"][-2] == 3
    assert history["failed"][-1] == 2
    assert (body["busy_slots"], body["total_slots"], body["workers"]) == (2, 10, 1)


def test_workers_list_live_ones_with_their_jobs(
    client: TestClient, store: Store, make_job: Make
) -> None:
    now = store.now()
    with store.write() as conn:
        conn.execute(insert(worker_t), [_worker("w1", now), _worker("gone", now - 3600)])
    job_id = make_job(queue="mail", state="processing", worker_id="w1", started_at=now)

    items = client.get("/api/workers").json()["items"]

    assert [w["id"] for w in items] == ["w1"]
    assert items[0]["queues"] == ["mail"]
    assert items[0]["jobs"][0]["id"] == job_id
    assert items[0]["heartbeat_at"].endswith("Z")


def _worker(worker_id: str, at: float, busy: int = 0, slots: int = 4) -> dict[str, object]:
    return {
        "id": worker_id,
        "host": "box",
        "pid": 42,
        "queues": json.dumps(["mail"]),
        "slots": slots,
        "busy": busy,
        "started_at": at,
        "heartbeat_at": at,
    }
