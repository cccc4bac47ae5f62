"""Registering Python functions as job kinds with the `@job` decorator."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from backend.jobs.errors import ConfigError, InvalidInput

NAME_RULE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:\-]{0,99}$")
NAME_HINT = "1 to 100 characters: letters, digits, '_', '.', ':' or '-', not starting with a sign"
DEFAULT_QUEUE = "default"


def check_name(what: str, value: object) -> str:
    """Return `value` when it is a valid kind or queue name, else raise InvalidInput."""
    if not isinstance(value, str) or not NAME_RULE.fullmatch(value):
        raise InvalidInput(f"{what} {value!r} is not a valid name; use {NAME_HINT}")
    return value


@dataclass(frozen=True)
class JobOptions:
    """Defaults a kind gives its jobs; each may be overridden when a job is enqueued."""

    queue: str = DEFAULT_QUEUE
    priority: int = 0
    max_attempts: int | None = None
    timeout: float | None = None
    min_backoff: float | None = None
    max_backoff: float | None = None
    max_retry_duration: float | None = None


ArgsCheck = Callable[[dict[str, Any] | list[Any]], None]


@dataclass
class JobFunction:
    """A registered function: call it directly, or `.enqueue(...)` it to run on a worker."""

    kind: str
    func: Callable[..., Any]
    options: JobOptions = field(default_factory=JobOptions)
    check: ArgsCheck | None = None  # refuses bad args at enqueue time, with InvalidArgs

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def bind(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Turn a call's arguments into the keyword dict stored as the job's args."""
        try:
            bound = inspect.signature(self.func).bind(*args, **kwargs)
        except TypeError as exc:
            raise InvalidInput(f"arguments do not fit {self.kind}: {exc}") from None
        out = dict(bound.arguments)
        for name, param in inspect.signature(self.func).parameters.items():
            if param.kind is inspect.Parameter.VAR_KEYWORD and name in out:
                out.update(out.pop(name))
            elif param.kind is inspect.Parameter.VAR_POSITIONAL and name in out:
                raise InvalidInput(f"{self.kind} takes *{name}; enqueue it with an args list")
        return out

    def enqueue(self, *args: Any, **kwargs: Any) -> int:
        """Store a job that calls this function with these arguments; return its id."""
        from backend.jobs.enqueue import enqueue

        return enqueue(self.kind, self.bind(*args, **kwargs))

    def enqueue_with(self, args: dict[str, Any] | list[Any], **options: Any) -> int:
        """Store a job with explicit options (queue, priority, delay, run_at, max_attempts...)."""
        from backend.jobs.enqueue import enqueue

        return enqueue(self.kind, args, **options)


class Registry:
    """Kinds known to this process, by name."""

    def __init__(self) -> None:
        self._kinds: dict[str, JobFunction] = {}

    def add(self, fn: JobFunction) -> None:
        existing = self._kinds.get(fn.kind)
        if existing is not None and existing.func is not fn.func:
            raise ConfigError(f"job kind {fn.kind!r} is already registered to another function")
        self._kinds[fn.kind] = fn

    def get(self, kind: str) -> JobFunction | None:
        return self._kinds.get(kind)

    def kinds(self) -> list[str]:
        return sorted(self._kinds)

    def options_for(self, kind: str) -> JobOptions:
        fn = self._kinds.get(kind)
        return fn.options if fn else JobOptions()


registry = Registry()


def job(
    func: Callable[..., Any] | None = None,
    *,
    kind: str | None = None,
    schedule: str | tuple[str, str] | None = None,
    check: ArgsCheck | None = None,
    **options: Any,
) -> Any:
    """Register a function as a job kind: `@job` or `@job(queue="mail", max_attempts=5)`.

    `schedule="0 9 * * *"` (UTC) or `schedule=("0 9 * * *", "Europe/Berlin")` also declares a
    recurring job of this kind, named after it, that workers enqueue with no args.
    """
    defaults = replace(JobOptions(), **options)
    check_name("queue", defaults.queue)

    def register(f: Callable[..., Any]) -> JobFunction:
        name = kind or f"{f.__module__}.{f.__qualname__}"
        if "<" in name:
            raise ConfigError(f"{f.__qualname__} is defined inside a function; pass job(kind=...)")
        check_name("kind", name)
        if inspect.isgeneratorfunction(f) or inspect.isasyncgenfunction(f):
            raise ConfigError(f"{name} is a generator; a job must be a plain or async function")
        fn = JobFunction(kind=name, func=f, options=defaults, check=check)
        registry.add(fn)
        if schedule is not None:
            from backend.jobs.schedules import schedule as declare

            cron, timezone = (schedule, "UTC") if isinstance(schedule, str) else schedule
            declare(name, cron, name, timezone=timezone)
        return fn

    return register(func) if func is not None else register


def import_modules(names: list[str]) -> None:
    """Import the modules that define jobs, so their kinds are registered in this process."""
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ConfigError(f"cannot import job module {name!r}: {exc}") from None
