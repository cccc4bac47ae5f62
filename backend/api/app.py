"""The app factory: the JSON API, the /jobstats stream and the dashboard in one ASGI app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.api import jobs, openapi, overview, queues, schedules
from backend.api.dashboard import Dashboard
from backend.api.endpoint import Endpoint
from backend.api.problems import SERVER_ERROR, problem
from backend.api.wire import StatsOut, dump
from backend.jobs import stats
from backend.jobs.store import Store
from backend.settings import Settings
from backend.sse import JobStatsStream, StatsBroadcaster

log = logging.getLogger(__name__)


def endpoints() -> list[Endpoint]:
    """Every API route, in the order they are matched."""
    return [
        *jobs.endpoints(),
        *queues.endpoints(),
        *schedules.endpoints(),
        *overview.endpoints(),
    ]


def create_app(
    store: Store | None = None,
    settings: Settings | None = None,
    root_path: str | None = None,
    dashboard_dir: Path | str | None = None,
) -> Starlette:
    """Build the Roost app; mount it anywhere, or serve it with `roost serve`."""
    settings = settings or (store.settings if store is not None else Settings.from_env())
    store = store or Store(settings=settings)
    prefix = settings.root_path if root_path is None else root_path.rstrip("/")
    dist = dashboard_dir or settings.dashboard_dir or None
    declared = endpoints()
    api_routes = [ep.route() for ep in declared]
    broadcaster = StatsBroadcaster(
        lambda: dump(StatsOut, stats.collect(store)), settings.stats_interval_seconds
    )

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi.build(declared, request.scope.get("root_path", "")))

    async def unknown_api(request: Request) -> Response:
        allowed = _allowed_methods(api_routes, request.scope)
        if allowed:
            detail = f"{request.method} is not allowed here; use {', '.join(allowed)}"
            return problem(405, detail, headers={"allow": ", ".join(allowed)})
        return problem(404, f"no API route at {request.url.path}; see /api/openapi.json")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await broadcaster.stop()

    dashboard = Dashboard(Path(dist) if dist else None)
    stream = JobStatsStream(broadcaster)
    routes = [
        *api_routes,
        Route("/api/openapi.json", openapi_json, methods=["GET"]),
        Route("/api/{rest:path}", unknown_api, methods=list(ALL_METHODS)),
        Route("/api", unknown_api, methods=list(ALL_METHODS)),
        Route("/jobstats", stream),
        Route("/{path:path}", dashboard.serve, methods=["GET", "HEAD"]),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_problem, Exception: _server_problem},
    )
    app.state.store = store
    app.state.settings = settings
    app.state.broadcaster = broadcaster
    app.state.stream = stream
    app.state.endpoints = declared
    if prefix:
        app.add_middleware(PrefixMiddleware, prefix=prefix)
    return app


ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(routes: list[Route], scope: Scope) -> list[str]:
    allowed: set[str] = set()
    for route in routes:
        match, _ = route.matches(scope)
        if match != Match.NONE:
            allowed |= route.methods or set()
    return sorted(allowed)


async def _http_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    detail = exc.detail if exc.status_code != 405 else f"{request.method} is not allowed here"
    return problem(exc.status_code, detail, headers=headers)


async def _server_problem(request: Request, exc: Exception) -> Response:
    log.error("request failed", exc_info=exc, extra={"action": "request_failed"})
    return problem(500, SERVER_ERROR)


class PrefixMiddleware:
    """Serve under `prefix` whether or not a proxy in front strips it from the path.

    Starlette routes on the path minus `root_path`, so a request for `/prefix/api/jobs` and a
    stripped `/api/jobs` both end up at `/api/jobs` with `root_path` set to the prefix.
    """

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = self._rewrite(scope)
        await self.app(scope, receive, send)

    def _rewrite(self, scope: Scope) -> Scope:
        root = scope.get("root_path", "")
        if root.endswith(self.prefix):
            return scope
        path: str = scope["path"]
        under = path[len(root) :] if path.startswith(root) else path
        new_root = root + self.prefix
        if under == self.prefix or under.startswith(self.prefix + "/"):
            return {**scope, "root_path": new_root}
        full = root + self.prefix + under
        raw: Any = scope.get("raw_path")
        extra = {"raw_path": self.prefix.encode() + raw} if isinstance(raw, bytes) else {}
        return {**scope, "root_path": new_root, "path": full, **extra}
