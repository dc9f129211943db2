"""Work done on a clock: scheduled broadcasts and the day-before booking reminders."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from actions import broadcasts
from actions.db import SessionFactory, transaction
from actions.errors import InvalidTransition
from bot.notices import send_reminders

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 30
# Reminders go out in daytime only: a message at 3 a.m. frightens an elderly resident.
REMINDER_HOURS = range(9, 20)


async def run_due_jobs(sessions: SessionFactory, *, now: datetime, zone: ZoneInfo) -> None:
    """Fan out the broadcasts whose time has come and send today's reminders."""
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


async def run_jobs_forever(sessions: SessionFactory, zone: ZoneInfo, stop: asyncio.Event) -> None:
    """Run the jobs every half minute until `stop` is set; a failing round is retried."""
    while not stop.is_set():
        try:
            await run_due_jobs(sessions, now=datetime.now(UTC), zone=zone)
        except (SQLAlchemyError, OSError):
            log.exception("scheduled jobs failed; retrying")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=INTERVAL_SECONDS)
