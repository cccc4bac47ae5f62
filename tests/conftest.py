"""Shared fixtures: a fresh SQLite store per test, and the log the fixture jobs write."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.jobs import Store, use_store
from backend.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fixture_jobs

assert fixture_jobs


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start with no ROOST_* settings from the machine they run on."""
    for name in list(os.environ):
        if name.startswith("ROOST_"):
            monkeypatch.delenv(name)
    use_store(None)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'roost.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(settings=Settings.from_env(database_url=db_url))
    use_store(s)
    yield s
    use_store(None)
    s.dispose()


@pytest.fixture
def run_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the fixture jobs append to, one line per start and end."""
    path = tmp_path / "runs.log"
    monkeypatch.setenv("ROOST_TEST_LOG", str(path))
    return path
