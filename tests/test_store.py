"""The store: schema versions, settings, retention."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import update

from backend.jobs import NewJob, Store, enqueue_many
from backend.jobs.errors import ConfigError, SchemaError
from backend.jobs.models import job_t
from backend.jobs.retention import prune
from backend.jobs.schema import SCHEMA_VERSION
from backend.settings import Settings

from support import assert_counts_match, states


def test_schema_is_created_once_with_a_version_and_reopened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    Store(settings=Settings.from_env(database_url=url)).dispose()
    Store(settings=Settings.from_env(database_url=url)).dispose()
    conn = sqlite3.connect(tmp_path / "r.db")
    version = conn.execute("SELECT value FROM roost_meta WHERE key='schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    Store(settings=Settings.from_env(database_url=url)).dispose()
    conn = sqlite3.connect(tmp_path / "r.db")
    conn.execute("UPDATE roost_meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    with pytest.raises(SchemaError, match="upgrade Roost"):
        Store(settings=Settings.from_env(database_url=url))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ROOST_CONCURRENCY": "many"}, "ROOST_CONCURRENCY must be a whole number"),
        ({"ROOST_CONCURRENCY": "0"}, "ROOST_CONCURRENCY must be greater than 0"),
        ({"ROOST_LEASE_SECONDS": "1", "ROOST_HEARTBEAT_SECONDS": "2"}, "must be shorter"),
    ],
)
def test_bad_settings_name_the_variable(env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_database_url_must_name_a_sqlite_file() -> None:
    for url in ["nonsense", "sqlite://", "sqlite:///:memory:", "mysql://x/y"]:
        with pytest.raises(ConfigError):
            Store(url=url, settings=Settings())


def test_retention_prunes_old_succeeded_and_dead_over_the_cap(db_url: str) -> None:
    settings = Settings.from_env(database_url=db_url, dead_max=3)
    store = Store(settings=settings)
    ids = enqueue_many([NewJob("record", {"n": i}) for i in range(10)], store=store)
    now = store.now()
    with store.write() as conn:
        for i, job_id in enumerate(ids[:5]):
            conn.execute(
                update(job_t)
                .where(job_t.c.id == job_id)
                .values(state="succeeded", finished_at=now - 2 * 86400 + i)
            )
        conn.execute(
            update(job_t).where(job_t.c.id.in_(ids[5:])).values(state="dead", finished_at=now)
        )

    assert prune(store) == 5 + 2
    left = states(store)
    assert sorted(left.values()) == ["dead"] * 3
    assert_counts_match(store)
