"""The `roost` command: good input works, bad input gets one line on stderr and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support import ROOT


def roost(*args: str, db_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    if db_url:
        env["ROOST_DATABASE_URL"] = db_url
    cmd = [sys.executable, "-m", "backend.cli", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_enqueue_prints_the_new_job_id(db_url: str) -> None:
    out = roost("enqueue", "record", "--args", '{"n": 1}', "--delay", "5", db_url=db_url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().isdigit()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["enqueue", "record", "--args", "{bad"], "--args is not valid JSON"),
        (["enqueue", "record", "--args", '"text"'], "args must be a JSON object"),
        (["enqueue", "bad kind!"], "is not a valid name"),
        (["enqueue", "record", "--at", "tomorrow"], "is not an ISO 8601 time"),
        (["enqueue", "record", "--at", "2030-01-01T00:00:00"], "must carry a time zone"),
        (["worker", "--import", "no.such.module", "--burst"], "cannot import job module"),
        (["worker", "--concurrency", "0", "--burst"], "must be greater than 0"),
    ],
)
def test_bad_input_gets_one_line_and_a_non_zero_exit(
    db_url: str, args: list[str], message: str
) -> None:
    out = roost(*args, db_url=db_url)
    assert out.returncode == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_enqueue_with_import_uses_the_kinds_defaults(db_url: str) -> None:
    out = roost("enqueue", "slow", "--import", "fixture_jobs", db_url=db_url)
    assert out.returncode == 0, out.stderr
    wrong = roost("enqueue", "slwo", "--import", "fixture_jobs", db_url=db_url)
    assert wrong.returncode == 2 and "'slwo' is not defined in fixture_jobs" in wrong.stderr


def test_bad_database_url_is_one_line() -> None:
    out = roost("enqueue", "record", db_url="postgres-ish://nowhere")
    assert out.returncode == 2 and out.stderr.startswith("roost: ")


def test_help_lists_every_setting() -> None:
    out = roost("--help")
    assert out.returncode == 0
    for name in ["ROOST_DATABASE_URL", "ROOST_CONCURRENCY", "ROOST_LEASE_SECONDS"]:
        assert name in out.stdout


def test_serve_stops_at_once_and_cleanly_with_a_stream_open(db_url: str) -> None:
    import signal
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "ROOST_DATABASE_URL": db_url}
    cmd = [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "roost serve did not start"
                time.sleep(0.1)
        client.sendall(b"GET /jobstats HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b"event: stats" not in received:
            received += client.recv(65536)

        started = time.monotonic()
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=10) == 130, "Ctrl-C's usual exit status"
        assert time.monotonic() - started < 1.0, "the open stream was ended, not waited for"
        assert "ERROR" not in server.stderr.read()  # type: ignore[union-attr]
        client.close()
    finally:
        server.kill()
