"""How the runtime's loops wait: a backoff between tries, a rest between polls."""

from __future__ import annotations

import asyncio
import random

BACKOFF_BASE, BACKOFF_CAP = 2.0, 600.0


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential, capped, with jitter so retries spread."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)


async def rest(wake: asyncio.Event, stop: asyncio.Event, seconds: float) -> None:
    """Idle until there is work (`wake`), the loop must end (`stop`), or `seconds` pass."""
    waiters = [asyncio.ensure_future(event.wait()) for event in (wake, stop)]
    await asyncio.wait(waiters, timeout=seconds, return_when="FIRST_COMPLETED")
    for waiter in waiters:
        waiter.cancel()
