"""What the API accepts: query and body models, validated before any engine call.

The OpenAPI document is generated from these same models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from backend.jobs.cron import MAX_CRON_LENGTH
from backend.jobs.enqueue import MAX_PRIORITY
from backend.jobs.filters import MAX_TEXT, JobFilter
from backend.jobs.listing import MAX_LIMIT
from backend.jobs.operations import MAX_IDS
from backend.jobs.registry import NAME_RULE
from backend.jobs.schedules import ScheduleSpec

MAX_ID = 2**63 - 1
TEN_YEARS = 10 * 365 * 86400.0
LATEST_RUN_AT = 221845392000.0  # 9000-01-01T00:00:00Z

Name = Annotated[str, Field(pattern=NAME_RULE.pattern, min_length=1, max_length=100)]
JobId = Annotated[int, Field(ge=1, le=MAX_ID)]
StateName = Literal[
    "scheduled", "enqueued", "processing", "retrying", "succeeded", "dead", "cancelled"
]
SortName = Literal["-id", "id", "run_at", "-run_at", "finished_at", "-finished_at"]
ActionName = Literal["retry", "run_now", "kill", "cancel", "delete"]
Count = Annotated[int, Field(ge=1, le=1_000_000)]
Seconds = Annotated[float, Field(ge=0, le=TEN_YEARS, allow_inf_nan=False)]
PositiveSeconds = Annotated[float, Field(gt=0, le=TEN_YEARS, allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class FilterFields(BaseModel):
    """Conditions on jobs shared by the list and by bulk actions; unset fields match all."""

    model_config = ConfigDict(extra="forbid")

    queue: Name | None = None
    state: StateName | None = None
    kind: Name | None = None
    schedule: Name | None = None
    q: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] | None = None
    created_after: AwareDatetime | None = None
    created_before: AwareDatetime | None = None
    finished_after: AwareDatetime | None = None
    finished_before: AwareDatetime | None = None

    def to_filter(self) -> JobFilter:
        return JobFilter(
            queue=self.queue,
            state=self.state,
            kind=self.kind,
            schedule=self.schedule,
            text=self.q,
            created_after=_seconds(self.created_after),
            created_before=_seconds(self.created_before),
            finished_after=_seconds(self.finished_after),
            finished_before=_seconds(self.finished_before),
        )


class JobListQuery(FilterFields):
    """Query parameters of GET /api/jobs."""

    sort: SortName = "-id"
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50
    cursor: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class QueueQuery(BaseModel):
    """Query parameters of GET /api/queues."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None


class NoQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewJobIn(Strict):
    """A job to enqueue; unset options come from the kind's defaults."""

    kind: Name
    args: dict[str, Any] | list[Any] = Field(default_factory=dict)
    queue: Name | None = None
    priority: Annotated[int, Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY)] | None = None
    max_attempts: Count | None = None
    timeout: PositiveSeconds | None = None
    run_at: AwareDatetime | None = None
    delay: Annotated[float, Field(ge=0, le=100 * 365 * 86400.0, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _one_time(self) -> NewJobIn:
        if self.run_at is not None and self.delay is not None:
            raise ValueError("give run_at or delay, not both")
        if self.run_at is not None and not 0 <= self.run_at.timestamp() < LATEST_RUN_AT:
            raise ValueError("run_at must be from 1970-01-01T00:00:00Z to 9000-01-01T00:00:00Z")
        return self


class BulkFilter(FilterFields):
    model_config = ConfigDict(extra="forbid", strict=True)


class BulkIn(Strict):
    """An action on explicit job ids, or on every job matching a filter."""

    action: ActionName
    ids: Annotated[list[JobId], Field(min_length=1, max_length=MAX_IDS)] | None = None
    filter: BulkFilter | None = None

    @model_validator(mode="after")
    def _ids_or_filter(self) -> BulkIn:
        if (self.ids is None) == (self.filter is None):
            raise ValueError("give either ids or filter, not both and not neither")
        return self


class QueueSettingsIn(Strict):
    """A queue's limits and retry policy; null means no limit, or the global default."""

    max_concurrency: Count | None = None
    rate_limit: PositiveSeconds | None = None
    rate_burst: Count | None = None
    max_attempts: Count | None = None
    min_backoff: Seconds | None = None
    max_backoff: Seconds | None = None
    max_retry_duration: PositiveSeconds | None = None


class NewQueueIn(QueueSettingsIn):
    """A queue to create, with its settings."""

    name: Name


class NewScheduleIn(Strict):
    """A recurring job: when (a cron expression in a time zone) and what to enqueue."""

    name: Name
    cron: Annotated[str, Field(min_length=1, max_length=MAX_CRON_LENGTH)] = Field(
        description="Five fields (minute hour day-of-month month day-of-week), or @hourly etc."
    )
    timezone: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        default="UTC", description="IANA time zone the expression is read in"
    )
    kind: Name
    args: dict[str, Any] | list[Any] = Field(default_factory=dict)
    queue: Name | None = None
    priority: Annotated[int, Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY)] | None = None

    def to_spec(self) -> ScheduleSpec:
        return ScheduleSpec(
            name=self.name,
            cron=self.cron,
            kind=self.kind,
            args=self.args,
            queue=self.queue,
            timezone=self.timezone,
            priority=self.priority,
        )


def _seconds(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


NAME_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": NAME_RULE.pattern,
    "minLength": 1,
    "maxLength": 100,
}
