"""One clock for a process: wall time and a monotonic timer; tests use a manual one."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What every part that needs the time is given instead of reading it."""

    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a timer that never goes back, for pacing and timeouts."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait; a manual clock moves on instead."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """A clock that moves only when told to: tests set the day and the hour they need."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a manual clock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._timer = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._timer

    def advance(self, seconds: float) -> None:
        """Move the wall time and the timer on together."""
        self._now += timedelta(seconds=seconds)
        self._timer += seconds

    def set(self, moment: datetime) -> None:
        """Jump to a moment; the timer moves on by the same amount (never back)."""
        delta = (moment.astimezone(UTC) - self._now).total_seconds()
        self._now = moment.astimezone(UTC)
        self._timer += max(delta, 0.0)

    async def sleep(self, seconds: float) -> None:
        self.advance(max(seconds, 0.0))
        await asyncio.sleep(0)


SYSTEM_CLOCK = SystemClock()
