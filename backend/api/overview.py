"""Routes for the overview: stats and live workers."""

from __future__ import annotations

from typing import Any

from backend.api.endpoint import Call, Endpoint
from backend.api.inputs import NoQuery
from backend.api.wire import StatsOut, WorkerList
from backend.jobs import listing, stats


async def get_stats(call: Call) -> Any:
    return await call.run(stats.collect, call.store)


async def list_workers(call: Call) -> Any:
    return {"items": await call.run(listing.list_workers, call.store)}


def endpoints() -> list[Endpoint]:
    return [
        Endpoint(
            "GET",
            "/api/stats",
            get_stats,
            "Counts per state and queue, throughput and busy slots",
            StatsOut,
            query=NoQuery,
            tag="overview",
        ),
        Endpoint(
            "GET",
            "/api/workers",
            list_workers,
            "Live worker processes",
            WorkerList,
            query=NoQuery,
            tag="overview",
        ),
    ]
