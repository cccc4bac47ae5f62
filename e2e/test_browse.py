"""Reading the dashboard: drill-down, filters, deep links, details, hostile data, a prefix."""

from __future__ import annotations

import re
import time

from conftest import Server
from dashboard import DASH, Dashboard
from playwright.sync_api import Page, expect
from seed import NEEDLE, NEEDLE_COUNT


def test_drill_down_by_clicking(page: Page, server: Server, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/")
    expect(app.heading()).to_have_text("Overview")
    expect(app.overview.counter("Dead")).to_have_text("600")
    expect(app.live_status()).to_have_text("Live")
    shoot("overview")

    app.nav("Jobs")
    expect(app.heading()).to_have_text("Jobs")
    expect(page.get_by_role("row", name=re.compile(r"^billing"))).to_contain_text("600")
    shoot("jobs")

    page.get_by_role("link", name="billing", exact=True).click()
    expect(app.heading()).to_have_text("billing / Enqueued")
    expect(page.get_by_text("No enqueued jobs in billing")).to_be_visible()
    shoot("queue-empty-tab")

    app.jobs.tab("Dead").click()
    expect(app.heading()).to_have_text("billing / Dead")
    app.jobs.wait_loaded()
    expect(app.jobs.rows()).to_have_count(50)
    expect(app.jobs.range_text()).to_have_text(f"1{DASH}50 of 600")
    shoot("dead-list")

    first = app.jobs.row_ids()[0]
    app.jobs.open_job(first)
    expect(app.heading()).to_contain_text(f"#{first}")
    expect(app.heading()).to_contain_text("charge_card")
    expect(page.get_by_text("PaymentDeclined").first).to_be_visible()
    shoot("job-detail")

    # The breadcrumb leads back to the same list.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Dead").click()
    expect(app.heading()).to_have_text("billing / Dead")


def test_every_state_lists_ids_and_times(page: Page, server: Server, shoot) -> None:
    app = Dashboard(page, server.url)
    for queue, state, label in [
        ("reports", "scheduled", "Scheduled"),
        ("inventory", "retrying", "Retries"),
    ]:
        app.open(f"/jobs/{queue}/{state}")
        app.jobs.wait_loaded()
        expect(app.heading()).to_have_text(f"{queue} / {label}")
        assert app.jobs.row_ids(), f"no job ids on the {label} tab"
        first_time = page.locator("table.jobs-table tbody tr").first.locator("time").first
        expect(first_time).to_have_text(re.compile(r"^in \d+ (min|h)$"))
        title = first_time.get_attribute("title") or ""
        assert "UTC" in title and re.search(r"CES?T|GMT\+", title), title
        shoot(f"{state}-list")


def test_filter_on_a_value_inside_args(page: Page, server: Server, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs/~all/succeeded")
    app.jobs.wait_loaded()
    app.jobs.search(NEEDLE)

    expect(app.jobs.rows()).to_have_count(NEEDLE_COUNT)
    expect(app.jobs.range_text()).to_have_text(f"1{DASH}{NEEDLE_COUNT} of {NEEDLE_COUNT}")
    assert f"q={NEEDLE}" in page.url
    for preview in page.locator("table.jobs-table td.args").all_inner_texts():
        assert NEEDLE in preview
    shoot("filtered")

    page.get_by_role("button", name="Clear filters").first.click()
    expect(app.jobs.range_text()).to_contain_text("of 1,509")


def test_deep_link_survives_a_reload(page: Page, server: Server, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open(f"/jobs/default/succeeded?q={NEEDLE}&sort=id")
    app.jobs.wait_loaded()
    ids = app.jobs.row_ids()
    assert ids == sorted(ids) and len(ids) == NEEDLE_COUNT

    page.reload()
    app.jobs.wait_loaded()
    expect(app.heading()).to_have_text("default / Succeeded")
    expect(app.jobs.search_box()).to_have_value(NEEDLE)
    expect(page.get_by_label("Order")).to_have_value("id")
    assert app.jobs.row_ids() == ids

    # Paging keeps the filter and is a link too.
    app.open("/jobs/mail/succeeded?q=example.com")
    app.jobs.wait_loaded()
    first_page = app.jobs.row_ids()
    page.get_by_role("button", name="Next").click()
    expect(app.jobs.range_text()).to_have_text(re.compile(rf"^51{DASH}100 of"))
    assert "cursor=" in page.url and "q=example.com" in page.url
    second_page = _rows_other_than(app, first_page)
    page.reload()
    app.jobs.wait_loaded()
    assert app.jobs.row_ids() == second_page

    app.open(f"/job/{ids[0]}")
    page.reload()
    expect(app.heading()).to_contain_text(f"#{ids[0]}")
    shoot("deep-link-job")

    app.open("/no/such/page")
    expect(page.get_by_role("heading", name="Nothing here")).to_be_visible()
    shoot("not-found")


def test_detail_shows_a_real_traceback(page: Page, server: Server, shoot) -> None:
    app = Dashboard(page, server.url)
    app.open("/jobs/billing/dead")
    app.jobs.wait_loaded()
    app.jobs.open_job(app.jobs.row_ids()[-1])

    attempts = app.job.section("Attempts")
    expect(attempts).to_contain_text("Attempt 1")
    expect(attempts).to_contain_text("PaymentDeclined")
    traceback = attempts.locator("pre.traceback")
    expect(traceback).to_contain_text("Traceback (most recent call last)")
    expect(traceback).to_contain_text("sample_jobs.py")
    expect(traceback).to_contain_text("in _charge")
    expect(app.job.section("Args")).to_contain_text('"amount"')
    expect(app.job.action("Retry now")).to_be_visible()
    expect(app.job.action("Delete")).to_be_visible()
    shoot("traceback")


def test_hostile_and_huge_args_render_as_text(page: Page, server: Server, shoot) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    app = Dashboard(page, server.url)
    app.open("/jobs/mail/succeeded?q=pwned")
    app.jobs.wait_loaded()
    expect(app.jobs.rows()).to_have_count(1)
    expect(page.locator("td.args")).to_contain_text("<script>window.__pwned = 1</script>")
    shoot("hostile-list")

    app.jobs.open_job(app.jobs.row_ids()[0])
    expect(app.job.args()).to_contain_text("<script>window.__pwned = 1</script>")
    expect(app.job.args()).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script, main img").count() == 0
    assert dialogs == []
    shoot("hostile-detail")

    app.open("/jobs/mail/succeeded?q=Gr%C3%BC%C3%9Fe")
    app.jobs.wait_loaded()
    app.jobs.open_job(app.jobs.row_ids()[0])
    expect(app.job.args()).to_contain_text("Grüße, Привет, 你好, مرحبا 🎉")
    shoot("unicode-detail")

    app.open("/jobs/backlog/enqueued?sort=id")
    app.jobs.wait_loaded()
    app.jobs.open_job(app.jobs.row_ids()[0])
    expect(app.job.args()).not_to_contain_text('"row": 399')
    show_all = page.get_by_role("button", name=re.compile(r"^Show all \("))
    expect(show_all).to_be_visible()
    shoot("huge-args")
    show_all.click()
    expect(app.job.args()).to_contain_text('"row": 399')


def test_the_app_under_a_path_prefix(page: Page, store, tmp_path, shoot) -> None:
    server = Server(store, tmp_path / "serve.log", root_path="/ops/roost")
    server.start()
    try:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        app = Dashboard(page, server.url)
        app.open("/")
        expect(app.overview.counter("Succeeded")).to_have_text("1,509")
        expect(app.live_status()).to_have_text("Live")

        app.nav("Jobs")
        assert page.url.endswith("/ops/roost/jobs")
        page.get_by_role("link", name="inventory", exact=True).click()
        app.jobs.tab("Retries").click()
        app.jobs.wait_loaded()
        assert "/ops/roost/jobs/inventory/retrying" in page.url
        page.reload()
        app.jobs.wait_loaded()
        expect(app.heading()).to_have_text("inventory / Retries")
        shoot("prefixed")

        local = [u for u in requests if u.startswith(f"http://127.0.0.1:{server.port}/")]
        assert local and all(u.startswith(server.url + "/") for u in local), local
    finally:
        server.stop()


def _rows_other_than(app: Dashboard, shown: list[int], timeout: float = 10.0) -> list[int]:
    """The table's ids once they differ from `shown` (the previous page fades out first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = app.jobs.row_ids()
        if rows and rows != shown:
            return rows
        time.sleep(0.05)
    raise AssertionError("the table still shows the previous page")
