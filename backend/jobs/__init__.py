"""Roost's engine: define jobs, enqueue them, run workers, act on jobs and queues.

Importing it registers the built-in kinds, such as `roost.http`.
"""

from backend.jobs.enqueue import NewJob, enqueue, enqueue_many
from backend.jobs.errors import (
    Conflict,
    InvalidArgs,
    InvalidInput,
    NotFound,
    RoostError,
    UnknownKind,
)
from backend.jobs.filters import JobFilter
from backend.jobs.http_target import HttpTargetError
from backend.jobs.models import State
from backend.jobs.operations import BulkResult, act, act_one
from backend.jobs.queues import QueueSettings
from backend.jobs.registry import job, registry
from backend.jobs.runner import current_job
from backend.jobs.schedules import schedule
from backend.jobs.store import ManualClock, Store, get_store, use_store
from backend.jobs.worker import Worker

__all__ = [
    "BulkResult",
    "Conflict",
    "HttpTargetError",
    "InvalidArgs",
    "InvalidInput",
    "JobFilter",
    "ManualClock",
    "NewJob",
    "NotFound",
    "QueueSettings",
    "RoostError",
    "State",
    "Store",
    "UnknownKind",
    "Worker",
    "act",
    "act_one",
    "current_job",
    "enqueue",
    "enqueue_many",
    "get_store",
    "job",
    "registry",
    "schedule",
    "use_store",
]
