"""`roost demo`: the server, worker processes and a producer, as one process tree.

The children run in their own process group, so a Ctrl-C in the terminal reaches only this
parent, which then asks each child to stop exactly once. A worker that is asked a second time
hands its running jobs back at once instead of letting them finish, so a second Ctrl-C here
means "stop now" and is passed on as such.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from types import FrameType

from backend.demo.producer import Producer
from backend.jobs import Store
from backend.jobs.errors import ConfigError, RoostError
from backend.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 2
TICK_SECONDS = 1.0  # how often the producer's trickle adds jobs
STEP_SECONDS = 0.1  # how often the parent looks at its children and at signals
SERVER_START_SECONDS = 30.0
SERVER_STOP_SECONDS = 5.0  # an open /jobstats stream can hold the server; it holds no jobs
STOP_MARGIN_SECONDS = 10.0  # beyond the workers' own grace period
CHILD_LOG_LEVEL = "WARNING"  # a line per job from every worker would drown the terminal


@dataclass
class Child:
    """One process of the tree."""

    name: str
    process: subprocess.Popen[bytes]


class Demo:
    """Runs the demo until Ctrl-C, SIGTERM or the end of its duration."""

    def __init__(
        self, settings: Settings, workers: int | None = None, duration: float | None = None
    ) -> None:
        workers = DEFAULT_WORKERS if workers is None else workers
        if workers < 1:
            raise ConfigError("--workers must be at least 1")
        if duration is not None and duration <= 0:
            raise ConfigError("--duration must be a positive number of seconds")
        self.settings = settings
        self.workers = workers
        self.duration = duration
        self.children: list[Child] = []
        self.signals = 0

    @property
    def url(self) -> str:
        return (
            f"http://{_url_host(self.settings.host)}:{self.settings.port}{self.settings.root_path}/"
        )

    def run(self) -> int:
        """Start everything, feed it until told to stop, then stop everything; return 0."""
        _check_port_free(self.settings.host, self.settings.port)
        producer = Producer(Store(settings=self.settings))
        self._install_signal_handlers()
        try:
            self._start_children()
            if self._wait_for_server():
                self._announce()
                producer.seed()
                self._feed(producer)
        finally:
            self._stop_children()
        log.info("demo stopped; run it again to resume", extra={"action": "demo_stopped"})
        return 0

    # -- children ----------------------------------------------------------------------------

    def _start_children(self) -> None:
        env = {**os.environ, "ROOST_DATABASE_URL": self.settings.database_url}
        env.setdefault("ROOST_LOG_LEVEL", CHILD_LOG_LEVEL)
        serve = ["serve", "--host", self.settings.host, "--port", str(self.settings.port)]
        self._spawn("server", serve, env)
        for n in range(1, self.workers + 1):
            self._spawn(f"worker {n}", ["worker", "--import", "backend.demo.jobs"], env)

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        cmd = [sys.executable, "-m", "backend.cli", *args]
        process = subprocess.Popen(cmd, env=env, process_group=0)
        self.children.append(Child(name, process))
        log.debug("started the %s as pid %d", name, process.pid, extra={"action": "child_started"})

    def _check_children(self) -> None:
        for child in self.children:
            code = child.process.poll()
            if code is not None:
                raise RoostError(
                    f"the {child.name} process exited with code {code}; see its log above"
                )

    def _stop_children(self) -> None:
        self._signal_children(signal.SIGTERM)
        grace = self.settings.shutdown_grace_seconds + STOP_MARGIN_SECONDS
        deadline = time.monotonic() + grace
        for child in self.children:
            limit = SERVER_STOP_SECONDS if child.name == "server" else grace
            _wait_or_kill(child, min(deadline, time.monotonic() + limit))

    def _signal_children(self, sig: signal.Signals) -> None:
        for child in self.children:
            if child.process.poll() is None:
                child.process.send_signal(sig)

    # -- the parent's own work ---------------------------------------------------------------

    def _wait_for_server(self) -> bool:
        """Wait until the server answers; False when a signal came first."""
        probe = f"http://{_url_host(self.settings.host)}:{self.settings.port}"
        probe += f"{self.settings.root_path}/api/stats"
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _answers(probe):
            self._check_children()
            if self.signals:
                return False
            if time.monotonic() > deadline:
                raise RoostError(
                    f"the server did not answer at {probe} within {SERVER_START_SECONDS:g} s"
                )
            time.sleep(STEP_SECONDS)
        return True

    def _announce(self) -> None:
        print(
            f"Roost demo: dashboard at {self.url}\n"
            f"  store {self.settings.database_url}, {self.workers} worker processes\n"
            "  Ctrl-C stops everything; run it again to resume on the same store.",
            flush=True,
        )

    def _feed(self, producer: Producer) -> None:
        started = time.monotonic()
        next_tick = started + TICK_SECONDS
        while not self.signals:
            self._check_children()
            now = time.monotonic()
            if self.duration is not None and now - started >= self.duration:
                log.info("ran for %g s; stopping", self.duration, extra={"action": "demo_stopping"})
                return
            if now >= next_tick:
                producer.tick()
                next_tick = now + TICK_SECONDS
            time.sleep(STEP_SECONDS)

    def _install_signal_handlers(self) -> None:
        # SIGHUP too: a closed terminal would otherwise end this parent and leave the children,
        # which sit in process groups of their own, running.
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        # Only a counter here: the loops look at it, and nothing is locked inside a handler.
        self.signals += 1
        name = signal.Signals(signum).name
        if self.signals == 1:
            log.info("%s received: stopping the demo", name, extra={"action": "demo_stopping"})
            return
        log.warning(
            "%s again: workers hand their jobs back now", name, extra={"action": "demo_stopping"}
        )
        self._signal_children(signal.SIGTERM)


def _wait_or_kill(child: Child, deadline: float) -> None:
    try:
        child.process.wait(max(0.0, deadline - time.monotonic()))
        return
    except subprocess.TimeoutExpired:
        pass
    log.warning(
        "the %s did not stop in time; killing it (leases bring back any job it held)",
        child.name,
        extra={"action": "child_killed"},
    )
    child.process.kill()
    child.process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # Like the server itself, so a port left in TIME_WAIT by the last run counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port} ({exc.strerror}); stop what uses it "
                "or pick another port with --port"
            ) from None


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
