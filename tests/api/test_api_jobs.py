"""Listing, reading, enqueueing and acting on jobs through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import insert
from starlette.testclient import TestClient

from backend.jobs.models import attempt_t
from backend.jobs.store import Store

Make = Callable[..., int]


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_list_is_newest_first_with_total(client: TestClient, store: Store, make_job: Make) -> None:
    made = [make_job() for _ in range(3)]

    body = client.get("/api/jobs").json()

    assert ids(body) == made[::-1]
    assert body["total"] == 3
    assert body["next_cursor"] is None


def test_summary_fields_and_times(client: TestClient, store: Store, make_job: Make) -> None:
    make_job(args={"to": "a@example.com"}, error="ValueError: bad\nmore lines")

    item = client.get("/api/jobs").json()["items"][0]

    assert set(item) == {
        "id", "kind", "queue", "state", "priority", "attempt", "max_attempts", "args_preview",
        "error", "created_at", "run_at", "started_at", "finished_at", "worker_id", "schedule",
    }  # fmt: skip
    assert item["args_preview"] == '{"to":"a@example.com"}'
    assert item["error"] == "ValueError: bad"
    assert item["max_attempts"] == 25
    assert item["created_at"].endswith("Z") and len(item["created_at"]) == 24
    assert item["finished_at"] is None


def test_args_preview_is_truncated(client: TestClient, store: Store, make_job: Make) -> None:
    make_job(args={"text": "x" * 500})

    preview = client.get("/api/jobs").json()["items"][0]["args_preview"]

    assert len(preview) == 120


def test_cursor_pages_cover_every_job_once(
    client: TestClient, store: Store, make_job: Make
) -> None:
    made = [make_job() for _ in range(7)]
    seen: list[int] = []
    cursor = None

    for _ in range(10):
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/jobs", params=params).json()
        seen += ids(body)
        assert body["total"] == 7
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == made[::-1]


def test_sort_by_finished_at_pages_through_nulls(
    client: TestClient, store: Store, make_job: Make
) -> None:
    done = [make_job(state="succeeded", finished_at=1000.0 + i) for i in range(3)]
    waiting = [make_job() for _ in range(2)]

    for sort, expected in (
        ("finished_at", waiting + done),
        ("-finished_at", done[::-1] + waiting[::-1]),
    ):
        seen: list[int] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"sort": sort, "limit": 2}
            if cursor:
                params["cursor"] = cursor
            body = client.get("/api/jobs", params=params).json()
            seen += ids(body)
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, sort


def test_filters_by_queue_state_and_kind(client: TestClient, store: Store, make_job: Make) -> None:
    a = make_job(queue="mail", kind="mail.send")
    make_job(queue="mail", kind="mail.send", state="dead")
    make_job(queue="images", kind="img.resize")

    body = client.get("/api/jobs", params={"queue": "mail", "state": "enqueued"}).json()
    assert ids(body) == [a]
    assert body["total"] == 1
    assert client.get("/api/jobs", params={"kind": "img.resize"}).json()["total"] == 1


def test_due_scheduled_job_lists_as_enqueued(
    client: TestClient, store: Store, make_job: Make
) -> None:
    due = make_job(state="retrying", run_at=store.now() - 10)
    later = make_job(state="retrying", run_at=store.now() + 3600)

    enqueued = client.get("/api/jobs", params={"state": "enqueued"}).json()
    retrying = client.get("/api/jobs", params={"state": "retrying"}).json()

    assert ids(enqueued) == [due] and enqueued["total"] == 1
    assert enqueued["items"][0]["state"] == "enqueued"
    assert ids(retrying) == [later] and retrying["total"] == 1


def test_time_range_filters(client: TestClient, store: Store, make_job: Make) -> None:
    old = make_job(created_at=1_000_000_000.0)
    new = make_job()

    before = client.get("/api/jobs", params={"created_before": "2020-01-01T00:00:00Z"}).json()
    after = client.get("/api/jobs", params={"created_after": "2020-01-01T00:00:00+00:00"}).json()

    assert ids(before) == [old]
    assert ids(after) == [new]


def test_free_text_is_literal_and_finds_any_script(
    client: TestClient, store: Store, make_job: Make
) -> None:
    texts = ["100% done", "snake_case", 'say "hi"', "C:\\path", "Привет", "東京", "🎉 party"]
    made = {t: make_job(args={"note": t}) for t in texts}
    make_job(args={"note": "1000 done snakeXcase"})

    for text, job_id in made.items():
        body = client.get("/api/jobs", params={"q": text}).json()
        assert ids(body) == [job_id], text
        assert body["total"] == 1


def test_free_text_matches_id_kind_and_error(
    client: TestClient, store: Store, make_job: Make
) -> None:
    job_id = make_job(kind="reports.build", error="TimeoutError: slow")

    for text in (str(job_id), "reports.bu", "TimeoutErr"):
        assert ids(client.get("/api/jobs", params={"q": text}).json()) == [job_id]


def test_detail_has_args_attempts_and_actions(
    client: TestClient, store: Store, make_job: Make
) -> None:
    job_id = make_job(args=[1, "two"], state="dead", attempt=1, error="KeyError: 'x'")
    with store.write() as conn:
        conn.execute(
            insert(attempt_t).values(
                job_id=job_id, attempt=1, worker_id="w1", started_at=10.0, finished_at=11.5,
                outcome="failed", error_class="KeyError", error_message="'x'", traceback="Tb...",
            )
        )  # fmt: skip

    body = client.get(f"/api/jobs/{job_id}").json()

    assert body["args"] == [1, "two"]
    assert body["actions"] == ["retry", "delete"]
    assert body["attempts"] == [
        {
            "attempt": 1, "outcome": "failed", "error_class": "KeyError", "error_message": "'x'",
            "traceback": "Tb...", "worker_id": "w1", "started_at": "1970-01-01T00:00:10.000Z",
            "finished_at": "1970-01-01T00:00:11.500Z",
        }
    ]  # fmt: skip


def test_missing_job_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/api/jobs/999")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "job 999 does not exist"


def test_create_job(client: TestClient) -> None:
    response = client.post(
        "/api/jobs",
        json={"kind": "mail.send", "args": {"to": "x"}, "queue": "mail", "priority": 5},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "enqueued" and body["queue"] == "mail" and body["priority"] == 5
    assert client.get("/api/jobs").json()["total"] == 1


def test_create_scheduled_job(client: TestClient) -> None:
    at = client.post("/api/jobs", json={"kind": "k", "run_at": "2099-01-01T00:00:00+02:00"})
    later = client.post("/api/jobs", json={"kind": "k", "delay": 3600})

    assert at.json()["run_at"] == "2098-12-31T22:00:00.000Z"
    assert at.json()["state"] == "scheduled"
    assert later.json()["state"] == "scheduled"


def test_actions_on_one_job(client: TestClient, store: Store, make_job: Make) -> None:
    job_id = make_job()

    killed = client.post(f"/api/jobs/{job_id}/kill")
    again = client.post(f"/api/jobs/{job_id}/kill")
    retried = client.post(f"/api/jobs/{job_id}/retry")

    assert killed.status_code == 200
    assert killed.json()["job"]["state"] == "dead"
    assert killed.json()["result"]["summary"] == "1 killed"
    assert again.status_code == 409
    assert again.json()["detail"] == f"cannot kill job {job_id}: already dead"
    assert retried.json()["job"]["state"] == "enqueued"


def test_run_now_cancel_and_delete(client: TestClient, store: Store, make_job: Make) -> None:
    later = make_job(state="scheduled", run_at=store.now() + 3600)
    busy = make_job(state="processing", worker_id="w1")

    assert client.post(f"/api/jobs/{later}/run_now").json()["job"]["state"] == "enqueued"
    cancelled = client.post(f"/api/jobs/{busy}/cancel").json()["job"]
    assert cancelled["state"] == "processing" and cancelled["cancel_requested"] is True
    deleted = client.delete(f"/api/jobs/{later}")
    assert deleted.status_code == 200 and deleted.json()["job"] is None
    assert client.get(f"/api/jobs/{later}").status_code == 404
    assert client.delete(f"/api/jobs/{later}").status_code == 404
