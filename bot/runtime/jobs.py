"""Work done on a clock: scheduled broadcasts and the day-before booking reminders."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from actions import arrivals, broadcasts, outbox, residents
from actions.clock import SYSTEM_CLOCK, Clock
from actions.db import SessionFactory, transaction
from actions.errors import InvalidTransition
from bot.runtime.notices import send_reminders

log = logging.getLogger(__name__)
# The Hamlet step (bot/runtime/hamlet.py): sync the spaces that are due, post the needs.
HamletStep = Callable[[SessionFactory, datetime], Awaitable[None]]
INTERVAL_SECONDS = 30
# Reminders go out in daytime only: a message at 3 a.m. frightens an elderly resident.
REMINDER_HOURS = range(9, 20)


async def run_due_jobs(
    sessions: SessionFactory,
    *,
    now: datetime,
    zone: ZoneInfo,
    retention: timedelta,
    hamlet: HamletStep | None = None,
) -> None:
    """Fan out due broadcasts, send today's reminders, purge messages (in, out and queued)
    past retention, and (with Hamlet) sync the spaces that are due and post the consented
    needs."""
    async with transaction(sessions) as session:
        due = await broadcasts.due_broadcasts(session, now=now)
    for broadcast_id in due:
        try:
            async with transaction(sessions) as session:
                count = await broadcasts.fan_out(session, broadcast_id=broadcast_id, now=now)
            log.info("broadcast fanned out", extra={"broadcast": broadcast_id, "count": count})
        except InvalidTransition:
            pass  # another worker started it first
    if now.astimezone(zone).hour in REMINDER_HOURS:
        async with transaction(sessions) as session:
            await send_reminders(session, now=now, zone=zone)
    async with transaction(sessions) as session:
        await residents.purge_messages(session, before=now - retention)
        await arrivals.purge(session, before=now - retention)
        await outbox.purge(session, before=now - retention)
    if hamlet is not None:
        await hamlet(sessions, now)


async def run_jobs_forever(
    sessions: SessionFactory,
    zone: ZoneInfo,
    retention: timedelta,
    stop: asyncio.Event,
    clock: Clock = SYSTEM_CLOCK,
    hamlet: HamletStep | None = None,
) -> None:
    """Run the jobs every half minute until `stop` is set; a failing round is retried."""
    while not stop.is_set():
        try:
            await run_due_jobs(
                sessions, now=clock.now(), zone=zone, retention=retention, hamlet=hamlet
            )
        except (SQLAlchemyError, OSError):
            log.exception("scheduled jobs failed; retrying")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=INTERVAL_SECONDS)
