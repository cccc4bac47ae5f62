"""Jobs made from the page: the New job panel, Run now and Duplicate, checked in the store."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import urllib.request
from pathlib import Path
from typing import Any

from conftest import Server, Workers
from dashboard import Dashboard
from playwright.sync_api import Page, expect


def job_row(db: Path, job_id: int) -> dict[str, Any] | None:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone()
        return dict(row) if row else None


def job_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM job").fetchone()[0])


def opened_job_id(page: Page) -> int:
    match = re.search(r"/job/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def test_new_job_refuses_bad_json_and_enqueues_good(
    page: Page, server: Server, store: Path, shoot
) -> None:
    before = job_count(store)
    app = Dashboard(page, server.url)
    app.open("/jobs")
    page.get_by_role("button", name="New job").click()
    panel = app.panel("New job")
    panel.fill(Kind="send_email", Queue="mail", Priority="5")
    panel.field("Args (JSON)").fill('{"to": "panel@example.com", "n": 7,}')
    panel.root.get_by_label("After a delay").check()
    panel.fill(Delay="10")
    panel.root.get_by_label("Delay unit").select_option("minutes")
    panel.submit("Enqueue job")

    expect(panel.error_of("Args (JSON)")).to_contain_text("Args are not valid JSON")
    shoot("invalid-json")
    assert job_count(store) == before, "invalid args must not reach the server"

    panel.field("Args (JSON)").fill('{"to": "panel@example.com", "n": 7}')
    expect(panel.field("Args (JSON)")).not_to_have_attribute("aria-invalid", "true")
    asked_at = time.time()
    panel.submit("Enqueue job")

    expect(app.notice()).to_contain_text("scheduled on queue mail to run at")
    expect(app.heading()).to_contain_text("send_email")
    expect(app.heading()).to_contain_text("Scheduled")
    expect(app.job.args()).to_contain_text('"panel@example.com"')
    shoot("created")
    job = job_row(store, opened_job_id(page))
    assert job is not None
    assert (job["kind"], job["queue"], job["priority"], job["state"]) == (
        "send_email",
        "mail",
        5,
        "scheduled",
    )
    assert json.loads(job["args"]) == {"to": "panel@example.com", "n": 7}
    assert asked_at + 590 < job["run_at"] < time.time() + 610


def wait_for_kind(server: Server, kind: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{server.url}/api/kinds", timeout=5) as response:
            items = json.load(response)["items"]
        if any(k["kind"] == kind and k["workers"] > 0 for k in items):
            return
        time.sleep(0.2)
    raise AssertionError(f"no live worker announced {kind} within 20 s")


def test_new_job_kinds_time_and_the_server_s_word(
    page: Page, server: Server, workers: Workers, store: Path, shoot
) -> None:
    workers.start("idle")  # a queue with no jobs: it only announces its kinds
    wait_for_kind(server, "build_report")
    app = Dashboard(page, server.url)
    app.open("/jobs/reports/scheduled")
    page.get_by_role("button", name="New job").click()
    panel = app.panel("New job")
    expect(panel.field("Queue")).to_have_value("reports")
    for kind in ("build_report", "send_email", "roost.http"):
        expect(panel.root.locator(f"datalist option[value='{kind}']")).to_have_count(1)

    panel.fill(Kind="roost.http")
    expect(panel.root).to_contain_text("Built in; 1 live worker runs it.")
    panel.field("Args (JSON)").fill('{"url": "http://127.0.0.1:9/hook"}')
    panel.submit("Enqueue job")
    expect(panel.alert()).to_contain_text("method must be one of GET, HEAD, POST")
    shoot("server-refusal")

    panel.fill(Kind="build_report")
    expect(panel.root).to_contain_text("1 live worker runs this kind.")
    panel.field("Args (JSON)").fill("42")
    panel.root.get_by_label("At a time").check()
    panel.submit("Enqueue job")
    expect(panel.error_of("Args (JSON)")).to_have_text(
        "Args must be a JSON object or array, such as {} or []"
    )
    expect(panel.error_of("Run at")).to_have_text("Pick the time to run it")
    expect(panel.field("Args (JSON)")).to_be_focused()

    panel.field("Args (JSON)").fill('["weekly"]')
    panel.field("Run at").fill("2031-03-04T05:06:07")
    panel.submit("Enqueue job")
    expect(app.heading()).to_contain_text("build_report")
    job = job_row(store, opened_job_id(page))
    assert job is not None and json.loads(job["args"]) == ["weekly"]
    # The page runs in Europe/Berlin: 05:06:07 there is 04:06:07 UTC in March.
    assert job["run_at"] == 1930363567.0


def test_run_now_and_duplicate(page: Page, server: Server, store: Path, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs/reports/scheduled?sort=id")
    app.jobs.wait_loaded()
    job_id = app.jobs.row_ids()[0]
    app.jobs.open_job(job_id)
    expect(app.heading()).to_contain_text("Scheduled")

    app.job.action("Run now").click()
    expect(app.notice()).to_contain_text("1 enqueued")
    expect(app.heading()).to_contain_text("Enqueued")
    original = job_row(store, job_id)
    assert original is not None and original["state"] == "enqueued"

    app.job.action("Duplicate").click()
    expect(app.notice()).to_contain_text(f"Duplicate of #{job_id}: job #")
    copy_id = opened_job_id(page)
    assert copy_id != job_id
    expect(app.heading()).to_contain_text(f"#{copy_id}")
    shoot("duplicated")
    copy = job_row(store, copy_id)
    assert copy is not None
    for key in ("kind", "queue", "args", "priority"):
        assert copy[key] == original[key], key
