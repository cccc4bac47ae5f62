"""Routes for jobs: list, detail, enqueue, duplicate, actions on one job, bulk actions, and
the kinds a job can be made of."""

from __future__ import annotations

from typing import Any

from backend.api.endpoint import Call, Endpoint
from backend.api.inputs import BulkIn, JobListQuery, NewJobIn, NoQuery
from backend.api.wire import ActionOut, BulkOut, JobDetail, JobPage, KindList
from backend.jobs import listing, operations
from backend.jobs.enqueue import duplicate, enqueue
from backend.jobs.operations import BulkResult

JOB_ID = {"job_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}}


async def list_jobs(call: Call) -> Any:
    q: JobListQuery = call.query
    return await call.run(listing.list_jobs, call.store, q.to_filter(), q.sort, q.limit, q.cursor)


async def get_job(call: Call) -> Any:
    return await call.run(listing.get_job, call.store, call.job_id())


async def create_job(call: Call) -> Any:
    new: NewJobIn = call.body
    options = new.model_dump(exclude={"kind", "args"}, exclude_none=True)
    job_id = await call.run(enqueue, new.kind, new.args, store=call.store, **options)
    return await call.run(listing.get_job, call.store, job_id)


async def duplicate_job(call: Call) -> Any:
    job_id = await call.run(duplicate, call.store, call.job_id())
    return await call.run(listing.get_job, call.store, job_id)


async def list_kinds(call: Call) -> Any:
    return {"items": await call.run(listing.list_kinds, call.store)}


async def bulk(call: Call) -> Any:
    body: BulkIn = call.body
    where = body.filter.to_filter() if body.filter is not None else None
    result = await call.run(operations.act, call.store, body.action, body.ids, where)
    return result_out(result)


def result_out(result: BulkResult) -> dict[str, Any]:
    """A BulkResult in its wire form."""
    return {
        "action": result.action,
        "matched": result.matched,
        "changed": result.changed,
        "skipped": result.skipped,
        "skipped_count": result.skipped_count,
        "reasons": dict(result.reasons),
        "summary": result.summary(),
    }


def _action(name: str) -> Any:
    async def act_on_job(call: Call) -> Any:
        job_id = call.job_id()
        result = await call.run(operations.act_one, call.store, name, job_id)
        job = None if name == "delete" else await call.run(listing.get_job, call.store, job_id)
        return {"job": job, "result": result_out(result)}

    act_on_job.__name__ = f"{name}_job"
    return act_on_job


def endpoints() -> list[Endpoint]:
    actions = [
        Endpoint(
            "POST",
            f"/api/jobs/{{job_id}}/{name}",
            _action(name),
            f"{operations.PAST[name].capitalize()}: {name.replace('_', ' ')} one job",
            ActionOut,
            errors=(400, 404, 409),
            path_params=JOB_ID,
        )
        for name in ("retry", "run_now", "kill", "cancel")
    ]
    return [
        Endpoint("GET", "/api/jobs", list_jobs, "List jobs", JobPage, query=JobListQuery),
        Endpoint(
            "POST",
            "/api/jobs",
            create_job,
            "Enqueue a job",
            JobDetail,
            status=201,
            body=NewJobIn,
            errors=(400, 413),
        ),
        Endpoint(
            "POST",
            "/api/jobs/bulk",
            bulk,
            "Act on many jobs",
            BulkOut,
            body=BulkIn,
            errors=(400, 413),
        ),
        Endpoint(
            "GET",
            "/api/jobs/{job_id}",
            get_job,
            "One job with its attempts",
            JobDetail,
            errors=(400, 404),
            path_params=JOB_ID,
        ),
        Endpoint(
            "DELETE",
            "/api/jobs/{job_id}",
            _action("delete"),
            "Delete one job",
            ActionOut,
            errors=(400, 404, 409),
            path_params=JOB_ID,
        ),
        *actions,
        Endpoint(
            "POST",
            "/api/jobs/{job_id}/duplicate",
            duplicate_job,
            "Enqueue a copy of a job (kind, args, queue, priority and options)",
            JobDetail,
            status=201,
            errors=(400, 404),
            path_params=JOB_ID,
        ),
        Endpoint(
            "GET",
            "/api/kinds",
            list_kinds,
            "Kinds live workers registered, and the built-in ones",
            KindList,
            query=NoQuery,
        ),
    ]
