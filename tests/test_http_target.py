"""The built-in roost.http kind, against a real HTTP server on the loopback address."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from backend.jobs import InvalidArgs, Store, Worker, enqueue, registry
from backend.jobs.http_target import BODY_CHARS, KIND
from backend.jobs.listing import get_job


class Target(BaseHTTPRequestHandler):
    """Answers by path: /ok 204, /fail 503 with a long body, /slow after a second."""

    seen: list[dict[str, Any]]

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        )
        if self.path == "/slow":
            time.sleep(1.0)
        status, text = {"/ok": (204, ""), "/created": (201, "made")}.get(
            self.path, (503, "overloaded " + "x" * 2000)
        )
        if self.path == "/moved":
            status, text = 302, ""
        self.send_response(status)
        self.send_header("content-length", str(len(text)))
        if status == 302:
            self.send_header("location", "/ok")
        self.end_headers()
        self.wfile.write(text.encode())

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that stopped waiting (the timeout test) is expected: no traceback."""


@pytest.fixture
def target() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    handler = type("Handler", (Target,), {"seen": seen})
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def _run(store: Store, *jobs: dict[str, Any]) -> list[dict[str, Any]]:
    ids = [enqueue(KIND, args, max_attempts=1) for args in jobs]
    asyncio.run(Worker(store, burst=True).run())
    return [get_job(store, i) for i in ids]


def test_a_2xx_answer_succeeds_and_the_request_is_sent_as_asked(
    store: Store, target: tuple[str, list[dict[str, Any]]]
) -> None:
    base, seen = target
    request = {
        "method": "post",
        "url": f"{base}/created",
        "headers": {"X-Token": "abc"},
        "json": {"order": 7, "name": "Zoë"},
        "timeout": 5,
    }
    jobs = _run(store, request, {"method": "DELETE", "url": f"{base}/ok"})

    assert [j["state"] for j in jobs] == ["succeeded", "succeeded"]
    sent = {r["path"]: r for r in seen}  # the two jobs ran at the same time, in any order
    assert sent["/created"]["method"] == "POST" and sent["/ok"]["method"] == "DELETE"
    assert sent["/created"]["headers"]["X-Token"] == "abc"
    assert json.loads(sent["/created"]["body"]) == {"order": 7, "name": "Zoë"}
    assert sent["/ok"]["body"] == b"", "no json, no body"


def test_any_other_answer_fails_with_the_status_and_the_start_of_the_body(
    store: Store, target: tuple[str, list[dict[str, Any]]]
) -> None:
    base, _ = target
    failed, moved = _run(
        store, {"method": "GET", "url": f"{base}/busy"}, {"method": "GET", "url": f"{base}/moved"}
    )

    attempt = failed["attempts"][0]
    assert failed["state"] == "dead" and attempt["error_class"] == "HttpTargetError"
    assert attempt["error_message"].startswith(f"GET {base}/busy answered 503 Service Unavailable")
    body = attempt["error_message"].split(": ", 1)[1]
    assert body.startswith("overloaded xxx") and len(body) == BODY_CHARS
    assert "answered 302" in moved["attempts"][0]["error_message"], "redirects are not followed"


def test_timeouts_and_refused_connections_fail_the_attempt_clearly(
    store: Store, target: tuple[str, list[dict[str, Any]]]
) -> None:
    base, _ = target
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    slow, refused = _run(
        store,
        {"method": "GET", "url": f"{base}/slow", "timeout": 0.2},
        {"method": "GET", "url": f"http://127.0.0.1:{closed}/"},
    )

    assert slow["attempts"][0]["error_message"] == f"GET {base}/slow got no answer within 0.2 s"
    assert refused["state"] == "dead"
    assert refused["attempts"][0]["error_message"].startswith(
        f"GET http://127.0.0.1:{closed}/ failed before an answer"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"method": "FETCH", "url": "http://127.0.0.1/"}, "method must be one of"),
        ({"method": "GET", "url": "ftp://127.0.0.1/file"}, "http:// or https://"),
        ({"method": "GET", "url": "file:///etc/passwd"}, "http:// or https://"),
        ({"method": "GET", "url": "http:///no-host"}, "with a host"),
        ({"method": "GET", "url": "http://127.0.0.1:99999/"}, "http:// or https://"),
        ({"method": "GET"}, "url must be"),
        ({"method": "GET", "url": "http://127.0.0.1/", "retries": 3}, "no argument 'retries'"),
        ({"method": "GET", "url": "http://127.0.0.1/", "timeout": 0}, "timeout must be"),
        ({"method": "GET", "url": "http://127.0.0.1/", "headers": {"a b": "c"}}, "header name"),
        ({"method": "GET", "url": "http://127.0.0.1/", "headers": {"a": "b\r\nc: d"}}, "one line"),
        (["GET", "http://127.0.0.1/"], "args must be an object"),
    ],
)
def test_bad_requests_are_refused_at_enqueue(store: Store, args: Any, message: str) -> None:
    with pytest.raises(InvalidArgs, match=message):
        enqueue(KIND, args)


def test_the_kind_is_built_in() -> None:
    assert KIND in registry.kinds()
