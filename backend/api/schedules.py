"""Routes for schedules (recurring jobs): list, create, read, pause, resume, trigger, delete."""

from __future__ import annotations

from typing import Any

from backend.api.endpoint import Call, Endpoint, Handler
from backend.api.inputs import NAME_SCHEMA, NewScheduleIn, NoQuery
from backend.api.wire import ScheduleDeleted, ScheduleList, ScheduleOut, TriggerOut, Wire
from backend.jobs import listing, schedules

NAME = {"name": NAME_SCHEMA}
ONE = "/api/schedules/{name}"


async def list_schedules(call: Call) -> Any:
    return {"items": await call.run(schedules.list_schedules, call.store)}


async def create_schedule(call: Call) -> Any:
    body: NewScheduleIn = call.body
    return await call.run(schedules.create_schedule, call.store, body.to_spec())


async def get_schedule(call: Call) -> Any:
    return await call.run(schedules.get_schedule, call.store, call.schedule_name())


async def pause_schedule(call: Call) -> Any:
    return await call.run(schedules.set_paused, call.store, call.schedule_name(), True)


async def resume_schedule(call: Call) -> Any:
    return await call.run(schedules.set_paused, call.store, call.schedule_name(), False)


async def trigger_schedule(call: Call) -> Any:
    name = call.schedule_name()
    job_id = await call.run(schedules.trigger, call.store, name)
    return {
        "schedule": await call.run(schedules.get_schedule, call.store, name),
        "job": await call.run(listing.get_job, call.store, job_id),
    }


async def delete_schedule(call: Call) -> Any:
    name = call.schedule_name()
    await call.run(schedules.delete_schedule, call.store, name)
    return {"name": name, "deleted": True}


def endpoints() -> list[Endpoint]:
    def known(
        method: str, path: str, handler: Handler, summary: str, out: type[Wire], status: int = 200
    ) -> Endpoint:
        return Endpoint(
            method,
            path,
            handler,
            summary,
            out,
            status=status,
            errors=(400, 404),
            path_params=NAME,
            tag="schedules",
        )

    return [
        Endpoint(
            "GET",
            "/api/schedules",
            list_schedules,
            "List schedules with their next and last run",
            ScheduleList,
            query=NoQuery,
            tag="schedules",
        ),
        Endpoint(
            "POST",
            "/api/schedules",
            create_schedule,
            "Create a schedule",
            ScheduleOut,
            status=201,
            body=NewScheduleIn,
            errors=(400, 409, 413),
            tag="schedules",
        ),
        known("GET", ONE, get_schedule, "One schedule", ScheduleOut),
        known("DELETE", ONE, delete_schedule, "Delete a schedule", ScheduleDeleted),
        known("POST", ONE + "/pause", pause_schedule, "Pause a schedule", ScheduleOut),
        known("POST", ONE + "/resume", resume_schedule, "Resume a schedule", ScheduleOut),
        known(
            "POST",
            ONE + "/trigger",
            trigger_schedule,
            "Enqueue a run of a schedule now",
            TriggerOut,
            status=201,
        ),
    ]
