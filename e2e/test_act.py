"""Acting on jobs and queues from the page, then checking the store itself."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from conftest import Server
from dashboard import Dashboard
from playwright.sync_api import Page, expect


def count(db: Path, where: str, *params: object) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM job WHERE {where}", params).fetchone()[0])


def states(db: Path, ids: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(ids))
    with sqlite3.connect(db) as conn:
        rows = conn.execute(f"SELECT id, state FROM job WHERE id IN ({marks})", ids)
        return dict(rows.fetchall())


def test_select_all_matching_across_pages_and_retry(
    page: Page, server: Server, store: Path, shoot
) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs/billing/dead")
    app.jobs.wait_loaded()
    retry = app.jobs.action("Retry now")
    expect(retry).to_be_disabled()
    expect(page.get_by_text("Select jobs to act on them")).to_be_visible()

    app.jobs.select_page()
    expect(page.get_by_text("50 jobs selected")).to_be_visible()
    app.jobs.select_all_matching()
    expect(page.get_by_text("All 600 jobs matching this filter are selected.")).to_be_visible()
    expect(page.get_by_text("600 jobs selected")).to_be_visible()
    shoot("all-matching-selected")

    retry.click()
    expect(app.jobs.result()).to_contain_text("600 retried")
    shoot("retried")
    assert count(store, "queue = 'billing' AND state = 'dead'") == 0
    assert count(store, "queue = 'billing' AND state = 'enqueued'") == 600
    expect(page.get_by_text("No dead jobs in billing")).to_be_visible()


def test_retry_with_skips_says_why(page: Page, server: Server, store: Path) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs/inventory/retrying")
    app.jobs.wait_loaded()
    ids = app.jobs.row_ids()[:3]
    for job_id in ids:
        app.jobs.select(job_id)
    # Someone else deletes one of them meanwhile.
    with sqlite3.connect(store) as conn:
        conn.execute("DELETE FROM job WHERE id = ?", (ids[0],))
    app.jobs.action("Retry now").click()
    expect(app.jobs.result()).to_contain_text("2 retried, 1 skipped: not found")


def test_kill_and_delete_ask_first(page: Page, server: Server, store: Path, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs/backlog/enqueued")
    app.jobs.wait_loaded()
    doomed = app.jobs.row_ids()[:3]
    for job_id in doomed:
        app.jobs.select(job_id)
    app.jobs.action("Kill").click()
    dialog = app.jobs.dialog()
    expect(dialog).to_contain_text("Kill 3 jobs?")
    shoot("kill-confirm")
    dialog.get_by_role("button", name="Kill 3").click()
    expect(app.jobs.result()).to_contain_text("3 killed")
    assert set(states(store, doomed).values()) == {"dead"}

    app.jobs.wait_loaded()
    gone = _rows_without(app, doomed)[:2]
    for job_id in gone:
        app.jobs.select(job_id)
    app.jobs.action("Delete").click()
    expect(app.jobs.dialog()).to_contain_text("Delete 2 jobs?")
    app.jobs.dialog().get_by_role("button", name="Go back").click()
    expect(app.jobs.dialog()).to_have_count(0)
    assert len(states(store, gone)) == 2, "going back must change nothing"

    app.jobs.action("Delete").click()
    app.jobs.dialog().get_by_role("button", name="Delete 2").click()
    expect(app.jobs.result()).to_contain_text("2 deleted")
    assert states(store, gone) == {}
    shoot("deleted")


def test_one_job_from_its_detail_page(page: Page, server: Server, store: Path, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs/billing/dead")
    app.jobs.wait_loaded()
    job_id = app.jobs.row_ids()[0]
    app.jobs.open_job(job_id)

    app.job.action("Retry now").click()
    expect(page.locator(".notice")).to_contain_text("1 retried")
    expect(app.heading()).to_contain_text("Enqueued")
    assert states(store, [job_id]) == {job_id: "enqueued"}

    app.job.action("Delete").click()
    expect(page.get_by_role("dialog")).to_contain_text(f"Delete job {job_id}?")
    page.get_by_role("dialog").get_by_role("button", name="Delete job").click()
    expect(page.locator(".notice")).to_contain_text("1 deleted")
    expect(app.heading()).to_have_text(re.compile(r"^billing / "))
    assert states(store, [job_id]) == {}
    shoot("after-delete")


def test_queue_pause_resume_and_purge(page: Page, server: Server, store: Path, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/")
    app.nav("Queues")
    row = page.get_by_role("row", name=re.compile(r"^reports"))
    expect(row).to_contain_text("Running")
    shoot("queues")

    row.get_by_role("button", name="Pause").click()
    expect(row).to_contain_text("Paused")
    expect(page.locator(".notice")).to_contain_text("reports paused")
    shoot("queue-paused")
    row.get_by_role("button", name="Resume").click()
    expect(row).to_contain_text("Running")

    row.get_by_role("button", name="Settings").click()
    page.get_by_role("dialog").get_by_label("Max concurrency").fill("3")
    shoot("queue-settings")
    page.get_by_role("dialog").get_by_role("button", name="Save settings").click()
    expect(row).to_contain_text("3 at once")

    row.get_by_role("button", name="Purge").click()
    expect(page.get_by_role("dialog")).to_contain_text("Purge 400 waiting jobs from reports?")
    page.get_by_role("dialog").get_by_role("button", name="Purge").click()
    expect(page.locator(".notice")).to_contain_text("400 jobs deleted")
    assert count(store, "queue = 'reports' AND state = 'scheduled'") == 0


def _rows_without(app: Dashboard, removed: list[int], timeout: float = 10.0) -> list[int]:
    """The table's ids once the list has refreshed and no longer shows `removed`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = app.jobs.row_ids()
        if rows and not set(rows) & set(removed):
            return rows
        time.sleep(0.05)
    raise AssertionError(f"jobs {removed} are still listed")
