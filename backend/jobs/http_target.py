"""The built-in `roost.http` kind: send one HTTP request; a 2xx answer is success.

Any other answer, a timeout or a connection error fails the attempt, with the status and the
start of the body as its error, and the job retries like any other. This lets a service in any
language be the target of a Roost job. Redirects are not followed: a 3xx is a failure too.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from backend.jobs.errors import InvalidArgs, RoostError
from backend.jobs.registry import job

KIND = "roost.http"
BUILTIN_KINDS = (KIND,)  # the kinds every worker has without importing anything
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ARG_NAMES = ("method", "url", "headers", "json", "timeout")
DEFAULT_TIMEOUT_SECONDS = 30.0
MAX_TIMEOUT_SECONDS = 3600.0
MAX_URL_LENGTH = 2048
MAX_HEADERS = 100
BODY_CHARS = 500  # of the answer's body kept in the error
HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$")
HINT = (
    f"{KIND} takes {{method, url, headers?, json?, timeout?}}, such as "
    '{"method": "POST", "url": "https://example.com/hook", "json": {"id": 1}}'
)


class HttpTargetError(RoostError):
    """The target answered with a status other than 2xx, or did not answer at all."""


class _NoBody:
    """The default of `json`: send no body (a JSON null is a body)."""


NO_BODY = _NoBody()


def check_args(args: dict[str, Any] | list[Any]) -> None:
    """Refuse args a request could not be made from; runs when a job is enqueued."""
    if not isinstance(args, dict):
        raise InvalidArgs(f"args must be an object; {HINT}")
    unknown = sorted(set(args) - set(ARG_NAMES))
    if unknown:
        raise InvalidArgs(f"{KIND} has no argument {unknown[0]!r}; {HINT}")
    method = args.get("method")
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise InvalidArgs(f"method must be one of {', '.join(METHODS)}")
    _check_url(args.get("url"))
    _check_headers(args.get("headers"))
    timeout = args.get("timeout")
    number = isinstance(timeout, int | float) and not isinstance(timeout, bool)
    if timeout is not None and not (number and 0 < timeout <= MAX_TIMEOUT_SECONDS):
        raise InvalidArgs(
            f"timeout must be a number of seconds above 0 and up to {MAX_TIMEOUT_SECONDS:g}"
        )


def _check_url(url: object) -> None:
    bad = InvalidArgs(
        f"url must be an http:// or https:// address with a host, up to {MAX_URL_LENGTH} "
        "characters, such as https://example.com/hook"
    )
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or not url.isprintable():
        raise bad
    if any(c.isspace() for c in url):
        raise bad
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise bad


def _check_headers(headers: object) -> None:
    if headers is None:
        return
    if not isinstance(headers, dict) or len(headers) > MAX_HEADERS:
        raise InvalidArgs(f"headers must be an object of at most {MAX_HEADERS} names and values")
    for name, value in headers.items():
        if not HEADER_NAME.match(name):
            raise InvalidArgs(f"header name {name!r} is not valid; use letters, digits and -")
        if not isinstance(value, str) or not value.isprintable():
            raise InvalidArgs(f"header {name!r} must be a string on one line")


async def http_request(
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    json: Any = NO_BODY,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> None:
    """Send the request; return on a 2xx answer, raise HttpTargetError on anything else."""
    import httpx  # only workers that run this kind pay for the import

    verb = method.upper()
    options: dict[str, Any] = {"headers": headers or {}}
    if json is not NO_BODY:
        options["json"] = json
    try:
        async with (
            httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client,
            client.stream(verb, url, **options) as response,
        ):
            if 200 <= response.status_code < 300:
                return
            body = await _start_of_body(response)
    except httpx.TimeoutException:
        raise HttpTargetError(f"{verb} {url} got no answer within {timeout:g} s") from None
    except httpx.RequestError as exc:
        reason = str(exc) or type(exc).__name__
        raise HttpTargetError(f"{verb} {url} failed before an answer: {reason}") from None
    status = f"{response.status_code} {response.reason_phrase}".strip()
    raise HttpTargetError(
        f"{verb} {url} answered {status}: {body}" if body else f"{verb} {url} answered {status}"
    )


async def _start_of_body(response: Any) -> str:
    raw = b""
    async for chunk in response.aiter_bytes():
        raw += chunk
        if len(raw) >= BODY_CHARS * 4:
            break
    try:
        text = raw.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = raw.decode("utf-8", errors="replace")
    return text.strip()[:BODY_CHARS]


job(kind=KIND, check=check_args)(http_request)
