"""The app under a path prefix, the dashboard page, and the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from backend.api import create_app
from backend.jobs.store import Store


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(
        "<html><head><!--roost-config--></head><body>app</body></html>", encoding="utf-8"
    )
    (root / "assets" / "app-1234.js").write_text("console.log(1)", encoding="utf-8")
    return root


def test_every_route_works_under_a_prefix(store: Store, dist: Path) -> None:
    with TestClient(create_app(store, root_path="/roost", dashboard_dir=dist)) as client:
        created = client.post("/roost/api/jobs", json={"kind": "k"})
        listed = client.get("/roost/api/jobs").json()
        spec = client.get("/roost/api/openapi.json").json()
        page = client.get("/roost/jobs/1")
        stripped = client.get("/api/jobs")

    assert created.status_code == 201
    assert listed["total"] == 1
    assert spec["servers"] == [{"url": "/roost"}]
    assert '{"root_path": "/roost"}' in page.text
    assert stripped.json()["total"] == 1


def test_dashboard_serves_assets_and_client_routes(store: Store, dist: Path) -> None:
    with TestClient(create_app(store, dashboard_dir=dist)) as client:
        index = client.get("/")
        deep = client.get("/queues/mail")
        asset = client.get("/assets/app-1234.js")
        missing = client.get("/assets/nope.js")
        escape = client.get("/..%2f..%2fetc/passwd")

    assert index.text == (
        '<html><head><script id="roost-config" type="application/json">'
        '{"root_path": ""}</script></head><body>app</body></html>'
    )
    assert deep.text == index.text
    assert asset.text == "console.log(1)" and "immutable" in asset.headers["cache-control"]
    assert missing.status_code == 404
    assert "root:" not in escape.text


def test_config_cannot_break_out_of_its_script_tag(store: Store, dist: Path) -> None:
    app = create_app(store, root_path="/a</script><b>", dashboard_dir=dist)
    with TestClient(app) as client:
        page = client.get("/a</script><b>/").text

    assert "</script><b>" not in page
    assert "\\u003c/script\\u003e" in page


def test_without_a_build_the_page_says_how_to_build(client: TestClient) -> None:
    page = client.get("/")

    assert page.status_code == 200
    assert "npm run build" in page.text


def test_openapi_names_every_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()

    assert spec["openapi"].startswith("3.1")
    routes = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert {
        ("GET", "/api/jobs"),
        ("POST", "/api/jobs"),
        ("POST", "/api/jobs/bulk"),
        ("GET", "/api/jobs/{job_id}"),
        ("DELETE", "/api/jobs/{job_id}"),
        ("POST", "/api/jobs/{job_id}/retry"),
        ("POST", "/api/jobs/{job_id}/run_now"),
        ("POST", "/api/jobs/{job_id}/kill"),
        ("POST", "/api/jobs/{job_id}/cancel"),
        ("GET", "/api/queues"),
        ("POST", "/api/queues"),
        ("GET", "/api/queues/{name}"),
        ("PATCH", "/api/queues/{name}"),
        ("DELETE", "/api/queues/{name}"),
        ("POST", "/api/queues/{name}/pause"),
        ("POST", "/api/queues/{name}/resume"),
        ("POST", "/api/queues/{name}/purge"),
        ("GET", "/api/stats"),
        ("GET", "/api/workers"),
        ("GET", "/jobstats"),
    } <= routes
    job_list = spec["paths"]["/api/jobs"]["get"]
    state = next(p for p in job_list["parameters"] if p["name"] == "state")
    assert "dead" in state["schema"]["enum"]
    assert set(job_list["responses"]) == {"200", "400", "500"}
