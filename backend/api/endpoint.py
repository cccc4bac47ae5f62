"""One declaration per route: its method, path, inputs and outputs.

The same declaration validates each request and describes the route in the OpenAPI document,
so the spec is never written beside the code by hand.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backend.api.problems import ApiError, from_exception
from backend.api.wire import dump
from backend.jobs.registry import check_name
from backend.jobs.store import Store

MAX_BODY_BYTES = 1024 * 1024
MAX_ID = 2**63 - 1
T = TypeVar("T")


@dataclass
class Call:
    """What a handler gets: the validated inputs and the store."""

    request: Request
    store: Store
    query: Any = None
    body: Any = None

    def job_id(self) -> int:
        raw = self.request.path_params["job_id"]
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or not 1 <= int(raw) <= MAX_ID:
            raise ApiError(400, f"job id {raw!r} is not valid; use a whole number from 1")
        return int(raw)

    def queue_name(self) -> str:
        return check_name("queue", self.request.path_params["name"])

    def schedule_name(self) -> str:
        return check_name("schedule", self.request.path_params["name"])

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a (blocking) engine call in the thread pool."""
        return await run_in_threadpool(fn, *args, **kwargs)


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    """A route and everything the OpenAPI document says about it."""

    method: str
    path: str
    handler: Handler
    summary: str
    response: type[BaseModel] | None
    status: int = 200
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = (400,)
    tag: str = "jobs"
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)

    def route(self) -> Route:
        return Route(self.path, self._serve, methods=[self.method], name=self.handler.__name__)

    async def _serve(self, request: Request) -> Response:
        where = "request"
        try:
            call = Call(request=request, store=request.app.state.store)
            if self.query is not None:
                where = "query"
                call.query = self.query.model_validate(_query_dict(request))
            if self.body is not None:
                where = "body"
                call.body = self.body.model_validate_json(await read_body(request))
            where = "request"
            value = await self.handler(call)
            if isinstance(value, Response):
                return value
            content = dump(self.response, value) if self.response is not None else value
        except Exception as exc:
            return from_exception(exc, where)
        return JSONResponse(content, status_code=self.status)


def _query_dict(request: Request) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in out:
            raise ApiError(400, f"query parameter {key!r} is given more than once; give it once")
        if value != "":
            out[key] = value
    return out


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refused with a 413 once it passes `limit` bytes."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise ApiError(415, f"the body is {media}; send JSON with content-type: application/json")
    too_large = ApiError(413, f"the body is larger than {limit} bytes; send less at a time")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ApiError(400, "the body is empty; send a JSON object")
    return raw
