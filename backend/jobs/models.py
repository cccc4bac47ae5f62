"""The store's tables. Times are UTC seconds since the epoch, as floats."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel


class State(StrEnum):
    SCHEDULED = "scheduled"
    ENQUEUED = "enqueued"
    PROCESSING = "processing"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    DEAD = "dead"
    CANCELLED = "cancelled"


STATES: tuple[str, ...] = tuple(s.value for s in State)
WAITING = (State.SCHEDULED.value, State.ENQUEUED.value, State.RETRYING.value)
FINISHED = (State.SUCCEEDED.value, State.DEAD.value, State.CANCELLED.value)


class Job(SQLModel, table=True):
    """One unit of work: a registered function's kind, its JSON args and its lifecycle."""

    __tablename__ = "job"
    __table_args__ = (
        # Claims read due jobs of one queue in priority, then age, order.
        Index(
            "ix_job_claim",
            "queue",
            text("priority DESC"),
            "run_at",
            "id",
            sqlite_where=text("state = 'enqueued'"),
            postgresql_where=text("state = 'enqueued'"),
        ),
        # Promotion of scheduled and retrying jobs whose time has come.
        Index(
            "ix_job_due",
            "run_at",
            sqlite_where=text("state IN ('scheduled', 'retrying')"),
            postgresql_where=text("state IN ('scheduled', 'retrying')"),
        ),
        # Rescue of lapsed leases and a worker's own jobs.
        Index(
            "ix_job_lease",
            "lease_until",
            sqlite_where=text("state = 'processing'"),
            postgresql_where=text("state = 'processing'"),
        ),
        Index("ix_job_queue_state", "queue", "state", "id"),
        Index("ix_job_state", "state", "id"),
        Index("ix_job_state_finished", "state", "finished_at"),
        Index("ix_job_kind", "kind", "id"),
        # The jobs each schedule produced, newest first.
        Index(
            "ix_job_schedule",
            "schedule",
            "id",
            sqlite_where=text("schedule IS NOT NULL"),
            postgresql_where=text("schedule IS NOT NULL"),
        ),
        # Ids are never reused, so a stale id (in a worker, a page or a script) can never
        # reach a newer job that took the number of a deleted one.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    queue: str
    args: str = Field(sa_column=Column(Text, nullable=False))
    priority: int = 0
    state: str
    attempt: int = 0
    max_attempts: int | None = None
    timeout: float | None = None
    min_backoff: float | None = None
    max_backoff: float | None = None
    max_retry_duration: float | None = None
    created_at: float
    run_at: float
    first_started_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    lease_until: float | None = None
    worker_id: str | None = None
    cancel_requested: bool = False
    error: str | None = Field(default=None, sa_column=Column(Text))
    schedule: str | None = None  # the schedule that enqueued this job, if one did


class Attempt(SQLModel, table=True):
    """One failed or interrupted run of a job, kept for the detail page."""

    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_job", "job_id", "attempt"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int
    attempt: int
    worker_id: str | None = None
    started_at: float | None = None
    finished_at: float
    outcome: str
    error_class: str
    error_message: str = Field(sa_column=Column(Text, nullable=False))
    traceback: str = Field(default="", sa_column=Column(Text, nullable=False))


class Queue(SQLModel, table=True):
    """A named lane of jobs with its own settings."""

    __tablename__ = "queue"

    name: str = Field(primary_key=True)
    paused: bool = False
    max_concurrency: int | None = None
    rate_limit: float | None = None
    rate_burst: int | None = None
    max_attempts: int | None = None
    min_backoff: float | None = None
    max_backoff: float | None = None
    max_retry_duration: float | None = None
    created_at: float
    # The rate limit's token bucket, shared by every worker: tokens left at rate_refilled_at.
    # NULL tokens means a full bucket.
    rate_tokens: float | None = None
    rate_refilled_at: float | None = None


class Worker(SQLModel, table=True):
    """One live worker process."""

    __tablename__ = "worker"

    id: str = Field(primary_key=True)
    host: str
    pid: int
    queues: str  # JSON array of queue names; empty means every queue
    slots: int
    busy: int = 0
    started_at: float
    heartbeat_at: float
    stopping: bool = False
    kinds: str | None = None  # JSON array of the job kinds registered in the process


class Schedule(SQLModel, table=True):
    """A recurring job: a cron expression in a time zone, and the job to enqueue each time."""

    __tablename__ = "schedule"

    name: str = Field(primary_key=True)
    cron: str
    timezone: str
    kind: str
    args: str = Field(sa_column=Column(Text, nullable=False))
    queue: str
    priority: int = 0
    paused: bool = False
    source: str  # code (declared next to the job) | api
    next_run_at: float
    last_run_at: float | None = None
    last_job_id: int | None = None
    created_at: float


TOTAL_MINUTE = -1  # the stats_minute row that holds a queue's all-time totals


class StatsMinute(SQLModel, table=True):
    """Processed and failed attempts per queue per minute, for history graphs.

    Minutes are pruned after a week; each queue's row at minute TOTAL_MINUTE keeps its totals
    since the store began, so the totals cost one row per queue to read.
    """

    __tablename__ = "stats_minute"

    minute: int = Field(primary_key=True)  # seconds since the epoch // 60, or TOTAL_MINUTE
    queue: str = Field(primary_key=True)
    processed: int = 0
    failed: int = 0


class JobCount(SQLModel, table=True):
    """Jobs per queue and state, kept current by triggers so counts never scan the job table."""

    __tablename__ = "job_count"

    queue: str = Field(primary_key=True)
    state: str = Field(primary_key=True)
    n: int = 0


class Meta(SQLModel, table=True):
    """Key/value facts about the store itself, such as its schema version."""

    __tablename__ = "roost_meta"

    key: str = Field(primary_key=True)
    value: str


job_t = Job.__table__  # type: ignore[attr-defined]
attempt_t = Attempt.__table__  # type: ignore[attr-defined]
queue_t = Queue.__table__  # type: ignore[attr-defined]
worker_t = Worker.__table__  # type: ignore[attr-defined]
schedule_t = Schedule.__table__  # type: ignore[attr-defined]
stats_t = StatsMinute.__table__  # type: ignore[attr-defined]
count_t = JobCount.__table__  # type: ignore[attr-defined]
meta_t = Meta.__table__  # type: ignore[attr-defined]
