"""Per-resident flood control: someone sending a hundred messages a minute is slowed, alone."""

from __future__ import annotations

import logging

from limits import RateLimitItemPerMinute
from limits.aio.strategies import MovingWindowRateLimiter

from bot.runtime.budget import rate_storage

log = logging.getLogger(__name__)


class FloodGuard:
    """Counts each resident's messages in a moving one-minute window."""

    def __init__(self, per_minute: int, redis_url: str | None = None) -> None:
        self.item = RateLimitItemPerMinute(per_minute)
        self.notice = RateLimitItemPerMinute(1)
        self.storage = rate_storage(redis_url, "portineria-flood")
        self.limiter = MovingWindowRateLimiter(self.storage)

    async def allow(self, channel: str, address: str) -> bool:
        """True while the resident is within the limit (the message is counted).

        Without its counters (Redis down) the guard lets messages through: refusing them
        would lose residents' messages (Twilio does not retry an SMS webhook), and a flood
        for the length of an outage costs little.
        """
        try:
            return await self.limiter.hit(self.item, channel, address)
        except self.storage.base_exceptions:
            log.warning("flood guard: counters unreachable (Redis); letting messages through")
            return True

    async def warn_now(self, channel: str, address: str) -> bool:
        """True at most once a minute per resident: when to say "please slow down"."""
        try:
            return await self.limiter.hit(self.notice, channel, address, "notice")
        except self.storage.base_exceptions:
            return False
