"""One task that computes the stats once per tick and hands the result to every client.

Each client has a mailbox that holds only the newest event: a slow client skips the ticks it
could not take in time instead of holding up the broadcaster or the other clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One encoded `stats` event, shared by every client it goes to."""

    id: int
    frame: bytes


class Subscriber:
    """One connected client's mailbox of at most one pending event."""

    def __init__(self) -> None:
        self._mailbox: asyncio.Queue[Event] = asyncio.Queue(maxsize=1)
        self.skipped = 0
        self.closed = False

    def close(self) -> None:
        """End this client's stream at its next read (the server is shutting down)."""
        self.closed = True
        self.offer(Event(id=-1, frame=b""))

    def offer(self, event: Event) -> None:
        if self._mailbox.full():
            self._mailbox.get_nowait()
            self.skipped += 1
        self._mailbox.put_nowait(event)

    async def next(self) -> Event:
        return await self._mailbox.get()


class StatsBroadcaster:
    """Computes stats every `interval` seconds while anyone listens, and fans them out."""

    def __init__(self, compute: Callable[[], dict[str, Any]], interval: float) -> None:
        self.compute = compute
        self.interval = interval
        self.ticks = 0  # stats computations, whatever the number of clients
        self.events = 0  # events published (ticks whose stats changed)
        self._subscribers: set[Subscriber] = set()
        self._latest: Event | None = None
        self._last_body: str | None = None
        self._last_id = int(time.time() * 1000)
        self._someone = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def clients(self) -> int:
        return len(self._subscribers)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="roost-jobstats")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def subscribe(self, last_event_id: str | None = None) -> Subscriber:
        """Add a client; it gets the newest event at once unless it has seen it already."""
        sub = Subscriber()
        self._subscribers.add(sub)
        latest = self._latest
        if latest is not None and str(latest.id) != last_event_id:
            sub.offer(latest)
        self._someone.set()
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    def close_streams(self) -> None:
        """End every open stream, so a stopping server need not wait for or cancel them."""
        for sub in list(self._subscribers):
            sub.close()

    async def _run(self) -> None:
        while True:
            if not self._subscribers:
                # Nobody listens: compute nothing, and forget the last event so the next
                # client gets fresh numbers.
                self._latest = None
                self._someone.clear()
                await self._someone.wait()
            await self._tick()
            await asyncio.sleep(self.interval)

    async def _tick(self) -> None:
        try:
            stats = await run_in_threadpool(self.compute)
        except Exception:
            log.exception("computing stats failed", extra={"action": "stats_failed"})
            return
        self.ticks += 1
        body = json.dumps({k: v for k, v in stats.items() if k != "now"}, sort_keys=True)
        if body == self._last_body and self._latest is not None:
            return
        self._last_body = body
        self._publish(stats)

    def _publish(self, stats: dict[str, Any]) -> None:
        self._last_id = max(self._last_id + 1, int(time.time() * 1000))
        data = json.dumps(stats, separators=(",", ":"))
        frame = f"id: {self._last_id}\nevent: stats\ndata: {data}\n\n".encode()
        event = Event(id=self._last_id, frame=frame)
        self._latest = event
        self.events += 1
        for sub in list(self._subscribers):
            sub.offer(event)
