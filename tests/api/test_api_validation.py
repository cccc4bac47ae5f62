"""Every kind of bad input gets a 4xx problem that says what is accepted, and stores nothing."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

Make = Callable[..., int]
Snapshot = Callable[[], dict[str, list[tuple[Any, ...]]]]


def _cursor(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


BIG = {"kind": "k", "args": {"blob": "x" * (1024 * 1024)}}
CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    # (method, path, request options, status, words the detail must contain)
    ("GET", "/api/jobs?state=bogus", {}, 400, "'scheduled', 'enqueued'"),
    ("GET", "/api/jobs?sort=name", {}, 400, "'-id'"),
    ("GET", "/api/jobs?cursor=%%%%", {}, 400, "cursor is not valid"),
    ("GET", "/api/jobs?cursor=" + _cursor({"s": "-id", "v": "x", "i": 1}), {}, 400, "cursor"),
    ("GET", "/api/jobs?cursor=" + _cursor([1, 2]), {}, 400, "cursor is not valid"),
    ("GET", "/api/jobs?sort=id&cursor=" + _cursor({"s": "-id", "v": 1, "i": 1}), {}, 400, "sort"),
    ("GET", "/api/jobs?limit=-1", {}, 400, "greater than or equal to 1"),
    ("GET", "/api/jobs?limit=0", {}, 400, "limit"),
    ("GET", "/api/jobs?limit=501", {}, 400, "less than or equal to 500"),
    ("GET", "/api/jobs?limit=" + "9" * 40, {}, 400, "limit"),
    ("GET", "/api/jobs?limit=ten", {}, 400, "integer"),
    ("GET", "/api/jobs?color=red", {}, 400, "unknown field"),
    ("GET", "/api/jobs?state=dead&state=enqueued", {}, 400, "more than once"),
    ("GET", "/api/jobs?queue=a%20b", {}, 400, "letters, digits"),
    ("GET", "/api/jobs?kind=%F0%9F%90%8D", {}, 400, "letters, digits"),
    ("GET", "/api/jobs?queue=../etc", {}, 400, "letters, digits"),
    ("GET", "/api/jobs?created_after=2026-01-01T00:00:00", {}, 400, "with a zone"),
    ("GET", "/api/jobs?finished_before=yesterday", {}, 400, "ISO 8601"),
    ("GET", "/api/jobs?q=" + "x" * 201, {}, 400, "200"),
    ("GET", "/api/jobs?q=%00", {}, 400, "NUL"),
    ("GET", "/api/jobs/%C2%B2", {}, 400, "job id"),
    ("GET", "/api/jobs/%EF%BC%91", {}, 400, "job id"),
    ("GET", "/api/jobs/abc", {}, 400, "job id"),
    ("GET", "/api/jobs/-1", {}, 400, "job id"),
    ("GET", "/api/jobs/" + "9" * 30, {}, 400, "job id"),
    ("GET", "/api/queues/a%20b", {}, 400, "letters, digits"),
    ("GET", "/api/queues?name=x%00y", {}, 400, "letters, digits"),
    ("POST", "/api/jobs", {"content": b'{"kind": "k", '}, 400, "not valid JSON"),
    ("POST", "/api/jobs", {"content": b"\xff\xfe"}, 400, "JSON"),
    ("POST", "/api/jobs", {"content": b""}, 400, "empty"),
    (
        "POST",
        "/api/jobs",
        {"content": b'{"kind": "k"}', "headers": {"content-type": "text/plain"}},
        415,
        "application/json",
    ),
    ("POST", "/api/jobs", {"json": [1, 2]}, 400, "body is not valid"),
    ("POST", "/api/jobs", {"json": BIG}, 413, "larger than 1048576 bytes"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "args": "x=1"}}, 400, "args"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "args": 5}}, 400, "args"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "args": None}}, 400, "args"),
    ("POST", "/api/jobs", {"content": b'{"kind":"k","args":[NaN]}'}, 400, "JSON"),
    ("POST", "/api/jobs", {"json": {"kind": "rm -rf /"}}, 400, "letters, digits"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "queue": "a/b"}}, 400, "letters, digits"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "colour": 1}}, 400, "unknown field"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "priority": 10**7}}, 400, "priority"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "priority": "1"}}, 400, "integer"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "max_attempts": 0}}, 400, "max_attempts"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "run_at": "2030-01-01T00:00"}}, 400, "zone"),
    ("POST", "/api/jobs", {"json": {"kind": "k", "delay": -1}}, 400, "delay"),
    (
        "POST",
        "/api/jobs",
        {"json": {"kind": "k", "delay": 1, "run_at": "2030-01-01T00:00:00Z"}},
        400,
        "not both",
    ),
    ("POST", "/api/jobs/bulk", {"json": {"action": "retry"}}, 400, "either ids or filter"),
    (
        "POST",
        "/api/jobs/bulk",
        {"json": {"action": "retry", "ids": [1], "filter": {}}},
        400,
        "not both",
    ),
    ("POST", "/api/jobs/bulk", {"json": {"action": "explode", "ids": [1]}}, 400, "'retry'"),
    ("POST", "/api/jobs/bulk", {"json": {"action": "kill", "ids": [-3]}}, 400, "ids"),
    ("POST", "/api/jobs/bulk", {"json": {"action": "kill", "ids": []}}, 400, "ids"),
    (
        "POST",
        "/api/jobs/bulk",
        {"json": {"action": "kill", "ids": list(range(1, 10_002))}},
        400,
        "10000",
    ),
    (
        "POST",
        "/api/jobs/bulk",
        {"json": {"action": "kill", "filter": {"state": "gone"}}},
        400,
        "'dead'",
    ),
    ("POST", "/api/queues", {"json": {"name": "bad name"}}, 400, "letters, digits"),
    ("POST", "/api/queues", {"json": {"name": "q", "rate_limit": -1}}, 400, "rate_limit"),
    (
        "POST",
        "/api/queues",
        {"json": {"name": "q", "min_backoff": 60, "max_backoff": 5}},
        400,
        "min_backoff",
    ),
    ("PATCH", "/api/queues/default", {"json": {"speed": 1}}, 400, "unknown field"),
    ("PUT", "/api/jobs", {}, 405, "use GET"),
    ("GET", "/api/nowhere", {}, 404, "openapi.json"),
]


@pytest.mark.parametrize(
    ("method", "path", "options", "status", "words"),
    CASES,
    ids=[f"{c[0]} {c[1][:60]} {str(c[2])[:40]}" for c in CASES],
)
def test_bad_input_is_refused_and_changes_nothing(
    client: TestClient,
    make_job: Make,
    snapshot: Snapshot,
    method: str,
    path: str,
    options: dict[str, Any],
    status: int,
    words: str,
) -> None:
    make_job(queue="default", state="dead")
    before = snapshot()

    response = client.request(method, path, **options)

    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert words in body["detail"] or words in json.dumps(body.get("errors", [])), body
    assert snapshot() == before


def test_declared_oversized_body_is_refused_before_reading(client: TestClient) -> None:
    response = client.post(
        "/api/jobs", content=b"{}", headers={"content-length": str(10 * 1024 * 1024)}
    )

    assert response.status_code == 413


def test_server_error_leaks_nothing(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.jobs import listing

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret table name job_internal")

    monkeypatch.setattr(listing, "list_jobs", broken)

    response = client.get("/api/jobs")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "server log" in response.json()["detail"]
    assert "secret" not in response.text
