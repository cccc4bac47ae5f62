"""Live behaviour: counters that move by themselves, the pause switch, a server restart."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import Server, Workers
from dashboard import Dashboard
from playwright.sync_api import Page, expect
from seed import settings_for

from backend.jobs import NewJob, Store, enqueue_many


def enqueue(db: Path, jobs: list[NewJob]) -> list[int]:
    store = Store(settings=settings_for(db))
    try:
        return enqueue_many(jobs, store=store)
    finally:
        store.dispose()


def test_overview_counts_move_while_a_worker_runs(
    page: Page, server: Server, workers: Workers, shoot
) -> None:
    app = Dashboard(page, server.url)
    app.open("/")
    expect(app.overview.counter("Enqueued")).to_have_text("450")
    succeeded = app.overview.count("Succeeded")
    page.evaluate("window.__sameDocument = true")

    workers.start("backlog", concurrency=4, burst=True)
    expect(app.overview.counter("Enqueued")).to_have_text("0", timeout=30_000)
    expect(app.overview.counter("Succeeded")).to_have_text(f"{succeeded + 450:,}")
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    expect(page.get_by_role("img", name="Jobs processed and failed per second")).to_be_visible()
    shoot("after-worker")


def test_pause_stops_all_traffic(page: Page, server: Server, store: Path, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs/mail/succeeded")
    app.jobs.wait_loaded()
    expect(app.live_status()).to_have_text("Live")

    app.live_switch.click()
    expect(app.live_status()).to_have_text("Paused")
    expect(app.live_switch).to_have_attribute("aria-checked", "false")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    enqueue(store, [NewJob("send_email", {"n": i}, queue="mail") for i in range(20)])
    page.wait_for_timeout(3000)
    assert requests == [], f"paused, yet the page sent {requests}"
    shoot("paused")

    app.live_switch.click()
    expect(app.live_status()).to_have_text("Live")
    assert any("jobstats" in u for u in requests)


def test_page_recovers_when_the_server_restarts(
    page: Page, server: Server, store: Path, shoot
) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs")
    expect(app.live_status()).to_have_text("Live")

    server.stop()
    expect(app.live_status()).to_have_text("Reconnecting…", timeout=15_000)
    shoot("server-down")
    enqueue(store, [NewJob("send_email", {"n": i}, queue="fresh") for i in range(5)])
    time.sleep(1)

    server.start()
    expect(app.live_status()).to_have_text("Live", timeout=30_000)
    expect(page.get_by_role("link", name="fresh", exact=True)).to_be_visible()
    app.nav("Overview")
    expect(app.overview.counter("Enqueued")).to_have_text("455")
    shoot("server-back")


def test_workers_and_busy_jobs(
    page: Page, server: Server, store: Path, workers: Workers, shoot
) -> None:
    ids = enqueue(store, [NewJob("resize_image", {"seconds": 120}, queue="slow") for _ in range(3)])
    workers.start("slow", concurrency=2)
    app = Dashboard(page, server.url)
    app.open("/")
    app.nav("Workers")
    row = page.locator("table tbody tr").first
    expect(row).to_contain_text("2 / 2", timeout=20_000)
    expect(row.get_by_role("link", name=f"#{ids[0]}")).to_be_visible()
    expect(row).to_contain_text("resize_image")
    shoot("workers")

    app.open("/jobs/slow/processing")
    app.jobs.wait_loaded()
    expect(app.jobs.rows()).to_have_count(2)
    shoot("busy")
    app.jobs.open_job(app.jobs.row_ids()[0])
    expect(app.job.action("Cancel")).to_be_visible()
    expect(app.job.section("Summary")).to_contain_text("Worker")
    shoot("busy-detail")
