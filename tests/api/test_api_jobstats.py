"""/jobstats through a real uvicorn server on a free loopback port."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from backend.api import create_app
from backend.jobs.enqueue import enqueue
from backend.jobs.store import Store


@dataclass
class Server:
    url: str
    app: Starlette


@pytest.fixture
def server(store: Store, tmp_path: Path) -> Iterator[Server]:
    app = create_app(store, root_path="/roost", dashboard_dir=tmp_path / "no-dist")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    wait_until(lambda: uv.started, "the server to start")
    yield Server(f"http://127.0.0.1:{port}/roost", app)
    uv.should_exit = True
    thread.join(10)


@dataclass
class Listener:
    """One SSE client on a raw socket, reading in its own thread until closed.

    HTTP/1.0 keeps the body unframed, and a raw socket can be shut down from another thread,
    which is how a browser tab that goes away looks to the server.
    """

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    events: list[dict[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parsed = urlsplit(self.url)
        self._sock = socket.create_connection((parsed.hostname, parsed.port), timeout=30)
        extra = "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
        request = f"GET {parsed.path} HTTP/1.0\r\nHost: {parsed.netloc}\r\n{extra}\r\n"
        self._sock.sendall(request.encode())
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        buffer = b""
        head_done = False
        current: dict[str, str] = {}
        while True:
            try:
                data = self._sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            buffer += data
            if not head_done:
                if b"\r\n\r\n" not in buffer:
                    continue
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                for line in head.decode().split("\r\n")[1:]:
                    key, value = line.split(": ", 1)
                    self.response_headers[key.lower()] = value
                head_done = True
            *complete, rest = buffer.split(b"\n")
            buffer = rest
            for raw in complete:
                current = self._line(raw.decode(), current)

    def _line(self, line: str, current: dict[str, str]) -> dict[str, str]:
        self.lines.append(line)
        if line == "":
            if current:
                self.events.append(current)
            return {}
        if not line.startswith(":"):
            key, value = line.split(": ", 1)
            current[key] = value
        return current

    def stats(self) -> list[dict[str, str]]:
        return [e for e in list(self.events) if e.get("event") == "stats"]

    def ids(self) -> list[str]:
        return [e["id"] for e in self.stats()]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_stream_sends_stats_events_with_ids_and_headers(server: Server, store: Store) -> None:
    client = Listener(server.url + "/jobstats")
    try:
        wait_until(lambda: client.ids(), "the first event")
        stats = httpx.get(server.url + "/api/stats").json()
        event = json.loads(client.stats()[0]["data"])
    finally:
        client.close()

    assert client.lines[0] == "retry: 3000"
    assert client.response_headers["content-type"].startswith("text/event-stream")
    assert "no-cache" in client.response_headers["cache-control"]
    assert client.response_headers["x-accel-buffering"] == "no"
    assert set(event) == set(stats)
    assert len(event["history"]["processed"]) == 1440


def test_two_clients_see_the_same_ticks(server: Server, store: Store) -> None:
    a = Listener(server.url + "/jobstats")
    b = Listener(server.url + "/jobstats")
    try:
        wait_until(lambda: a.ids() and b.ids(), "both clients' first event")
        for i in range(3):
            enqueue("k", {"i": i}, store=store)
            target = len(a.ids()) + 1
            wait_until(lambda t=target: len(a.ids()) >= t, "a new tick")  # type: ignore[misc]
        wait_until(lambda: a.ids()[-1] == b.ids()[-1], "both clients to catch up")
    finally:
        a.close()
        b.close()

    common = [i for i in a.ids() if i in set(b.ids())]
    assert len(common) >= 4
    last_a = [e["data"] for e in a.stats() if e["id"] == common[-1]]
    last_b = [e["data"] for e in b.stats() if e["id"] == common[-1]]
    assert last_a == last_b
    assert json.loads(a.stats()[-1]["data"])["counts"]["enqueued"] == 3


def test_stats_are_computed_once_per_tick_whatever_the_clients(server: Server) -> None:
    broadcaster = server.app.state.broadcaster

    def ticks_during(clients: int, seconds: float = 1.0) -> int:
        listeners = [Listener(server.url + "/jobstats") for _ in range(clients)]
        try:
            wait_until(lambda: broadcaster.clients == clients, f"{clients} clients")
            start = broadcaster.ticks
            time.sleep(seconds)
            return int(broadcaster.ticks - start)
        finally:
            for listener in listeners:
                listener.close()
            wait_until(lambda: broadcaster.clients == 0, "every client to leave")

    one = ticks_during(1)
    many = ticks_during(12)

    assert one >= 5
    assert many <= one * 1.5 + 2


def test_a_client_that_drops_is_gone_at_once(server: Server) -> None:
    broadcaster = server.app.state.broadcaster
    server.app.state.stream.keepalive = 60.0
    listeners = [Listener(server.url + "/jobstats") for _ in range(3)]
    wait_until(lambda: broadcaster.clients == 3, "three clients")

    listeners[0].close()
    start = time.monotonic()
    wait_until(lambda: broadcaster.clients == 2, "the dropped client to be removed", 2.0)
    gone_after = time.monotonic() - start
    for listener in listeners[1:]:
        listener.close()

    assert gone_after < 1.0


def test_idle_stream_sends_keep_alive_comments(server: Server) -> None:
    server.app.state.stream.keepalive = 0.05
    client = Listener(server.url + "/jobstats")
    try:
        wait_until(lambda: client.lines.count(": keep-alive") >= 2, "keep-alive comments")
    finally:
        client.close()


def test_a_client_that_resumes_is_not_sent_what_it_has(server: Server, store: Store) -> None:
    first = Listener(server.url + "/jobstats")
    wait_until(lambda: first.ids(), "the first event")
    seen = first.ids()[-1]
    first.close()

    again = Listener(server.url + "/jobstats", headers={"Last-Event-ID": seen})
    stale = Listener(server.url + "/jobstats", headers={"Last-Event-ID": "1"})
    try:
        wait_until(lambda: stale.ids(), "the stale client's catch-up event")
        time.sleep(0.3)
        assert again.ids() == []
        enqueue("k", {}, store=store)
        wait_until(lambda: again.ids(), "the next change")
    finally:
        again.close()
        stale.close()

    assert int(again.ids()[0]) > int(seen)
