"""Queues from the page: create one, change its settings, find it by name."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from conftest import Server
from dashboard import DASH, Dashboard
from playwright.sync_api import Page, expect


def queue_row(db: Path, name: str) -> dict[str, Any] | None:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM queue WHERE name = ?", (name,)).fetchone()
        return dict(row) if row else None


def test_create_a_queue_and_edit_its_settings(
    page: Page, server: Server, store: Path, shoot
) -> None:
    app = Dashboard(page, server.url)
    app.open("/queues")
    page.get_by_role("button", name="New queue").click()
    panel = app.panel("New queue")
    panel.fill(Name="exports", Max_concurrency="0", Rate_limit="5", Rate_burst="10")
    panel.fill(Min_backoff="30", Max_backoff="10")
    panel.submit("Create queue")

    expect(panel.error_of("Max concurrency")).to_have_text(
        "Max concurrency must be a whole number from 1 to 1,000,000, or empty"
    )
    expect(panel.error_of("Max backoff")).to_have_text(
        "Max backoff must not be less than min backoff"
    )
    expect(panel.alert()).to_have_text("2 fields need a change.")
    shoot("invalid")
    assert queue_row(store, "exports") is None, "a refused form must send nothing"

    panel.fill(Max_concurrency="2", Max_backoff="600")
    expect(panel.field("Max concurrency")).not_to_have_attribute("aria-invalid", "true")
    panel.submit("Create queue")
    expect(app.notice()).to_have_text("Queue exports created.")
    expect(panel.root).to_have_count(0)
    limits = app.queues.limits("exports")
    for words in ("2 at once", "5/s, burst 10", f"backoff 30 s{DASH}10 min"):
        expect(limits).to_contain_text(words)
    expect(app.queues.row("exports")).to_contain_text("0 / 2")
    shoot("created")
    row = queue_row(store, "exports")
    assert row is not None
    assert (row["max_concurrency"], row["rate_limit"], row["rate_burst"]) == (2, 5, 10)
    assert (row["min_backoff"], row["max_backoff"], row["max_attempts"]) == (30, 600, None)

    app.queues.row("exports").get_by_role("button", name="Settings").click()
    panel = app.panel("Settings of exports")
    expect(panel.field("Rate limit")).to_have_value("5")
    panel.fill(Max_attempts="3", Rate_limit="")
    panel.submit("Save settings")
    expect(app.notice()).to_have_text("Settings of exports saved.")
    expect(limits).to_contain_text("3 attempts")
    expect(limits).to_contain_text("burst 10")
    expect(limits).not_to_contain_text("5/s")
    row = queue_row(store, "exports")
    assert row is not None and (row["max_attempts"], row["rate_limit"]) == (3, None)


def test_the_server_s_refusal_shows_in_the_panel(page: Page, server: Server, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/queues")
    page.get_by_role("button", name="New queue").click()
    panel = app.panel("New queue")
    panel.fill(Name="reports", Max_attempts="4")
    panel.submit("Create queue")
    expect(panel.alert()).to_have_text("queue 'reports' already exists")
    expect(panel.root).to_be_visible()
    shoot("conflict")

    page.keyboard.press("Escape")
    expect(panel.root).to_have_count(0)
    expect(app.queues.limits("reports")).to_have_count(0)


def test_filter_queues_by_name(page: Page, server: Server, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/queues")
    expect(app.queues.row("reports")).to_be_visible()
    everything = app.queues.names()
    assert everything == ["backlog", "billing", "default", "inventory", "mail", "reports"]

    app.queues.filter_box().fill("IN")
    expect(app.queues.row("reports")).to_have_count(0)
    assert app.queues.names() == ["billing", "inventory"]
    assert page.url.endswith("/queues?name=IN")
    shoot("filtered")

    page.reload()
    expect(app.queues.filter_box()).to_have_value("IN")
    expect(app.queues.row("billing")).to_be_visible()
    assert app.queues.names() == ["billing", "inventory"]

    app.queues.filter_box().fill("nothing-like-it")
    expect(page.get_by_role("heading", name=re.compile("No queue name contains"))).to_be_visible()
    page.get_by_role("button", name="Clear the filter").click()
    expect(app.queues.row("reports")).to_be_visible()
    assert app.queues.names() == everything
    assert "name=" not in page.url
