"""Per-resident flood control: someone sending a hundred messages a minute is slowed, alone."""

from __future__ import annotations

from limits import RateLimitItemPerMinute
from limits.aio.strategies import MovingWindowRateLimiter

from bot.channels.budget import rate_storage


class FloodGuard:
    """Counts each resident's messages in a moving one-minute window."""

    def __init__(self, per_minute: int, redis_url: str | None = None) -> None:
        self.item = RateLimitItemPerMinute(per_minute)
        self.notice = RateLimitItemPerMinute(1)
        self.limiter = MovingWindowRateLimiter(rate_storage(redis_url, "portineria-flood"))

    async def allow(self, channel: str, address: str) -> bool:
        """True while the resident is within the limit (the message is counted)."""
        return await self.limiter.hit(self.item, channel, address)

    async def warn_now(self, channel: str, address: str) -> bool:
        """True at most once a minute per resident: when to say "please slow down"."""
        return await self.limiter.hit(self.notice, channel, address, "notice")
