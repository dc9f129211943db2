"""One sending budget per chat and per bot, shared by every outbound path (and process)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from actions.clock import SYSTEM_CLOCK, Clock
from bot.runtime.windows import MemoryWindows, RedisWindows, Window, WindowStore


@dataclass(frozen=True)
class Rates:
    """A channel's limits: per chat (per group for Telegram groups) and per bot or sender."""

    per_chat: RateLimitItem
    per_bot: RateLimitItem
    per_group: RateLimitItem | None = None


# Field facts: Telegram about 1/s per chat, 20/min per group, 30/s per bot; a Twilio long
# code drains about 1 message/s (faster sends only queue at Twilio, and overflow fails);
# WhatsApp senders start at 80/s. Every path shares these budgets. They sit at the limits
# themselves: a message counts from before it leaves until a period after its answer
# (bot/channels/windows.py), so counted on arrival, as the providers count, none is exceeded.
RATES: Mapping[str, Rates] = {
    "telegram": Rates(parse("1/second"), parse("30/second"), parse("20/minute")),
    "sms": Rates(parse("1/second"), parse("1/second")),
    "whatsapp": Rates(parse("1/second"), parse("80/second")),
}


def rates_for(*, sms_per_second: int = 1) -> dict[str, Rates]:
    """The field rates with the SMS sender's own (a Messaging Service or short code: more)."""
    sms = Rates(parse("1/second"), parse(f"{sms_per_second}/second"))
    return {**RATES, "sms": sms}


def sending_rates(rates: Mapping[str, Rates] = RATES) -> dict[str, float]:
    """Messages a second each channel's sender may send, bot-wide."""
    return {name: r.per_bot.amount / r.per_bot.get_expiry() for name, r in rates.items()}


def rate_storage(redis_url: str | None, prefix: str) -> Storage:
    """Counters in Redis when configured (shared by every process), else in this process."""
    if not redis_url:
        return MemoryStorage()
    uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
    return RedisStorage(uri, implementation="redispy", key_prefix=prefix)


class BudgetUnavailable(Exception):
    """The shared budget cannot be read (Redis down): do not send unpaced."""


@dataclass(frozen=True)
class Grant:
    """The budget's answer: go now (hand the grant back to `answered`), or wait."""

    windows: tuple[Window, ...]
    token: str | None
    wait: float = 0.0
    whole_channel: bool = False  # the bot-wide budget is full, not just this chat's

    @property
    def go(self) -> bool:
        """The message may be sent now; it is counted."""
        return self.token is not None


class Budget:
    """Paces sends before they happen, not only after a 429 (the cause of long flood bans)."""

    def __init__(
        self,
        redis_url: str | None = None,
        *,
        rates: Mapping[str, Rates] = RATES,
        prefix: str = "portineria",
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        # Redis windows read Redis's own clock, so senders on several machines agree.
        self.store: WindowStore = (
            RedisWindows(redis_url, prefix) if redis_url else MemoryWindows(clock)
        )
        self.rates = rates

    def per_second(self, channel: str) -> float:
        """The channel's bot-wide rate, messages a second."""
        per_bot = self.rates[channel].per_bot
        return per_bot.amount / per_bot.get_expiry()

    async def take(self, channel: str, chat: str) -> Grant:
        """Count a message to `chat` if both its chat and the bot have room, else say how long
        to wait; after sending, call `answered` with the grant."""
        rates = self.rates[channel]
        group = rates.per_group is not None and chat.startswith("-")
        per_chat = rates.per_group if group and rates.per_group else rates.per_chat
        windows = (
            _window(per_chat, f"{channel}:chat:{chat}"),
            _window(rates.per_bot, f"{channel}:bot"),
        )
        try:
            admission = await self.store.admit(windows)
        except self.store.unavailable as exc:
            raise BudgetUnavailable(str(exc)) from exc
        return Grant(windows, admission.token, admission.wait, admission.full == 1)

    async def answered(self, grant: Grant) -> None:
        """The provider answered (or the send failed): the message counts one period more."""
        if grant.token is None:
            return
        # Unreachable, the message counts until IN_FLIGHT_MAX: slower, never faster.
        with contextlib.suppress(*self.store.unavailable):
            await self.store.answered(grant.windows, grant.token)


def _window(item: RateLimitItem, key: str) -> Window:
    return Window(key, item.amount, float(item.get_expiry()))
