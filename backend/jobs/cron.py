"""Cron expressions in a time zone: checking them, their fire times, and saying them in words.

croniter matches expressions against wall-clock times; this module turns those wall-clock
times into instants in the schedule's own zone, so daylight-saving changes neither skip nor
double a run:
- A time the clock jumps over in spring runs at the moment of the jump, once.
- A time the clock passes twice in autumn runs the first time only. When the hour field is
  `*`-based (hourly, every 5 minutes...), it runs both times, one real hour apart, as it
  would on any other night.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cron_descriptor import ExpressionDescriptor, Options
from croniter import croniter

from backend.jobs.errors import InvalidInput

ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
CRON_HINT = (
    "use five fields (minute hour day-of-month month day-of-week), such as '*/5 * * * *' or "
    "'30 2 * * 1-5', or one of " + ", ".join(ALIASES)
)
ZONE_RULE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")
MAX_CRON_LENGTH = 100
# Daylight-saving changes move the clock by at most two hours; near one, fire times are held
# back until the walk has gone this far past them, since a later wall-clock time can map to
# an earlier instant there.
LAG = timedelta(hours=3)


@dataclass(frozen=True)
class Cron:
    """A checked cron expression and the time zone it is read in."""

    expression: str  # as given
    fields: str  # five fields, aliases expanded
    zone: ZoneInfo
    by_clock: bool  # the hour field is `*`-based: runs go by the clock through DST nights

    @property
    def timezone(self) -> str:
        return self.zone.key


def parse(expression: object, timezone: object = "UTC") -> Cron:
    """Check an expression and a time zone name; raise InvalidInput naming what is accepted."""
    if not isinstance(expression, str) or not 0 < len(expression.strip()) <= MAX_CRON_LENGTH:
        raise InvalidInput(f"cron expression must be a string of 1 to {MAX_CRON_LENGTH} characters")
    text = " ".join(expression.split())
    fields = ALIASES.get(text.lower(), text)
    if len(fields.split(" ")) != 5 or not croniter.is_valid(fields):
        raise InvalidInput(f"cron expression {expression!r} is not valid; {CRON_HINT}")
    cron = Cron(text, fields, zone(timezone), by_clock=fields.split(" ")[1].startswith("*"))
    try:
        next(fire_times(cron, 0.0))
    except (ValueError, KeyError, OverflowError):
        raise InvalidInput(
            f"cron expression {expression!r} matches no date; check its day and month fields"
        ) from None
    return cron


def zone(name: object) -> ZoneInfo:
    """The IANA time zone `name`, such as Europe/Berlin or UTC."""
    if isinstance(name, str) and len(name) <= 64 and ZONE_RULE.match(name):
        try:
            return ZoneInfo(name)
        except (ValueError, KeyError, OSError):
            pass
    raise InvalidInput(
        f"time zone {name!r} is unknown; use an IANA name such as UTC, Europe/Berlin or "
        "America/New_York"
    )


def next_fire(cron: Cron, after: float) -> float:
    """The first fire time strictly after `after` (UTC seconds since the epoch)."""
    return next(fire_times(cron, after))


def recent_fires(cron: Cron, start: float, end: float, count: int) -> list[float]:
    """Up to `count` of the latest fire times from `start` to `end`, both included, in order."""
    window = 300.0
    while True:
        low = max(start, end - window)
        found: list[float] = []
        for instant in fire_times(cron, low - 0.001):
            if instant > end:
                break
            found.append(instant)
        if len(found) >= count or low <= start:
            return found[-count:]
        window *= 8  # look further back only when the recent past had too few fire times


def fire_times(cron: Cron, after: float) -> Iterator[float]:
    """Every fire time strictly after `after`, in order, as UTC seconds since the epoch."""
    start = _wall(after, cron.zone)
    if _transition_near(cron.zone, after):
        start -= LAG
    walls = croniter(cron.fields, start)
    pending: list[tuple[float, datetime]] = []
    last = after
    while True:
        wall = walls.get_next(datetime)
        for instant in _instants(wall, cron):
            heapq.heappush(pending, (instant, wall))
        while pending and _settled(pending[0], wall, cron.zone):
            instant = heapq.heappop(pending)[0]
            if instant > last:
                last = instant
                yield instant


def describe(cron: Cron) -> str:
    """The expression in words, such as 'At 02:30, Monday through Friday'."""
    options = Options()
    options.use_24hour_time_format = True
    try:
        words = ExpressionDescriptor(cron.fields, options).get_description()
    except Exception:
        # The describer knows fewer forms than croniter does; the expression still stands.
        return cron.expression
    return words if cron.timezone == "UTC" else f"{words} ({cron.timezone})"


def _wall(instant: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant, zone).replace(tzinfo=None)


def _offset(instant: float, zone: ZoneInfo) -> timedelta | None:
    return datetime.fromtimestamp(instant, zone).utcoffset()


def _transition_near(zone: ZoneInfo, instant: float) -> bool:
    lag = LAG.total_seconds()
    here = _offset(instant, zone)
    return _offset(instant - lag, zone) != here or _offset(instant + lag, zone) != here


def _settled(item: tuple[float, datetime], wall: datetime, zone: ZoneInfo) -> bool:
    instant, source = item
    return wall >= source + LAG or not _transition_near(zone, instant)


def _instants(wall: datetime, cron: Cron) -> list[float]:
    """The instants a wall-clock time of the zone stands for under the DST rules above."""
    first = wall.replace(tzinfo=cron.zone, fold=0).timestamp()
    second = wall.replace(tzinfo=cron.zone, fold=1).timestamp()
    if first == second:
        return [first]
    if _wall(first, cron.zone) == wall:  # passed twice: fold 0 is the first time
        return [first, second] if cron.by_clock else [first]
    # Skipped: fold 1 reads the wall time with the offset after the jump, fold 0 with the one
    # before, so the jump lies between the two.
    return [] if cron.by_clock else [_jump_between(cron.zone, second, first)]


def _jump_between(zone: ZoneInfo, low: float, high: float) -> float:
    """The instant the zone's offset changes, between `low` and `high`, to the second."""
    after = _offset(high, zone)
    lo, hi = math.floor(low), math.ceil(high)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(mid, zone) == after:
            hi = mid
        else:
            lo = mid
    return float(hi)
