"""A property-based run of schemathesis against /api/openapi.json: no 5xx, no response that
breaks the schema, every status documented."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette

from backend.api import create_app
from backend.jobs.enqueue import enqueue
from backend.jobs.store import Store
from backend.settings import Settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _app_on_a_fresh_store() -> Starlette:
    # Schemathesis reads the schema when this module is collected, before any fixture runs.
    folder = Path(tempfile.mkdtemp(prefix="roost-schema-"))
    url = f"sqlite:///{folder / 'roost.db'}"
    store = Store(url, settings=Settings.from_env(environ={}, database_url=url))
    for i in range(5):
        enqueue("seed.kind", {"n": i, "text": "Привет"}, store=store, queue="default")
    return create_app(store, root_path="/roost", dashboard_dir=folder / "no-dist")


schema = schemathesis.openapi.from_asgi("/roost/api/openapi.json", _app_on_a_fresh_store())


@schema.exclude(path="/jobstats").parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_meets_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
