"""Fixtures for the browser tests: a seeded store, a real `roost serve`, workers, Chromium."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from seed import HERE, ROOST, copy_store, seed, worker_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = HERE / "screenshots"
DIST = HERE.parent / "frontend" / "dist" / "index.html"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One `roost serve` process on a loopback port, which a test may stop and start again."""

    def __init__(self, db: Path, logs: Path, root_path: str = "") -> None:
        self.db = db
        self.logs = logs
        self.root_path = root_path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.root_path}"

    def start(self) -> None:
        command = [str(ROOST), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.root_path:
            command += ["--root-path", self.root_path]
        with self.logs.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=worker_env(self.db), stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.logs.read_text()
            try:
                with urllib.request.urlopen(f"{self.url}/api/stats", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise AssertionError(f"roost serve did not answer within 20 s:\n{self.logs.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


class Workers:
    """Real `roost worker` processes running the sample kinds; ended when the test ends."""

    def __init__(self, db: Path, logs: Path) -> None:
        self.db = db
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(
        self, queues: str, concurrency: int = 4, burst: bool = False
    ) -> subprocess.Popen[bytes]:
        command = [str(ROOST), "worker", "--import", "sample_jobs", "--queues", queues]
        command += ["--concurrency", str(concurrency)] + (["--burst"] if burst else [])
        with self.logs.open("ab") as log:
            process = subprocess.Popen(
                command, cwd=HERE, env=worker_env(self.db), stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not DIST.is_file():
        pytest.fail("frontend/dist is missing: run `npm run build` (or e2e/setup.sh) first")
    path = tmp_path_factory.mktemp("template") / "roost.db"
    seed(path)
    return path


@pytest.fixture
def store(template_store: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded store, for a test that changes it."""
    path = tmp_path / "roost.db"
    copy_store(template_store, path)
    return path


@pytest.fixture
def server(store: Path, tmp_path: Path) -> Iterator[Server]:
    srv = Server(store, tmp_path / "serve.log")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def workers(store: Path, tmp_path: Path) -> Iterator[Workers]:
    group = Workers(store, tmp_path / "workers.log")
    yield group
    group.stop_all()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run e2e/setup.sh first")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"the page raised: {errors}"


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots() -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)


@pytest.fixture
def shoot(page: Page, request: pytest.FixtureRequest):
    """Save a full-page screenshot as e2e/screenshots/<test>-<name>.png."""
    test = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{test.removeprefix('test-')}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
