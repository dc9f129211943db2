"""A clock for tests that exchange real HTTP with the fakes: the demo's day, real seconds."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta


class RunningClock:
    """Starts at a chosen moment and then runs in real time.

    The dates are the test's (never "after 17:00 on a Wednesday" by chance), while pacing,
    leases and the fakes' timings see seconds that really pass.
    """

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._started = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._started)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
