"""Schedules from the page: create one with mistakes first, pause it, trigger it, delete it."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from conftest import Server
from dashboard import Dashboard
from playwright.sync_api import Page, expect


def schedule_row(db: Path, name: str) -> dict[str, Any] | None:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM schedule WHERE name = ?", (name,)).fetchone()
        return dict(row) if row else None


def jobs_of(db: Path, schedule: str) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM job WHERE schedule = ? ORDER BY id", (schedule,))
        return [dict(r) for r in rows]


def test_schedule_create_pause_trigger_and_delete(
    page: Page, server: Server, store: Path, shoot
) -> None:
    app = Dashboard(page, server.url)
    app.open("/")
    app.nav("Schedules")
    expect(app.heading()).to_have_text("Schedules")
    expect(page.get_by_role("heading", name="No schedules yet")).to_be_visible()

    page.get_by_role("button", name="New schedule").click()
    panel = app.panel("New schedule")
    expect(panel.field("Time zone")).to_have_value("Europe/Berlin")
    panel.fill(Name="nightly-report", Cron_expression="0 2 * *", Time_zone="Mars/Base")
    panel.fill(Kind="build_report", Queue="reports")
    panel.field("Args (JSON)").fill('{"report": nightly}')
    panel.submit("Create schedule")
    expect(panel.error_of("Cron expression")).to_contain_text("it needs five")
    expect(panel.error_of("Time zone")).to_contain_text("Time zone Mars/Base is unknown")
    expect(panel.error_of("Args (JSON)")).to_contain_text("Args are not valid JSON")
    shoot("invalid")
    assert schedule_row(store, "nightly-report") is None

    panel.fill(Cron_expression="0 2 * * *", Time_zone="Europe/Berlin")
    panel.field("Args (JSON)").fill('{"report": "nightly"}')
    panel.submit("Create schedule")
    expect(app.notice()).to_have_text("Schedule nightly-report created: at 02:00 (Europe/Berlin).")
    row = app.schedules.row("nightly-report")
    expect(row).to_contain_text("At 02:00 (Europe/Berlin)")
    expect(row).to_contain_text("0 2 * * *")
    expect(row).to_contain_text("Active")
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^in \d+ (s|min|h)$"))
    expect(row).to_contain_text("never")
    stored = schedule_row(store, "nightly-report")
    assert stored is not None
    assert (stored["cron"], stored["timezone"], stored["kind"], stored["queue"]) == (
        "0 2 * * *",
        "Europe/Berlin",
        "build_report",
        "reports",
    )

    app.schedules.act("nightly-report", "Pause")
    expect(row).to_contain_text("Paused")
    expect(app.notice()).to_contain_text("nightly-report paused")
    assert schedule_row(store, "nightly-report")["paused"] == 1  # type: ignore[index]

    app.schedules.act("nightly-report", "Trigger now")
    expect(app.notice()).to_contain_text("nightly-report triggered: job #")
    made = jobs_of(store, "nightly-report")
    assert len(made) == 1 and made[0]["kind"] == "build_report"
    assert json.loads(made[0]["args"]) == {"report": "nightly"}
    job_id = made[0]["id"]
    expect(app.schedules.latest_jobs("nightly-report")).to_contain_text(f"#{job_id}")
    expect(row).not_to_contain_text("never")
    shoot("triggered")

    row.get_by_role("link", name="All its jobs").click()
    expect(page.get_by_text("Enqueued by schedule nightly-report")).to_be_visible()
    app.jobs.wait_loaded()
    assert app.jobs.row_ids() == [job_id]
    shoot("its-jobs")
    app.jobs.open_job(job_id)
    expect(app.job.section("Summary")).to_contain_text("nightly-report")

    app.nav("Schedules")
    app.schedules.act("nightly-report", "Resume")
    expect(row).to_contain_text("Active")
    row.get_by_role("button", name="Delete schedule nightly-report").click()
    dialog = page.get_by_role("dialog", name="Delete schedule nightly-report?")
    expect(dialog).to_contain_text("The jobs it already enqueued stay.")
    dialog.get_by_role("button", name="Delete schedule").click()
    expect(app.notice()).to_contain_text("Schedule nightly-report deleted")
    expect(page.get_by_role("heading", name="No schedules yet")).to_be_visible()
    assert schedule_row(store, "nightly-report") is None
    assert [j["id"] for j in jobs_of(store, "nightly-report")] == [job_id]


def test_the_server_s_word_on_an_expression(page: Page, server: Server, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/schedules")
    page.get_by_role("button", name="New schedule").click()
    panel = app.panel("New schedule")
    panel.fill(Name="never", Cron_expression="0 0 31 2 *", Time_zone="UTC", Kind="send_email")
    panel.submit("Create schedule")
    expect(panel.alert()).to_have_text(
        "cron expression '0 0 31 2 *' matches no date; check its day and month fields"
    )
    shoot("no-date")
