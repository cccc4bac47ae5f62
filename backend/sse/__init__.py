"""The /jobstats Server-Sent-Events stream: one stats computation per tick for every client."""

from backend.sse.broadcaster import StatsBroadcaster
from backend.sse.stream import JobStatsStream

__all__ = ["JobStatsStream", "StatsBroadcaster"]
