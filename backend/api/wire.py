"""What the API sends: response models, and the one place engine times become ISO strings.

The engine keeps times as float seconds since the epoch; the wire carries ISO 8601 UTC with
milliseconds and a Z. The same models produce the OpenAPI document, so the two cannot drift.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from backend.jobs.models import STATES


def iso(seconds: float | None) -> str | None:
    """Epoch seconds as '2026-12-04T15:30:00.123Z', or None."""
    if seconds is None:
        return None
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _to_seconds(value: Any) -> Any:
    return value.timestamp() if isinstance(value, datetime) else value


Time = Annotated[
    float | None,
    BeforeValidator(_to_seconds),
    PlainSerializer(iso, return_type=str | None),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}),
]
StateCounts = Annotated[
    dict[str, int],
    WithJsonSchema(
        {
            "type": "object",
            "properties": {s: {"type": "integer", "minimum": 0} for s in STATES},
            "required": list(STATES),
            "additionalProperties": False,
        }
    ),
]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", from_attributes=True)


class Problem(Wire):
    """An error, as RFC 9457 describes it."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


class JobSummary(Wire):
    """A job as lists show it."""

    id: int
    kind: str
    queue: str
    state: str = Field(json_schema_extra={"enum": list(STATES)})
    priority: int
    attempt: int
    max_attempts: int
    args_preview: str
    error: str | None
    created_at: Time
    run_at: Time
    started_at: Time
    finished_at: Time
    worker_id: str | None
    schedule: str | None = Field(description="The schedule that enqueued the job, if one did")


class AttemptOut(Wire):
    """One failed or interrupted run of a job."""

    attempt: int
    outcome: str
    error_class: str
    error_message: str
    traceback: str
    worker_id: str | None
    started_at: Time
    finished_at: Time


class JobDetail(JobSummary):
    """A job in full, with its attempts and the actions that fit its state."""

    args: dict[str, Any] | list[Any]
    timeout: float | None
    cancel_requested: bool
    attempts: list[AttemptOut]
    actions: list[str]


class JobPage(Wire):
    items: list[JobSummary]
    total: int
    next_cursor: str | None


class Skipped(Wire):
    id: int
    reason: str


class BulkOut(Wire):
    """What an action changed, and what it skipped and why."""

    action: str
    matched: int
    changed: int
    skipped: list[Skipped]
    skipped_count: int
    reasons: dict[str, int]
    summary: str


class ActionOut(Wire):
    """The job after an action on it (null once deleted), and the action's result."""

    job: JobDetail | None
    result: BulkOut


class QueueSettingsOut(Wire):
    max_concurrency: int | None
    rate_limit: float | None
    rate_burst: int | None
    max_attempts: int | None
    min_backoff: float | None
    max_backoff: float | None
    max_retry_duration: float | None


class QueueOut(Wire):
    """A queue with its settings, jobs per state and latency."""

    name: str
    paused: bool
    created_at: Time
    settings: QueueSettingsOut
    counts: StateCounts
    latency_seconds: float | None


class QueueList(Wire):
    items: list[QueueOut]


class Purged(Wire):
    deleted: int


class History(Wire):
    start: Time
    step_seconds: int
    processed: list[int]
    failed: list[int]


class StatsOut(Wire):
    """Counts per state and queue, throughput history and busy slots."""

    now: Time
    counts: StateCounts
    queues: dict[str, StateCounts]
    processed: int
    failed: int
    history: History
    busy_slots: int
    total_slots: int
    workers: int


class RunningJob(Wire):
    id: int
    kind: str
    queue: str
    started_at: Time


class WorkerOut(Wire):
    """A live worker process."""

    id: str
    host: str
    pid: int
    queues: list[str]
    kinds: list[str]
    slots: int
    busy: int
    jobs: list[RunningJob]
    started_at: Time
    heartbeat_at: Time


class WorkerList(Wire):
    items: list[WorkerOut]


class KindOut(Wire):
    """A kind jobs can be made of, and how many live workers can run it."""

    kind: str
    workers: int
    builtin: bool


class KindList(Wire):
    items: list[KindOut]


class ScheduleJob(Wire):
    """One of the latest jobs a schedule enqueued."""

    id: int
    state: str = Field(json_schema_extra={"enum": list(STATES)})
    run_at: Time
    created_at: Time
    finished_at: Time


class ScheduleOut(Wire):
    """A recurring job with its expression in words, its next and last run, its latest jobs."""

    name: str
    cron: str
    description: str
    timezone: str
    kind: str
    args: dict[str, Any] | list[Any]
    queue: str
    priority: int
    paused: bool
    source: str = Field(json_schema_extra={"enum": ["code", "api"]})
    next_run_at: Time = Field(description="null while paused")
    last_run_at: Time
    last_job_id: int | None
    created_at: Time
    recent_jobs: list[ScheduleJob]


class ScheduleList(Wire):
    items: list[ScheduleOut]


class TriggerOut(Wire):
    """The schedule after a run by hand, and the job that run enqueued."""

    schedule: ScheduleOut
    job: JobDetail


class ScheduleDeleted(Wire):
    name: str
    deleted: bool


def queue_out(row: dict[str, Any]) -> dict[str, Any]:
    """Reshape an engine queue row into the wire's nested form."""
    settings = {k: row.get(k) for k in QueueSettingsOut.model_fields}
    return {**row, "settings": settings}


def dump(model: type[BaseModel], value: Any) -> Any:
    """Validate engine output against its wire model and turn it into JSON-ready data."""
    return model.model_validate(value).model_dump(mode="json")
