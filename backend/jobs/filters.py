"""Which jobs a list, a count or a bulk action is about."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_

from backend.jobs.errors import InvalidInput
from backend.jobs.models import STATES, State, job_t
from backend.jobs.registry import check_name
from backend.jobs.sql import one_of

DUE_STATES = (State.SCHEDULED.value, State.RETRYING.value)
MAX_TEXT = 200


@dataclass(frozen=True)
class JobFilter:
    """Conditions on jobs; unset fields match everything."""

    queue: str | None = None
    state: str | None = None
    kind: str | None = None
    schedule: str | None = None
    text: str | None = None
    created_after: float | None = None
    created_before: float | None = None
    finished_after: float | None = None
    finished_before: float | None = None

    def __post_init__(self) -> None:
        if self.queue is not None:
            check_name("queue", self.queue)
        if self.kind is not None:
            check_name("kind", self.kind)
        if self.schedule is not None:
            check_name("schedule", self.schedule)
        if self.state is not None and self.state not in STATES:
            raise InvalidInput(f"state {self.state!r} is unknown; use one of {', '.join(STATES)}")
        if self.text is not None and len(self.text) > MAX_TEXT:
            raise InvalidInput(f"search text is longer than {MAX_TEXT} characters")
        if self.text is not None and "\x00" in self.text:
            # SQLite's LIKE stops at a NUL, so such a search would match every job.
            raise InvalidInput("search text must not contain a NUL character")

    def clauses(self, now: float) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.queue is not None:
            out.append(job_t.c.queue == self.queue)
        if self.kind is not None:
            out.append(job_t.c.kind == self.kind)
        if self.schedule is not None:
            out.append(job_t.c.schedule == self.schedule)
        if self.state is not None:
            out.append(state_clause(self.state, now))
        if self.text:
            out.append(text_clause(self.text))
        ranges: list[tuple[Any, float | None, bool]] = [
            (job_t.c.created_at, self.created_after, True),
            (job_t.c.created_at, self.created_before, False),
            (job_t.c.finished_at, self.finished_after, True),
            (job_t.c.finished_at, self.finished_before, False),
        ]
        for column, bound, lower in ranges:
            if bound is not None:
                out.append(column >= bound if lower else column < bound)
        return out


def state_clause(state: str, now: float) -> ColumnElement[bool]:
    """Jobs in `state` as the dashboard sees it: due scheduled and retrying jobs are enqueued."""
    if state == State.ENQUEUED.value:
        return or_(
            job_t.c.state == state,
            and_(one_of(job_t.c.state, DUE_STATES), job_t.c.run_at <= now),
        )
    if state in DUE_STATES:
        return and_(job_t.c.state == state, job_t.c.run_at > now)
    return job_t.c.state == state


def text_clause(text: str) -> ColumnElement[bool]:
    """Free text over id, kind, args and error; `%`, `_`, quotes and backslashes are literal."""
    parts = [
        job_t.c.args.contains(text, autoescape=True),
        job_t.c.error.contains(text, autoescape=True),
        job_t.c.kind.contains(text, autoescape=True),
    ]
    # Args are stored as JSON, where a quote or a backslash inside a string is escaped.
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    if escaped != text:
        parts.append(job_t.c.args.contains(escaped, autoescape=True))
    parts.append(
        job_t.c.id == int(text) if text.isascii() and text.isdigit() and len(text) < 19 else false()
    )
    return or_(*parts)


def visible_state(state: str, run_at: float, now: float) -> str:
    """The state a person sees: a scheduled or retrying job whose time has come is enqueued."""
    if state in DUE_STATES and run_at <= now:
        return State.ENQUEUED.value
    return state
