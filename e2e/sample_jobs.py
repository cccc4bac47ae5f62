"""Job kinds the browser tests seed and run: some succeed, some fail, some take their time."""

from __future__ import annotations

import time

from backend.jobs import job


class PaymentDeclined(Exception):
    """A card was refused; the tests look for this class on the detail page."""


@job(kind="send_email")
def send_email(**args: object) -> None:
    """Succeeds at once."""


@job(kind="charge_card", max_attempts=1)
def charge_card(**args: object) -> None:
    """Always fails, so with one attempt the job goes dead with a traceback."""
    _charge(args.get("amount"))


def _charge(amount: object) -> None:
    raise PaymentDeclined(f"card declined for amount {amount}")


@job(kind="sync_inventory", max_attempts=5, min_backoff=3600)
def sync_inventory(**args: object) -> None:
    """Fails, then waits an hour in Retries."""
    raise TimeoutError("warehouse API did not answer within 30 s")


@job(kind="build_report")
def build_report(**args: object) -> None:
    """Runs later; seeded as scheduled."""


@job(kind="resize_image")
def resize_image(seconds: float = 0.05, **args: object) -> None:
    """Takes `seconds`, so a running worker shows busy slots."""
    time.sleep(seconds)
