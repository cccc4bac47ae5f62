"""Log set-up for Roost's processes: one line per event, with its context as key=value pairs."""

from __future__ import annotations

import logging
import sys
from typing import Any

CONTEXT_KEYS = (
    "action",
    "worker",
    "job_id",
    "kind",
    "queue",
    "attempt",
    "duration_ms",
    "schedule",
)


class ContextFormatter(logging.Formatter):
    """Appends the structured context a record carries, so lines read alone and grep well."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        pairs = [f"{k}={getattr(record, k)}" for k in CONTEXT_KEYS if hasattr(record, k)]
        return f"{line} [{' '.join(pairs)}]" if pairs else line


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def job_fields(job: dict[str, Any], **more: Any) -> dict[str, Any]:
    """The `extra` for a log line about one job."""
    return {
        "job_id": job["id"],
        "kind": job["kind"],
        "queue": job["queue"],
        "attempt": job["attempt"],
        **more,
    }
