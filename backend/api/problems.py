"""Errors as application/problem+json: what was wrong and what is accepted, or, for a 5xx,
where to look (the server log) and nothing more."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from starlette.responses import JSONResponse

from backend.jobs.errors import Conflict, InvalidInput, NotFound, RoostError, UnknownKind
from backend.jobs.registry import NAME_HINT

log = logging.getLogger(__name__)

TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}
SERVER_ERROR = "the server failed to handle this request; see the server log for the cause"


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


class ApiError(Exception):
    """An error the API raises itself, with the status it answers with."""

    def __init__(self, status: int, detail: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return ProblemResponse(body, status_code=status, headers=headers or None)


def from_exception(exc: Exception, where: str) -> ProblemResponse:
    """The problem that answers `exc`; unexpected exceptions are logged with their traceback."""
    if isinstance(exc, ApiError):
        return problem(exc.status, exc.detail, exc.errors)
    if isinstance(exc, ValidationError):
        return validation_problem(exc, where)
    if isinstance(exc, NotFound):
        return problem(404, str(exc))
    if isinstance(exc, Conflict):
        return problem(409, str(exc))
    if isinstance(exc, InvalidInput | UnknownKind):
        return problem(400, str(exc))
    if isinstance(exc, RoostError):
        log.error("request failed: %s", exc, extra={"action": "request_failed"})
        return problem(500, SERVER_ERROR)
    log.exception("request failed", extra={"action": "request_failed"})
    return problem(500, SERVER_ERROR)


def validation_problem(exc: ValidationError, where: str) -> ProblemResponse:
    """A 400 listing each invalid field with a sentence saying what it accepts."""
    errors = []
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        field = ".".join(str(p) for p in err["loc"])
        errors.append({"location": where, "field": field, "message": _message(err)})
    first = errors[0]
    detail = f"{where} is not valid: " + (
        f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    )
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem(400, detail, errors)


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "string_pattern_mismatch":
        return f"not a valid name; use {NAME_HINT}"
    if kind == "json_invalid":
        return "not valid JSON; send a JSON object"
    if kind == "extra_forbidden":
        return "unknown field; remove it"
    if kind in ("timezone_aware", "datetime_from_date_parsing", "datetime_parsing"):
        return "must be an ISO 8601 time with a zone, for example 2030-01-01T09:00:00Z"
    message = str(err["msg"])
    return message[13:] if message.startswith("Value error, ") else message
