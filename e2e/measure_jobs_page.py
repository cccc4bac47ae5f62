"""How soon the jobs pages are usable over a 1,000,000-job store (issue 4's measured goal).

Run with `.venv/bin/python e2e/measure_jobs_page.py [--jobs N] [--db PATH]`; it seeds the store
the way bench/api.py does (kept at --db for later runs), serves it with `roost serve`, and prints
the time from each navigation to the first rows on screen.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from conftest import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402
from dashboard import Dashboard  # noqa: E402

from bench.api import seed as bench_seed  # noqa: E402

GOAL_SECONDS = 1.0


def timed(label: str, action, ready) -> float:
    start = time.perf_counter()
    action()
    ready()
    seconds = time.perf_counter() - start
    verdict = "ok" if seconds <= GOAL_SECONDS else "SLOW"
    print(f"  {label:<52} {seconds * 1000:7.0f} ms  {verdict}")
    return seconds


def measure(page: Page, app: Dashboard) -> list[float]:
    rows = page.locator("table.jobs-table tbody tr").first
    app.open("/")
    expect(app.overview.counter("Succeeded")).not_to_have_text("0")
    return [
        timed(
            "Overview -> Jobs (queues with counts per state)",
            lambda: app.nav("Jobs"),
            lambda: expect(page.get_by_role("link", name="q3", exact=True)).to_be_visible(),
        ),
        timed(
            "Jobs -> q3 / Succeeded (first 50 rows)",
            lambda: page.get_by_role("link", name=re.compile(r"^q3: [\d,]+ Succeeded$")).click(),
            lambda: expect(rows).to_be_visible(),
        ),
        timed(
            "All queues / Dead, cold load of the URL",
            lambda: app.open("/jobs/~all/dead"),
            lambda: expect(rows).to_be_visible(),
        ),
        timed(
            "search for a value inside args",
            lambda: app.jobs.search("needle-7f3a"),
            lambda: expect(page.get_by_text("needle-7f3a").first).to_be_visible(),
        ),
        timed(
            "next page",
            lambda: page.get_by_role("button", name="Next").click(),
            lambda: expect(page.get_by_role("navigation", name="Pages")).to_contain_text("51"),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/roost-million.db"))
    args = parser.parse_args()
    if not args.db.exists():
        print(f"seeding {args.jobs:,} jobs into {args.db} ...", flush=True)
        bench_seed(f"sqlite:///{args.db}", args.jobs)
    server = Server(args.db, args.db.with_suffix(".serve.log"))
    server.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(30_000)
            print(f"jobs pages over {args.db} (goal: usable within {GOAL_SECONDS:.0f} s)")
            results = measure(page, Dashboard(page, server.url))
            browser.close()
    finally:
        server.stop()
    print(f"slowest: {max(results) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
