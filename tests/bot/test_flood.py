"""The flood guard without its counters (Redis down) lets residents' messages through."""

from __future__ import annotations

from bot.runtime.flood import FloodGuard
from tests.support.processes import free_port


async def test_unreachable_counters_let_messages_through() -> None:
    guard = FloodGuard(1, f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    assert await guard.allow("sms", "+393330000001")
    assert await guard.allow("sms", "+393330000001")  # over the limit of 1, yet let through
    assert not await guard.warn_now("sms", "+393330000001")
