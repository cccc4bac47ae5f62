"""Every Roost setting, with its ROOST_* variable, default and unit, in one typed place."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///roost.db"
DEFAULT_CONCURRENCY = 10  # job slots per worker process
DEFAULT_LEASE_SECONDS = 30.0
DEFAULT_HEARTBEAT_SECONDS = 5.0
DEFAULT_POLL_SECONDS = 0.005  # how often an idle worker looks for a change in the store
DEFAULT_SHUTDOWN_GRACE_SECONDS = 25.0
DEFAULT_BUSY_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_ATTEMPTS = 25
DEFAULT_SUCCEEDED_RETENTION_SECONDS = 24 * 3600.0
DEFAULT_DEAD_RETENTION_SECONDS = 7 * 24 * 3600.0
DEFAULT_DEAD_MAX = 10_000
DEFAULT_STATS_INTERVAL_SECONDS = 1.0
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_ROOT_PATH = ""  # path prefix the API and dashboard are served under, such as /roost
DEFAULT_DASHBOARD_DIR = ""  # built dashboard; empty means frontend/dist in the source tree
DEFAULT_LOG_LEVEL = "INFO"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_SCHEDULER_SECONDS = 1.0  # how often a worker looks for schedules whose time has come
DEFAULT_SCHEDULE_CATCH_UP = 1  # most runs one schedule enqueues at once after a downtime


@dataclass(frozen=True)
class Settings:
    """Settings read from the environment; each field maps to ROOST_<FIELD NAME>."""

    database_url: str = DEFAULT_DATABASE_URL
    concurrency: int = DEFAULT_CONCURRENCY
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS
    poll_seconds: float = DEFAULT_POLL_SECONDS
    shutdown_grace_seconds: float = DEFAULT_SHUTDOWN_GRACE_SECONDS
    busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    succeeded_retention_seconds: float = DEFAULT_SUCCEEDED_RETENTION_SECONDS
    dead_retention_seconds: float = DEFAULT_DEAD_RETENTION_SECONDS
    dead_max: int = DEFAULT_DEAD_MAX
    stats_interval_seconds: float = DEFAULT_STATS_INTERVAL_SECONDS
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    root_path: str = DEFAULT_ROOT_PATH
    dashboard_dir: str = DEFAULT_DASHBOARD_DIR
    log_level: str = DEFAULT_LOG_LEVEL
    scheduler_seconds: float = DEFAULT_SCHEDULER_SECONDS
    schedule_catch_up: int = DEFAULT_SCHEDULE_CATCH_UP

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ROOST_* variables, then apply explicit overrides (command-line flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = env.get(env_name(field.name))
            if raw is not None and raw != "":
                values[field.name] = _parse(field.name, field.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse values no worker or server could run with."""
        from backend.jobs.errors import ConfigError

        positive = ("concurrency", "lease_seconds", "heartbeat_seconds", "poll_seconds")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{env_name(name)} must be greater than 0")
        if self.heartbeat_seconds >= self.lease_seconds:
            raise ConfigError("ROOST_HEARTBEAT_SECONDS must be shorter than ROOST_LEASE_SECONDS")
        if self.max_attempts < 1:
            raise ConfigError("ROOST_MAX_ATTEMPTS must be at least 1")
        if self.scheduler_seconds <= 0:
            raise ConfigError("ROOST_SCHEDULER_SECONDS must be greater than 0")
        if self.schedule_catch_up < 1:
            raise ConfigError("ROOST_SCHEDULE_CATCH_UP must be at least 1")
        if self.stats_interval_seconds <= 0:
            raise ConfigError("ROOST_STATS_INTERVAL_SECONDS must be greater than 0")
        if not 1 <= self.port <= 65535:
            raise ConfigError(f"ROOST_PORT {self.port} is not a port; use 1 to 65535")
        if self.log_level.upper() not in LOG_LEVELS:
            raise ConfigError(
                f"ROOST_LOG_LEVEL {self.log_level!r} is unknown; use one of {', '.join(LOG_LEVELS)}"
            )
        if self.root_path and (not self.root_path.startswith("/") or self.root_path.endswith("/")):
            raise ConfigError(
                "ROOST_ROOT_PATH must start with '/' and not end with one, like /roost"
            )


def env_name(field_name: str) -> str:
    return "ROOST_" + field_name.upper()


def describe() -> list[tuple[str, str]]:
    """(variable, default) pairs for --help and the README."""
    return [(env_name(f.name), str(f.default)) for f in fields(Settings)]


def _parse(name: str, kind: Any, raw: str) -> Any:
    from backend.jobs.errors import ConfigError

    kind_name = kind if isinstance(kind, str) else kind.__name__
    try:
        if kind_name == "int":
            return int(raw)
        if kind_name == "float":
            return float(raw)
    except ValueError:
        words = "a whole number" if kind_name == "int" else "a number"
        raise ConfigError(f"{env_name(name)} must be {words}, got {raw!r}") from None
    return raw
