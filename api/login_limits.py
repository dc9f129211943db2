"""Login limits: wrong passwords counted per account and per client address, in windows that
grow (a minute, a quarter of an hour, an hour, a day), so guessing slows down ever more."""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter

from bot.runtime.budget import rate_storage

log = logging.getLogger(__name__)
# A person who mistypes gets a few tries, then a minute's wait, then longer ones; a guesser
# gets 50 tries a day on one account. An office behind one address gets more room.
PER_ACCOUNT = parse_many("5/minute;10/15 minutes;20/hour;50/day")
PER_CLIENT = parse_many("20/minute;40/15 minutes;100/hour;300/day")


class LoginLimits:
    """The wrong-password counters (in Redis when configured, shared by every process)."""

    def __init__(self, redis_url: str | None = None) -> None:
        self.storage = rate_storage(redis_url, "portineria-login")
        self.limiter = MovingWindowRateLimiter(self.storage)

    def _counters(self, email: str, client: str) -> list[tuple[RateLimitItem, str, str]]:
        account = email.strip().lower()[:200]
        return [(item, "account", account) for item in PER_ACCOUNT] + [
            (item, "client", client) for item in PER_CLIENT
        ]

    async def wait(self, email: str, client: str) -> int:
        """Seconds before this account may be tried from this client again (0: now).

        Without the counters (Redis down) logins go on: locking every custodian out for
        the length of an outage would cost more; argon2 still makes each guess slow.
        """
        longest = 0.0
        try:
            for item, kind, key in self._counters(email, client):
                if not await self.limiter.test(item, kind, key):
                    stats = await self.limiter.get_window_stats(item, kind, key)
                    longest = max(longest, stats.reset_time - time.time())
        except self.storage.base_exceptions:
            log.warning("login limits: counters unreachable (Redis); not limiting")
            return 0
        return max(1, math.ceil(longest)) if longest > 0 else 0

    async def failed(self, email: str, client: str) -> None:
        """Count one wrong password."""
        try:
            for item, kind, key in self._counters(email, client):
                await self.limiter.hit(item, kind, key)
        except self.storage.base_exceptions:
            log.warning("login limits: counters unreachable (Redis); not counted")
