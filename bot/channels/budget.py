"""One sending budget per chat and per bot, shared by every outbound path (and process)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Rates:
    """A channel's limits: per chat (per group for Telegram groups) and per bot or sender."""

    per_chat: RateLimitItem
    per_bot: RateLimitItem
    per_group: RateLimitItem | None = None


# Field facts: Telegram about 1/s per chat, 20/min per group, 30/s per bot; a Twilio long
# code drains about 1 message/s (faster sends only queue at Twilio, and overflow fails);
# WhatsApp senders start at 80/s. Every path shares these budgets. The bot-wide ones sit a
# little under the limit: sends leave in parallel and reach the provider a few ms apart
# from when they were paced, which packs 32 into some second when pacing at exactly 30.
RATES: Mapping[str, Rates] = {
    "telegram": Rates(parse("1/second"), parse("25/second"), parse("20/minute")),
    "sms": Rates(parse("1/second"), parse("1/second")),
    "whatsapp": Rates(parse("1/second"), parse("70/second")),
}


def rate_storage(redis_url: str | None, prefix: str) -> Storage:
    """Counters in Redis when configured (shared by every process), else in this process."""
    if not redis_url:
        return MemoryStorage()
    uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
    return RedisStorage(uri, implementation="redispy", key_prefix=prefix)


class BudgetUnavailable(Exception):
    """The shared budget cannot be read (Redis down): do not send unpaced."""


class Budget:
    """Paces sends before they happen, not only after a 429 (the cause of long flood bans)."""

    def __init__(
        self,
        redis_url: str | None = None,
        *,
        rates: Mapping[str, Rates] = RATES,
        prefix: str = "portineria",
    ) -> None:
        self.storage = storage = rate_storage(redis_url, prefix)
        self.limiter = MovingWindowRateLimiter(storage)
        self.rates = rates

    async def take(self, channel: str, chat: str) -> float:
        """0 when a message to `chat` may go now (it is counted), else the seconds to wait."""
        try:
            return await self._take(channel, chat)
        except self.storage.base_exceptions as exc:
            raise BudgetUnavailable(str(exc)) from exc

    async def _take(self, channel: str, chat: str) -> float:
        rates = self.rates[channel]
        group = rates.per_group is not None and chat.startswith("-")
        per_chat = rates.per_group if group and rates.per_group else rates.per_chat
        chat_key = (channel, "chat", chat)
        # Test the chat first: a hit there would be wasted if the bot budget then says no.
        if not await self.limiter.test(per_chat, *chat_key):
            return await self._wait(per_chat, chat_key)
        if not await self.limiter.hit(rates.per_bot, channel, "bot"):
            return await self._wait(rates.per_bot, (channel, "bot"))
        if not await self.limiter.hit(per_chat, *chat_key):
            return await self._wait(per_chat, chat_key)
        return 0.0

    async def _wait(self, item: RateLimitItem, key: tuple[str, ...]) -> float:
        stats = await self.limiter.get_window_stats(item, *key)
        # A floor keeps a clock skew from turning into a busy loop.
        return max(stats.reset_time - time.time(), 0.05)
