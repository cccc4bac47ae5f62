"""A store made by Roost's schema version 1 opens under version 2 with its data kept."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import inspect

from backend.jobs import Store, Worker, enqueue
from backend.jobs.listing import get_job, list_workers
from backend.jobs.queues import get_queue, set_paused, update_queue
from backend.jobs.schedules import ScheduleSpec, create_schedule
from backend.jobs.schema import SCHEMA_VERSION
from backend.settings import Settings

from support import assert_counts_match, states

# The schema of version 1 as Roost 0.1 created it (some indexes left out: the migration does
# not touch them), and a little data.
V1 = """
CREATE TABLE roost_meta ("key" VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE job (
    id INTEGER NOT NULL, kind VARCHAR NOT NULL, queue VARCHAR NOT NULL, args TEXT NOT NULL,
    priority INTEGER NOT NULL, state VARCHAR NOT NULL, attempt INTEGER NOT NULL,
    max_attempts INTEGER, timeout FLOAT, min_backoff FLOAT, max_backoff FLOAT,
    max_retry_duration FLOAT, created_at FLOAT NOT NULL, run_at FLOAT NOT NULL,
    first_started_at FLOAT, started_at FLOAT, finished_at FLOAT, lease_until FLOAT,
    worker_id VARCHAR, cancel_requested BOOLEAN NOT NULL, error TEXT, PRIMARY KEY (id)
);
CREATE INDEX ix_job_claim ON job (queue, priority DESC, run_at, id) WHERE state = 'enqueued';
CREATE INDEX ix_job_due ON job (run_at) WHERE state IN ('scheduled', 'retrying');
CREATE INDEX ix_job_lease ON job (lease_until) WHERE state = 'processing';
CREATE TABLE attempt (
    id INTEGER NOT NULL, job_id INTEGER NOT NULL, attempt INTEGER NOT NULL, worker_id VARCHAR,
    started_at FLOAT, finished_at FLOAT NOT NULL, outcome VARCHAR NOT NULL,
    error_class VARCHAR NOT NULL, error_message TEXT NOT NULL, traceback TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE queue (
    name VARCHAR NOT NULL, paused BOOLEAN NOT NULL, max_concurrency INTEGER, rate_limit FLOAT,
    rate_burst INTEGER, max_attempts INTEGER, min_backoff FLOAT, max_backoff FLOAT,
    max_retry_duration FLOAT, created_at FLOAT NOT NULL, PRIMARY KEY (name)
);
CREATE TABLE worker (
    id VARCHAR NOT NULL, host VARCHAR NOT NULL, pid INTEGER NOT NULL, queues VARCHAR NOT NULL,
    slots INTEGER NOT NULL, busy INTEGER NOT NULL, started_at FLOAT NOT NULL,
    heartbeat_at FLOAT NOT NULL, stopping BOOLEAN NOT NULL, PRIMARY KEY (id)
);
CREATE TABLE stats_minute (
    minute INTEGER NOT NULL, queue VARCHAR NOT NULL, processed INTEGER NOT NULL,
    failed INTEGER NOT NULL, PRIMARY KEY (minute, queue)
);
CREATE TABLE job_count (
    queue VARCHAR NOT NULL, state VARCHAR NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (queue, state)
);
CREATE TRIGGER job_count_delete AFTER DELETE ON job BEGIN
    UPDATE job_count SET n = n - 1 WHERE queue = OLD.queue AND state = OLD.state;
END;
CREATE TRIGGER job_count_update AFTER UPDATE OF state, queue ON job
WHEN OLD.state IS NOT NEW.state OR OLD.queue IS NOT NEW.queue BEGIN
    UPDATE job_count SET n = n - 1 WHERE queue = OLD.queue AND state = OLD.state;
    INSERT INTO job_count (queue, state, n) VALUES (NEW.queue, NEW.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;
INSERT INTO roost_meta VALUES ('schema_version', '1');
INSERT INTO queue VALUES ('mail', 1, 3, NULL, NULL, 5, NULL, NULL, NULL, 1700000000.0);
INSERT INTO job (id, kind, queue, args, priority, state, attempt, created_at, run_at,
                 cancel_requested)
    VALUES (1, 'record', 'mail', '{"n":1}', 4, 'enqueued', 0, 1700000000.0, 1700000000.0, 0);
INSERT INTO job_count VALUES ('mail', 'enqueued', 1);
INSERT INTO worker VALUES ('old:1:abc', 'old', 1, '[]', 4, 0, 1700000000.0, 1700000000.0, 0);
"""


def test_a_version_1_store_is_migrated_in_place_and_keeps_its_data(
    tmp_path: Path, run_log: Path
) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1)
    url = f"sqlite:///{path}"

    store = Store(settings=Settings.from_env(database_url=url))

    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT value FROM roost_meta WHERE key = 'schema_version'")
        assert version.fetchone() == (str(SCHEMA_VERSION),) == ("2",)
    schema = inspect(store.engine)
    assert {"rate_tokens", "rate_refilled_at"} <= {c["name"] for c in schema.get_columns("queue")}
    assert "schedule" in {c["name"] for c in schema.get_columns("job")}
    assert "ix_job_schedule" in {i["name"] for i in schema.get_indexes("job")}
    assert "kinds" in {c["name"] for c in schema.get_columns("worker")}
    kept = get_job(store, 1)
    assert (kept["kind"], kept["queue"], kept["priority"], kept["args"]) == (
        "record",
        "mail",
        4,
        {"n": 1},
    )
    assert kept["schedule"] is None
    queue = get_queue(store, "mail")
    assert (queue["paused"], queue["max_concurrency"], queue["max_attempts"]) == (True, 3, 5)

    update_queue(store, "mail", {"rate_limit": 100.0})
    set_paused(store, "mail", False)
    create_schedule(store, ScheduleSpec("nightly", "@daily", "record"))
    enqueue("record", {"n": 2}, store=store, queue="mail")
    asyncio.run(Worker(store, burst=True).run())
    assert set(states(store).values()) == {"succeeded"}
    assert_counts_match(store)
    store.dispose()

    Store(settings=Settings.from_env(database_url=url)).dispose()  # opening again is a no-op


def test_workers_list_the_kinds_they_registered(store: Store) -> None:
    Worker(store)._register()

    [worker] = list_workers(store)
    assert {"record", "roost.http"} <= set(worker["kinds"])
