"""Sliding windows that count a message from before it leaves until a period after its answer.

A provider counts messages when they arrive; a sender only knows when it let one go and when
the answer came back, and the arrival lies somewhere between. Counting each message from
the moment it is let go (held while in flight) until one period after its answer means no
window of arrivals at the provider can ever hold more than the limit, however late a message
lands: a slow network or a busy machine only slows sending. Rate-limit libraries (`limits`)
count the moment of the hit only, so this small part is written here: one sorted set per
window in Redis (score = when the entry stops counting), changed by one Lua script, or the
same in process memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio
from redis.exceptions import RedisError

from actions.clock import SYSTEM_CLOCK, Clock

# A message whose sender never reports the answer (it died) stops counting after this: longer
# than any send may take (the clients give up well before).
IN_FLIGHT_MAX = 30.0


@dataclass(frozen=True)
class Window:
    """At most `limit` messages counted in `key` over any `period` seconds."""

    key: str
    limit: int
    period: float


@dataclass(frozen=True)
class Admission:
    """Either a token (the message may go) or the wait and the index of the full window."""

    token: str | None
    wait: float = 0.0
    full: int | None = None


class WindowStore(Protocol):
    """Where the windows live: one process, or Redis for every process."""

    unavailable: tuple[type[Exception], ...]

    async def admit(self, windows: Sequence[Window]) -> Admission:
        """Count one message in every window at once, or none if any is full."""

    async def answered(self, windows: Sequence[Window], token: str) -> None:
        """The provider answered: the message counts for one more period from now."""


def wait_for(first_expiry: float, now: float, window: Window) -> float:
    """How long until `window` may have room, given its earliest expiry.

    An entry still in flight expires far off (now + IN_FLIGHT_MAX) but is likely answered in
    milliseconds, after which it frees a period later: look again after one message's share.
    """
    left = first_expiry - now
    if left > window.period:
        return window.period / window.limit
    return max(left, 0.001)


class MemoryWindows:
    """The windows in this process (one sender, or tests)."""

    unavailable: tuple[type[Exception], ...] = ()

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        self._entries: dict[str, dict[str, float]] = {}
        self._clock = clock

    async def admit(self, windows: Sequence[Window]) -> Admission:
        now = self._clock.monotonic()
        longest = Admission(None, 0.0)
        for index, window in enumerate(windows):
            entries = self._entries.setdefault(window.key, {})
            for token in [t for t, until in entries.items() if until <= now]:
                del entries[token]
            if len(entries) >= window.limit:
                wait = wait_for(min(entries.values()), now, window)
                if wait > longest.wait:
                    longest = Admission(None, wait, index)
        if longest.full is not None:
            return longest
        token = uuid.uuid4().hex
        for window in windows:
            self._entries[window.key][token] = now + window.period + IN_FLIGHT_MAX
        return Admission(token)

    async def answered(self, windows: Sequence[Window], token: str) -> None:
        now = self._clock.monotonic()
        for window in windows:
            entries = self._entries.get(window.key, {})
            if token in entries:
                entries[token] = now + window.period


# KEYS: the windows; ARGV: token, in-flight hold, then limit and period of each window.
# Redis's own clock, so senders on several machines agree on "now".
ADMIT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local hold = tonumber(ARGV[2])
local longest, full = 0, 0
for i, key in ipairs(KEYS) do
  local limit, period = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= limit then
    local first = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    local wait = first - now
    if wait > period then wait = period / limit end
    if wait > longest or full == 0 then longest, full = wait, i end
  end
end
if full > 0 then return {tostring(longest), full} end
for i, key in ipairs(KEYS) do
  local period = tonumber(ARGV[2 + 2 * i])
  redis.call('ZADD', key, now + period + hold, ARGV[1])
  redis.call('PEXPIRE', key, math.ceil((period + hold) * 1000))
end
return {'0', 0}
"""
# KEYS: the windows; ARGV: token, then the period of each window.
ANSWERED = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + tonumber(ARGV[1 + i]), ARGV[1])
end
return 0
"""


class RedisWindows:
    """The windows in Redis, shared by every process that sends for the same bot."""

    unavailable: tuple[type[Exception], ...] = (RedisError, OSError)

    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.asyncio.Redis.from_url(url, socket_connect_timeout=2)
        self.prefix = prefix
        self._admit = self.client.register_script(ADMIT)
        self._answered = self.client.register_script(ANSWERED)

    def _keys(self, windows: Sequence[Window]) -> list[str]:
        return [f"{self.prefix}:window:{w.key}" for w in windows]

    async def admit(self, windows: Sequence[Window]) -> Admission:
        token = uuid.uuid4().hex
        limits = [str(value) for w in windows for value in (w.limit, w.period)]
        wait, full = await self._admit(self._keys(windows), [token, IN_FLIGHT_MAX, *limits])
        if int(full) == 0:
            return Admission(token)
        return Admission(None, max(float(wait), 0.001), int(full) - 1)

    async def answered(self, windows: Sequence[Window], token: str) -> None:
        await self._answered(self._keys(windows), [token, *(w.period for w in windows)])
