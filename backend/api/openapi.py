"""The OpenAPI 3.1 document, generated from the endpoint declarations and their models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from backend.api.endpoint import Endpoint
from backend.api.problems import TITLES
from backend.api.wire import Problem, StatsOut

REF = "#/components/schemas/{model}"


def build(endpoints: list[Endpoint], root_path: str = "") -> dict[str, Any]:
    """Describe every route: its parameters, body and each response it can give."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (Problem, "serialization"),
        (StatsOut, "serialization"),
    ]
    for ep in endpoints:
        if ep.response is not None:
            wanted.append((ep.response, "serialization"))
        if ep.body is not None:
            wanted.append((ep.body, "validation"))
    refs, defs = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.path, {})[ep.method.lower()] = _operation(ep, refs)
    paths["/jobstats"] = {"get": _stream_operation()}
    paths["/api/openapi.json"] = {"get": _self_operation()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Roost",
            "version": "1",
            "description": "Background jobs: list, inspect, enqueue and act on jobs and queues.",
        },
        "servers": [{"url": root_path or "/"}],
        "paths": paths,
        "components": {"schemas": defs.get("$defs", {})},
    }


def _operation(ep: Endpoint, refs: dict[Any, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": ep.handler.__name__,
        "summary": ep.summary,
        "tags": [ep.tag],
        "parameters": _path_parameters(ep) + _query_parameters(ep),
        "responses": {},
    }
    if ep.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(ep.body, "validation")]}},
        }
    ok: dict[str, Any] = {"description": "OK" if ep.status == 200 else "Created"}
    if ep.response is not None:
        schema = refs[(ep.response, "serialization")]
        ok["content"] = {"application/json": {"schema": schema}}
    op["responses"][str(ep.status)] = ok
    body_errors = {415} if ep.body is not None else set()
    for status in sorted({*ep.errors, *body_errors, 500}):
        op["responses"][str(status)] = _problem_response(status, refs)
    return op


def _problem_response(status: int, refs: dict[Any, Any]) -> dict[str, Any]:
    schema = refs[(Problem, "serialization")]
    return {
        "description": TITLES.get(status, "Error"),
        "content": {"application/problem+json": {"schema": schema}},
    }


def _path_parameters(ep: Endpoint) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in ep.path_params.items()
    ]


def _query_parameters(ep: Endpoint) -> list[dict[str, Any]]:
    if ep.query is None:
        return []
    schema = ep.query.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": _not_null(prop)}
        for name, prop in schema.get("properties", {}).items()
    ]


def _not_null(prop: dict[str, Any]) -> dict[str, Any]:
    # A query parameter is either given or not; "null" is not a value it can carry.
    options = [p for p in prop.get("anyOf", []) if p.get("type") != "null"]
    rest = {k: v for k, v in prop.items() if k != "anyOf" and not (k == "default" and v is None)}
    return {**options[0], **rest} if len(options) == 1 else rest


def _stream_operation() -> dict[str, Any]:
    return {
        "operationId": "jobstats",
        "summary": "Live stats as Server-Sent Events (`event: stats`, data as GET /api/stats)",
        "tags": ["overview"],
        "responses": {
            "200": {
                "description": "An endless text/event-stream",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            }
        },
    }


def _self_operation() -> dict[str, Any]:
    return {
        "operationId": "openapi",
        "summary": "This document",
        "tags": ["meta"],
        "responses": {
            "200": {
                "description": "OpenAPI 3.1",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    }
