"""Feeding the demo: one bulk load of the standard library per store, then a slow trickle."""

from __future__ import annotations

import contextlib
import json
import logging
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import select

from backend.demo import jobs, stdlib
from backend.jobs import NewJob, Store, enqueue_many
from backend.jobs.errors import ConfigError, Conflict
from backend.jobs.models import job_t, meta_t
from backend.jobs.queues import QueueSettings, create_queue

log = logging.getLogger(__name__)

SEEDED_KEY = "demo_seeded_at"  # in roost_meta: when this store got the demo's bulk load
BATCH = 500  # jobs per enqueue transaction, so workers can claim between batches
SCHEDULED = 12  # folder summaries set for later, so the Scheduled tab has jobs
SCHEDULED_DELAY_SECONDS = (30.0, 600.0)
SUMMARY_CONCURRENCY = 4  # summaries sleep; without a cap they could fill every slot
SUMMARY_EVERY_TICKS = 5
SCHEDULE_EVERY_TICKS = 30
REVISIT_EVERY_TICKS = 10  # ticks between going back to a file that failed for real
REVISIT_CHOICES = 50

assert jobs  # imported so the kinds' defaults (queue, retry policy) apply to what is enqueued


class Producer:
    """Puts the demo's jobs into one store."""

    def __init__(self, store: Store, rng: random.Random | None = None) -> None:
        self.store = store
        self.rng = rng or random.Random()
        self.files = stdlib.source_files()
        if not self.files:
            raise ConfigError(f"found no .py files under {stdlib.root()}; the demo needs them")
        self.folders = stdlib.directories(self.files)
        self.ticks = 0

    def seed(self) -> int:
        """Enqueue work for every file and folder, once per store; return how many jobs."""
        seeded_at = self.seeded_at()
        if seeded_at is not None:
            log.info(
                "store got its bulk load at %s; resuming with the jobs it holds",
                seeded_at,
                extra={"action": "demo_resumed"},
            )
            return 0
        with contextlib.suppress(Conflict):
            create_queue(self.store, "summary", QueueSettings(max_concurrency=SUMMARY_CONCURRENCY))
        count = 0
        for batch in _batches(self._bulk_load(), BATCH):
            count += len(enqueue_many(batch, store=self.store))
        self._mark_seeded()
        log.info(
            "enqueued %d jobs for %d files in %d folders of %s",
            count,
            len(self.files),
            len(self.folders),
            stdlib.root(),
            extra={"action": "demo_seeded"},
        )
        return count

    def tick(self) -> int:
        """One step of the trickle: a random file's jobs, now and then a folder; return how many."""
        self.ticks += 1
        file = self.rng.choice(self.files)
        batch = [NewJob(kind="demo.parse", args={"file": file})]
        batch.append(NewJob(kind="demo.digest", args={"file": file}))
        if self.ticks % SUMMARY_EVERY_TICKS == 0:
            batch.append(self._summary())
        if self.ticks % SCHEDULE_EVERY_TICKS == 0:
            batch.append(self._summary(delay=self.rng.uniform(*SCHEDULED_DELAY_SECONDS)))
        if self.ticks % REVISIT_EVERY_TICKS == 0:
            batch.extend(self._revisit())
        return len(enqueue_many(batch, store=self.store))

    def _revisit(self) -> list[NewJob]:
        # Only a few files in a thousand really fail, and a random pick rarely lands on one:
        # go back to a file that died before, so failures, retries and deaths keep coming.
        with self.store.read() as conn:
            dead = conn.execute(
                select(job_t.c.kind, job_t.c.args)
                .where(job_t.c.state == "dead", job_t.c.kind.in_(("demo.parse", "demo.digest")))
                .order_by(job_t.c.id.desc())
                .limit(REVISIT_CHOICES)
            ).all()
        if not dead:
            return []
        kind, args = self.rng.choice(dead)
        return [NewJob(kind=kind, args=json.loads(args))]

    def seeded_at(self) -> str | None:
        """When this store got the bulk load, or None if it never did."""
        with self.store.read() as conn:
            row = conn.execute(select(meta_t.c.value).where(meta_t.c.key == SEEDED_KEY)).first()
        return None if row is None else str(row[0])

    def _bulk_load(self) -> Iterator[NewJob]:
        for file in self.files:
            yield NewJob(kind="demo.parse", args={"file": file})
            yield NewJob(kind="demo.digest", args={"file": file})
        for folder in self.folders:
            yield NewJob(kind="demo.summary", args={"directory": folder})
        for _ in range(SCHEDULED):
            yield self._summary(delay=self.rng.uniform(*SCHEDULED_DELAY_SECONDS))

    def _summary(self, delay: float | None = None) -> NewJob:
        folder = self.rng.choice(self.folders)
        return NewJob(kind="demo.summary", args={"directory": folder}, delay=delay)

    def _mark_seeded(self) -> None:
        when = datetime.now(UTC).isoformat(timespec="seconds")
        with self.store.write() as conn:
            conn.execute(meta_t.insert().values(key=SEEDED_KEY, value=when))


def _batches(items: Iterator[NewJob], size: int) -> Iterator[list[NewJob]]:
    while batch := list(islice(items, size)):
        yield batch
