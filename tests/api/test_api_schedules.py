"""Schedules, kinds, duplicated jobs and HTTP target jobs through the API."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import insert
from starlette.testclient import TestClient

from backend.jobs.models import worker_t
from backend.jobs.store import Store

Make = Callable[..., int]
NIGHTLY = {
    "name": "nightly",
    "cron": "30 2 * * *",
    "timezone": "Europe/Berlin",
    "kind": "report.build",
    "args": {"day": "yesterday"},
    "queue": "reports",
    "priority": 5,
}


def test_schedule_lifecycle(client: TestClient) -> None:
    created = client.post("/api/schedules", json=NIGHTLY)
    assert created.status_code == 201
    body = created.json()
    assert body["description"] == "At 02:30 (Europe/Berlin)"
    assert body["next_run_at"].endswith("Z") and body["last_run_at"] is None
    assert (body["source"], body["paused"], body["recent_jobs"]) == ("api", False, [])
    assert {k: body[k] for k in NIGHTLY} == NIGHTLY

    paused = client.post("/api/schedules/nightly/pause").json()
    assert paused["paused"] is True and paused["next_run_at"] is None

    triggered = client.post("/api/schedules/nightly/trigger")
    assert triggered.status_code == 201
    job = triggered.json()["job"]
    assert (job["kind"], job["queue"], job["priority"], job["args"]) == (
        "report.build",
        "reports",
        5,
        {"day": "yesterday"},
    )
    assert job["schedule"] == "nightly" and job["state"] == "enqueued"
    after = triggered.json()["schedule"]
    assert after["last_job_id"] == job["id"] and after["recent_jobs"][0]["id"] == job["id"]

    produced = client.get("/api/jobs", params={"schedule": "nightly"}).json()
    assert [j["id"] for j in produced["items"]] == [job["id"]] and produced["total"] == 1
    assert client.post("/api/schedules/nightly/resume").json()["next_run_at"] is not None
    assert [s["name"] for s in client.get("/api/schedules").json()["items"]] == ["nightly"]
    assert client.delete("/api/schedules/nightly").json() == {"name": "nightly", "deleted": True}
    assert client.get("/api/schedules/nightly").status_code == 404
    assert client.get(f"/api/jobs/{job['id']}").json()["schedule"] == "nightly"


def test_bad_schedules_are_refused_with_a_reason(client: TestClient, snapshot) -> None:
    client.post("/api/schedules", json=NIGHTLY)
    before = snapshot()
    cases = [
        ({**NIGHTLY, "name": "other", "cron": "every day"}, 400, "five fields"),
        ({**NIGHTLY, "name": "other", "timezone": "Moon/Base"}, 400, "time zone"),
        ({**NIGHTLY, "name": "other", "cron": "0 0 31 2 *"}, 400, "matches no date"),
        ({**NIGHTLY, "name": "other", "kind": "roost.http", "args": {"url": 1}}, 400, "method"),
        ({**NIGHTLY, "name": "other", "colour": "red"}, 400, "unknown field"),
        (NIGHTLY, 409, "already exists"),
    ]
    for body, status, words in cases:
        answer = client.post("/api/schedules", json=body)
        assert answer.status_code == status, body
        assert answer.headers["content-type"] == "application/problem+json"
        assert words in answer.json()["detail"]
    assert client.post("/api/schedules/missing/pause").status_code == 404
    assert client.post("/api/schedules/bad name/trigger").status_code == 400
    assert snapshot() == before


def test_duplicate_enqueues_a_copy(client: TestClient, make_job: Make) -> None:
    original = make_job(kind="mail.send", args={"to": "a@example.com"}, queue="mail", priority=3)
    client.post(f"/api/jobs/{original}/kill")

    copy = client.post(f"/api/jobs/{original}/duplicate")

    assert copy.status_code == 201
    body = copy.json()
    assert body["id"] != original and body["state"] == "enqueued" and body["attempt"] == 0
    assert (body["kind"], body["args"], body["queue"], body["priority"]) == (
        "mail.send",
        {"to": "a@example.com"},
        "mail",
        3,
    )
    assert client.get(f"/api/jobs/{original}").json()["state"] == "dead"
    assert client.post("/api/jobs/999/duplicate").status_code == 404


def test_kinds_of_live_workers_and_the_built_in_ones(client: TestClient, store: Store) -> None:
    now = store.now()
    rows = [
        _worker("w1", now, ["mail.send", "report.build"]),
        _worker("w2", now, ["mail.send"]),
        _worker("gone", now - 3600, ["old.kind"]),
    ]
    with store.write() as conn:
        conn.execute(insert(worker_t), rows)

    kinds = client.get("/api/kinds").json()["items"]
    workers = client.get("/api/workers").json()["items"]

    assert kinds == [
        {"kind": "mail.send", "workers": 2, "builtin": False},
        {"kind": "report.build", "workers": 1, "builtin": False},
        {"kind": "roost.http", "workers": 0, "builtin": True},
    ]
    assert workers[0]["kinds"] == ["mail.send", "report.build"]


def test_http_target_jobs_are_checked_before_they_are_stored(client: TestClient) -> None:
    bad = client.post(
        "/api/jobs", json={"kind": "roost.http", "args": {"method": "GET", "url": "gopher://x"}}
    )
    good = client.post(
        "/api/jobs",
        json={"kind": "roost.http", "args": {"method": "POST", "url": "http://127.0.0.1:9/hook"}},
    )

    assert bad.status_code == 400 and "http:// or https://" in bad.json()["detail"]
    assert good.status_code == 201 and good.json()["kind"] == "roost.http"


def test_queue_rate_limit_settings(client: TestClient) -> None:
    made = client.post("/api/queues", json={"name": "api", "rate_limit": 5, "rate_burst": 10})
    changed = client.patch("/api/queues/api", json={"rate_burst": None})
    refused = client.patch("/api/queues/api", json={"rate_limit": 0})

    assert made.json()["settings"]["rate_limit"] == 5.0
    assert made.json()["settings"]["rate_burst"] == 10
    assert changed.json()["settings"]["rate_burst"] is None
    assert refused.status_code == 400


def _worker(worker_id: str, beat: float, kinds: list[str]) -> dict:
    return {
        "id": worker_id,
        "host": "h",
        "pid": 1,
        "queues": "[]",
        "slots": 4,
        "busy": 0,
        "started_at": beat,
        "heartbeat_at": beat,
        "stopping": False,
        "kinds": json.dumps(kinds),
    }
