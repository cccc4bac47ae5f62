"""Bulk actions and queues through the API."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from backend.jobs.store import Store

Make = Callable[..., int]


def test_bulk_by_ids_reports_skips_with_reasons(client: TestClient, make_job: Make) -> None:
    dead = [make_job(state="dead") for _ in range(2)]
    busy = make_job(state="processing", worker_id="w1")

    body = client.post("/api/jobs/bulk", json={"action": "retry", "ids": [*dead, busy, 999]}).json()

    assert body["matched"] == 3 and body["changed"] == 2
    assert body["skipped"] == [
        {"id": busy, "reason": "already processing"},
        {"id": 999, "reason": "not found"},
    ]
    assert body["skipped_count"] == 2
    assert body["reasons"] == {"already processing": 1, "not found": 1}
    assert body["summary"].startswith("2 retried, 2 skipped")


def test_bulk_by_filter_acts_on_all_matching(client: TestClient, make_job: Make) -> None:
    for _ in range(5):
        make_job(queue="mail", state="dead")
    other = make_job(queue="images", state="dead")

    body = client.post(
        "/api/jobs/bulk", json={"action": "delete", "filter": {"queue": "mail", "state": "dead"}}
    ).json()

    assert body["changed"] == 5 and body["summary"] == "5 deleted"
    assert [j["id"] for j in client.get("/api/jobs").json()["items"]] == [other]


def test_bulk_filter_with_text_and_times(client: TestClient, make_job: Make) -> None:
    hit = make_job(args={"user": "Zoë"}, state="dead")
    make_job(args={"user": "Bob"}, state="dead")

    body = client.post(
        "/api/jobs/bulk",
        json={
            "action": "retry",
            "filter": {"q": "Zoë", "created_after": "2000-01-01T00:00:00Z"},
        },
    ).json()

    assert body["changed"] == 1
    assert client.get(f"/api/jobs/{hit}").json()["state"] == "enqueued"


def test_queue_lifecycle(client: TestClient, make_job: Make) -> None:
    created = client.post("/api/queues", json={"name": "mail", "max_concurrency": 3})
    assert created.status_code == 201
    assert created.json()["settings"]["max_concurrency"] == 3
    assert created.json()["counts"]["enqueued"] == 0
    make_job(queue="mail")
    make_job(queue="mail", state="succeeded")

    paused = client.post("/api/queues/mail/pause").json()
    patched = client.patch("/api/queues/mail", json={"max_attempts": 4}).json()
    listed = client.get("/api/queues").json()["items"]

    assert paused["paused"] is True
    assert patched["settings"]["max_attempts"] == 4
    assert patched["settings"]["max_concurrency"] == 3
    assert [q["name"] for q in listed] == ["mail"]
    assert listed[0]["counts"]["enqueued"] == 1 and listed[0]["counts"]["succeeded"] == 1
    assert listed[0]["latency_seconds"] >= 0
    assert client.post("/api/queues/mail/resume").json()["paused"] is False
    assert client.post("/api/queues/mail/purge").json() == {"deleted": 1}
    assert client.delete("/api/queues/mail").json() == {"deleted": 1}
    assert client.get("/api/queues/mail").status_code == 404


def test_queue_list_by_name(client: TestClient, make_job: Make) -> None:
    make_job(queue="a")
    make_job(queue="b")

    assert [q["name"] for q in client.get("/api/queues?name=b").json()["items"]] == ["b"]
    assert client.get("/api/queues?name=zzz").json()["items"] == []


def test_queue_conflicts(client: TestClient, store: Store, make_job: Make) -> None:
    client.post("/api/queues", json={"name": "mail"})
    make_job(queue="mail", state="processing", worker_id="w1")

    again = client.post("/api/queues", json={"name": "mail"})
    busy = client.delete("/api/queues/mail")

    assert again.status_code == 409 and "already exists" in again.json()["detail"]
    assert busy.status_code == 409 and "processing" in busy.json()["detail"]


def test_max_attempts_falls_back_to_queue_setting(client: TestClient, make_job: Make) -> None:
    client.post("/api/queues", json={"name": "mail", "max_attempts": 3})
    make_job(queue="mail")

    assert client.get("/api/jobs").json()["items"][0]["max_attempts"] == 3
