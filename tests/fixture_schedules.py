"""Schedules declared in code, for the tests that start workers with `--import` of this module.

Kept apart from fixture_jobs so that other tests' workers declare no schedules.
"""

from __future__ import annotations

from backend.jobs import job, schedule


@job(kind="fixture.yearly", schedule=("0 0 1 1 *", "Europe/Berlin"))
def yearly() -> None:
    """Declared with its schedule; fires on New Year only, so never during a test."""


schedule("fixture.report", "30 2 29 2 *", "record", args={"n": 29}, timezone="America/New_York")
