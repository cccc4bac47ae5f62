"""What happens after a failed attempt: when to run again, or whether the job is dead."""

from __future__ import annotations

import random
from dataclasses import dataclass

from backend.jobs.models import State


@dataclass(frozen=True)
class RetryPolicy:
    """Retry settings, resolved from the job, then its queue, then the global default."""

    max_attempts: int
    min_backoff: float | None = None
    max_backoff: float | None = None
    max_retry_duration: float | None = None

    @classmethod
    def resolve(
        cls, job: dict[str, object], queue: dict[str, object] | None, default_attempts: int
    ) -> RetryPolicy:
        queue = queue or {}

        def pick(name: str) -> object:
            value = job.get(name)
            return value if value is not None else queue.get(name)

        attempts = pick("max_attempts")
        return cls(
            max_attempts=int(attempts) if attempts is not None else default_attempts,  # type: ignore[call-overload]
            min_backoff=pick("min_backoff"),  # type: ignore[arg-type]
            max_backoff=pick("max_backoff"),  # type: ignore[arg-type]
            max_retry_duration=pick("max_retry_duration"),  # type: ignore[arg-type]
        )


def backoff_seconds(attempt: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Delay before the next run after `attempt` failed: attempt**4 + 15 s + jitter."""
    jitter = (rng or random).random()
    delay = attempt**4 + 15 + jitter * 10 * (attempt + 1)
    if policy.min_backoff is not None:
        delay = max(delay, policy.min_backoff)
    if policy.max_backoff is not None:
        delay = min(delay, policy.max_backoff)
    return delay


def after_failure(
    attempt: int,
    first_started_at: float | None,
    now: float,
    policy: RetryPolicy,
    rng: random.Random | None = None,
) -> tuple[str, float]:
    """The next state and run_at for a job whose `attempt` just failed."""
    if attempt >= policy.max_attempts:
        return State.DEAD.value, now
    delay = backoff_seconds(attempt, policy, rng)
    limit = policy.max_retry_duration
    if (
        limit is not None
        and first_started_at is not None
        and now + delay - first_started_at > limit
    ):
        return State.DEAD.value, now
    return State.RETRYING.value, now + delay
