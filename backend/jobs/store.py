"""The store: one SQL database reached through SQLAlchemy, with read and write transactions.

Callers never see dialect details: they ask for `store.read()` or `store.write()` and run Core
statements. SQLite gets WAL mode, a busy timeout and `BEGIN IMMEDIATE` for writes, so that a
read-then-write transaction waits for the lock instead of failing with "database is locked".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from backend.jobs.errors import ConfigError
from backend.jobs.schema import ensure_schema
from backend.jobs.sql import Cursor
from backend.settings import Settings

log = logging.getLogger(__name__)


class Clock:
    """Wall-clock time in UTC seconds; tests swap in a `ManualClock`."""

    def now(self) -> float:
        return time.time()


class ManualClock(Clock):
    """A clock that moves only when told to, for tests of backoff and schedules."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    def set(self, value: float) -> None:
        self._now = value


class Store:
    """A handle on the job store: an engine plus the clock every state change is stamped with."""

    def __init__(
        self,
        url: str | None = None,
        settings: Settings | None = None,
        clock: Clock | None = None,
        create: bool = True,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.url = url or self.settings.database_url
        self.clock = clock or Clock()
        self.engine = _make_engine(self.url, self.settings.busy_timeout_seconds)
        self.dialect = self.engine.dialect.name
        self._known_queues: set[str] = set()
        self._queues_lock = threading.Lock()
        if create:
            with self.write() as conn:
                ensure_schema(conn, self.dialect)

    def now(self) -> float:
        return self.clock.now()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction (a consistent snapshot)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction that holds the write lock from its first line."""
        with self.engine.connect() as conn:
            conn.info["roost_immediate"] = True
            with conn.begin():
                yield conn

    @contextmanager
    def raw_write(self) -> Iterator[Cursor]:
        """A raw cursor in a write transaction, for hot paths that run compiled statements."""
        with self._raw("BEGIN IMMEDIATE") as cur:
            yield cur

    @contextmanager
    def raw_read(self) -> Iterator[Cursor]:
        """A raw cursor in a read transaction (a consistent snapshot)."""
        with self._raw("BEGIN") as cur:
            yield cur

    @contextmanager
    def _raw(self, begin: str) -> Iterator[Cursor]:
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute(begin)
            try:
                yield Cursor(cur, self.engine.dialect)
            except BaseException:
                cur.execute("ROLLBACK")
                self.forget_queues()  # a queue row it made may have been rolled back too
                raise
            cur.execute("COMMIT")
            cur.close()
        finally:
            raw.close()

    def remember_queue(self, name: str) -> bool:
        """Record that `name` exists; True when it was not known to this process yet."""
        with self._queues_lock:
            if name in self._known_queues:
                return False
            self._known_queues.add(name)
            return True

    def forget_queues(self) -> None:
        with self._queues_lock:
            self._known_queues.clear()

    def dispose(self) -> None:
        self.engine.dispose()


def _make_engine(url: str, busy_timeout: float) -> Engine:
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(
            f"ROOST_DATABASE_URL {url!r} is not a database URL; use sqlite:///path/to/file.db"
        ) from None
    if parsed.get_backend_name() != "sqlite":
        raise ConfigError(
            f"ROOST_DATABASE_URL uses {parsed.get_backend_name()!r}; this version of Roost "
            "supports SQLite only, such as sqlite:///roost.db"
        )
    if parsed.database in (None, "", ":memory:"):
        raise ConfigError("ROOST_DATABASE_URL must name a SQLite file; workers share it")
    engine = create_engine(
        parsed,
        connect_args={"timeout": busy_timeout, "check_same_thread": False},
        poolclass=NullPool if parsed.query.get("nullpool") else None,
    )
    _tune_sqlite(engine, busy_timeout)
    return engine


def _tune_sqlite(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the driver so we can say BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = OFF")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        immediate = conn.info.pop("roost_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def data_version(conn: Connection) -> int:
    """A number that changes whenever another connection commits to the SQLite file."""
    return int(conn.exec_driver_sql("PRAGMA data_version").scalar_one())


_default_store: Store | None = None
_default_lock = threading.Lock()


def get_store() -> Store:
    """The process-wide store, opened from ROOST_DATABASE_URL on first use."""
    global _default_store
    with _default_lock:
        if _default_store is None:
            _default_store = Store()
        return _default_store


def use_store(store: Store | None) -> None:
    """Make `store` the process-wide store (None forgets it)."""
    global _default_store
    with _default_lock:
        _default_store = store
