"""Routes for queues: list, create, read, change settings, pause, resume, purge, delete."""

from __future__ import annotations

from typing import Any

from backend.api.endpoint import Call, Endpoint, Handler
from backend.api.inputs import NAME_SCHEMA, NewQueueIn, QueueQuery, QueueSettingsIn
from backend.api.wire import Purged, QueueList, QueueOut, Wire, queue_out
from backend.jobs import listing, queues
from backend.jobs.errors import NotFound
from backend.jobs.queues import QueueSettings

NAME = {"name": NAME_SCHEMA}


async def _one(call: Call, name: str) -> dict[str, Any]:
    rows = await call.run(listing.describe_queues, call.store, name)
    return queue_out(rows[0])


async def list_queues(call: Call) -> Any:
    query: QueueQuery = call.query
    try:
        rows = await call.run(listing.describe_queues, call.store, query.name)
    except NotFound:
        rows = []
    return {"items": [queue_out(r) for r in rows]}


async def create_queue(call: Call) -> Any:
    body: NewQueueIn = call.body
    settings = QueueSettings(**body.model_dump(exclude={"name"}))
    await call.run(queues.create_queue, call.store, body.name, settings)
    return await _one(call, body.name)


async def get_queue(call: Call) -> Any:
    return await _one(call, call.queue_name())


async def update_queue(call: Call) -> Any:
    body: QueueSettingsIn = call.body
    name = call.queue_name()
    changes = body.model_dump(include=body.model_fields_set)
    await call.run(queues.update_queue, call.store, name, changes)
    return await _one(call, name)


async def pause_queue(call: Call) -> Any:
    name = call.queue_name()
    await call.run(queues.set_paused, call.store, name, True)
    return await _one(call, name)


async def resume_queue(call: Call) -> Any:
    name = call.queue_name()
    await call.run(queues.set_paused, call.store, name, False)
    return await _one(call, name)


async def purge_queue(call: Call) -> Any:
    return {"deleted": await call.run(queues.purge_queue, call.store, call.queue_name())}


async def delete_queue(call: Call) -> Any:
    return {"deleted": await call.run(queues.delete_queue, call.store, call.queue_name())}


def endpoints() -> list[Endpoint]:
    one = "/api/queues/{name}"

    def known(method: str, path: str, handler: Handler, summary: str, out: type[Wire]) -> Endpoint:
        return Endpoint(
            method, path, handler, summary, out, errors=(400, 404), path_params=NAME, tag="queues"
        )

    return [
        Endpoint(
            "GET",
            "/api/queues",
            list_queues,
            "List queues",
            QueueList,
            query=QueueQuery,
            tag="queues",
        ),
        Endpoint(
            "POST",
            "/api/queues",
            create_queue,
            "Create a queue",
            QueueOut,
            status=201,
            body=NewQueueIn,
            errors=(400, 409, 413),
            tag="queues",
        ),
        known("GET", one, get_queue, "One queue", QueueOut),
        Endpoint(
            "PATCH",
            one,
            update_queue,
            "Change a queue's settings",
            QueueOut,
            body=QueueSettingsIn,
            errors=(400, 404, 413),
            path_params=NAME,
            tag="queues",
        ),
        Endpoint(
            "DELETE",
            one,
            delete_queue,
            "Delete a queue and all its jobs",
            Purged,
            errors=(400, 404, 409),
            path_params=NAME,
            tag="queues",
        ),
        known("POST", one + "/pause", pause_queue, "Pause a queue", QueueOut),
        known("POST", one + "/resume", resume_queue, "Resume a queue", QueueOut),
        known("POST", one + "/purge", purge_queue, "Delete a queue's waiting jobs", Purged),
    ]
