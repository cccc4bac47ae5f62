"""GET /jobstats as a raw ASGI app, so a disconnect is noticed the moment it happens.

A streaming response that only learns of a gone client when a write fails would keep that
client's slot until the next tick; here a second task waits on `receive` and ends the stream
as soon as the server reports the disconnect.
"""

from __future__ import annotations

import json
import logging

import anyio
from anyio import CancelScope
from starlette.types import Receive, Scope, Send

from backend.sse.broadcaster import StatsBroadcaster, Subscriber

log = logging.getLogger(__name__)

RETRY_MS = 3000  # how long a browser waits before it reconnects
KEEPALIVE_SECONDS = 15.0  # a comment line when idle, so proxies keep the connection open
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]


class JobStatsStream:
    """The ASGI app behind /jobstats."""

    def __init__(self, broadcaster: StatsBroadcaster, keepalive: float = KEEPALIVE_SECONDS) -> None:
        self.broadcaster = broadcaster
        self.keepalive = keepalive

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD"):
            await _refuse(send, method)
            return
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        if method == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        self.broadcaster.start()
        sub = self.broadcaster.subscribe(_last_event_id(scope))
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(_watch_disconnect, receive, tg.cancel_scope)
                await send(_chunk(f"retry: {RETRY_MS}\n\n".encode()))
                await self._pump(send, sub)
                tg.cancel_scope.cancel()
                await send({"type": "http.response.body", "body": b""})
        except OSError:
            log.debug("stats client went away mid-write", extra={"action": "stream_closed"})
        finally:
            self.broadcaster.unsubscribe(sub)

    async def _pump(self, send: Send, sub: Subscriber) -> None:
        while True:
            frame = b": keep-alive\n\n"
            with anyio.move_on_after(self.keepalive):
                frame = (await sub.next()).frame
            if sub.closed:
                return
            await send(_chunk(frame))


async def _watch_disconnect(receive: Receive, scope: CancelScope) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            scope.cancel()
            return


def _chunk(body: bytes) -> dict[str, object]:
    return {"type": "http.response.body", "body": body, "more_body": True}


def _last_event_id(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"last-event-id":
            return value.decode("latin-1").strip()
    return None


async def _refuse(send: Send, method: str) -> None:
    body = {
        "type": "about:blank",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": f"/jobstats does not accept {method}; use GET",
    }
    await send(
        {
            "type": "http.response.start",
            "status": 405,
            "headers": [(b"content-type", b"application/problem+json"), (b"allow", b"GET, HEAD")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})
