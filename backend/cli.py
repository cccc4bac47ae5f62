"""The `roost` command: run workers, enqueue jobs, serve the dashboard."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy.exc import DBAPIError

from backend import logs
from backend.jobs.errors import ConfigError, RoostError
from backend.settings import Settings, describe

log = logging.getLogger(__name__)

SERVE_SHUTDOWN_SECONDS = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except RoostError as exc:
        print(f"roost: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:
        # A store that is not a SQLite file, is damaged, or lies where it cannot be written.
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        print(f"roost: the store could not be used: {reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


class _Parser(argparse.ArgumentParser):
    """Argument errors as one line on stderr, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    settings_help = "\n".join(f"  {name:<36} default {value}" for name, value in describe())
    parser = _Parser(
        prog="roost",
        description="Background jobs for Python in a SQL store, with a live dashboard.",
        epilog=f"settings (environment variables):\n{settings_help}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(title="commands", parser_class=_Parser)
    _add(sub, "worker", "run a worker process that claims and runs jobs", _worker, _worker_args)
    _add(sub, "enqueue", "store one job", _enqueue, _enqueue_args)
    _add(sub, "serve", "serve the API, the /jobstats stream and the dashboard", _serve, _serve_args)
    _add(sub, "demo", "run a server, workers and a producer on real jobs", _demo, _demo_args)
    return parser


def _add(
    sub: argparse._SubParsersAction,
    name: str,
    help_text: str,
    run: Callable[[argparse.Namespace], int | None],
    configure: Callable[[argparse.ArgumentParser], None],
) -> None:
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.add_argument("--database-url", help="store URL (ROOST_DATABASE_URL)")
    configure(p)
    p.set_defaults(run=run)


def _import_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--import",
        dest="modules",
        action="append",
        default=[],
        metavar="MODULE",
        help="module that defines jobs (repeat for more, or separate with commas)",
    )


def _import_modules(specs: list[str]) -> list[str]:
    from backend.jobs.registry import import_modules

    sys.path.insert(0, os.getcwd())
    names = [m for spec in specs for m in spec.split(",") if m]
    import_modules(names)
    return names


def _worker_args(p: argparse.ArgumentParser) -> None:
    _import_arg(p)
    p.add_argument("--queues", help="comma-separated queues to work on (default: every queue)")
    p.add_argument("--concurrency", type=int, help="job slots (ROOST_CONCURRENCY)")
    p.add_argument("--burst", action="store_true", help="exit once nothing is due")


def _worker(args: argparse.Namespace) -> int:
    from backend.jobs.store import Store, use_store
    from backend.jobs.worker import Worker

    settings = Settings.from_env(database_url=args.database_url, concurrency=args.concurrency)
    logs.configure(settings.log_level)
    _import_modules(args.modules)
    queues = _queue_names(args.queues)
    store = Store(settings=settings)
    use_store(store)  # jobs that enqueue follow-up jobs write to the worker's own store
    worker = Worker(store, queues=queues, burst=args.burst)

    async def run() -> None:
        worker.install_signal_handlers()
        await worker.run()

    asyncio.run(run())
    _exit_if_threads_linger()
    return 0


def _queue_names(raw: str | None) -> list[str] | None:
    from backend.jobs.registry import check_name

    if raw is None:
        return None
    names = [check_name("queue", q.strip()) for q in raw.split(",") if q.strip()]
    if not names:
        raise ConfigError("--queues names no queue; leave it out to work on every queue")
    return names


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """Ends the /jobstats streams first on a stop signal: they never end by themselves."""

        def __init__(self, config: uvicorn.Config, broadcaster: Any) -> None:
            super().__init__(config)
            self.broadcaster = broadcaster

        def handle_exit(self, sig: int, frame: Any) -> None:
            self.broadcaster.close_streams()
            super().handle_exit(sig, frame)

    return Server


def _exit_if_threads_linger() -> None:
    # A sync job blocked in C code cannot be interrupted; its job was handed back already, so
    # leave now instead of waiting for the thread at interpreter exit.
    if any(t.name.startswith("roost-job") for t in threading.enumerate()):
        logging.shutdown()
        os._exit(0)


def _enqueue_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", help="the job's kind (registered function name)")
    _import_arg(p)
    p.add_argument("--args", default="{}", help="JSON object (keyword args) or array")
    p.add_argument("--queue", help="queue (default: the kind's, or 'default')")
    p.add_argument("--priority", type=int, help="higher runs first (default 0)")
    p.add_argument("--max-attempts", type=int)
    p.add_argument("--delay", type=float, help="seconds from now")
    p.add_argument("--at", help="ISO 8601 time with a zone, for example 2030-01-01T09:00:00Z")


def _enqueue(args: argparse.Namespace) -> int:
    from backend.jobs.enqueue import enqueue
    from backend.jobs.errors import InvalidInput
    from backend.jobs.registry import registry
    from backend.jobs.store import Store

    try:
        payload = json.loads(args.args)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--args is not valid JSON: {exc}") from None
    run_at = None
    if args.at:
        try:
            run_at = datetime.fromisoformat(args.at.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"--at {args.at!r} is not an ISO 8601 time") from None
    if _import_modules(args.modules) and registry.get(args.kind) is None:
        raise InvalidInput(
            f"kind {args.kind!r} is not defined in {', '.join(args.modules)}; "
            f"it has {', '.join(registry.kinds()) or 'no kinds'}"
        )
    store = Store(settings=Settings.from_env(database_url=args.database_url))
    job_id = enqueue(
        args.kind,
        payload,
        store=store,
        queue=args.queue,
        priority=args.priority,
        max_attempts=args.max_attempts,
        delay=args.delay,
        run_at=run_at,
    )
    print(job_id)
    return 0


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", help="address to listen on (ROOST_HOST; default loopback only)")
    p.add_argument("--port", type=int, help="port to listen on (ROOST_PORT)")
    p.add_argument("--root-path", help="path prefix behind a reverse proxy (ROOST_ROOT_PATH)")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from backend.api import create_app

    settings = Settings.from_env(
        database_url=args.database_url, host=args.host, port=args.port, root_path=args.root_path
    )
    logs.configure(settings.log_level)
    app = create_app(settings=settings)
    log.info(
        "serving on http://%s:%d%s/",
        settings.host,
        settings.port,
        settings.root_path,
        extra={"action": "serve_started"},
    )
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=SERVE_SHUTDOWN_SECONDS,
    )
    _server_class()(config, app.state.broadcaster).run()
    return 0


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Start the server, worker processes and a producer that feeds them jobs on the standard "
        "library's source files; Ctrl-C stops it all, and a second run resumes on the same store."
    )
    p.add_argument("--host", help="address to listen on (ROOST_HOST; default loopback only)")
    p.add_argument("--port", type=int, help="port to listen on (ROOST_PORT)")
    p.add_argument("--workers", type=int, help="worker processes (default 2)")
    p.add_argument("--duration", type=float, help="seconds to run before stopping by itself")


def _demo(args: argparse.Namespace) -> int:
    from backend.demo.run import Demo

    settings = Settings.from_env(database_url=args.database_url, host=args.host, port=args.port)
    logs.configure(settings.log_level)
    if args.duration is not None and not 0 < args.duration < math.inf:
        raise ConfigError("--duration must be a positive number of seconds")
    return Demo(settings, workers=args.workers, duration=args.duration).run()


if __name__ == "__main__":
    sys.exit(main())
