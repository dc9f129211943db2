"""The sender: takes due outbox rows, paces them on the shared budget, sends, records outcomes."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from actions.db import SessionFactory, transaction
from actions.models import Delivery
from bot import claims
from bot.channels.base import Channel, Rendered
from bot.channels.budget import Budget, BudgetUnavailable
from bot.channels.errors import (
    Misconfigured,
    OutsideWindow,
    RecipientUnreachable,
    Rejected,
    SendError,
    Throttled,
)
from bot.i18n import RTL_LANGUAGES

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)  # longer than any send; a dead sender's rows come back after it
MAX_ATTEMPTS = 12  # with the backoff below: 20 to 40 minutes of provider outage
MAX_AGE = timedelta(hours=24)  # a reply a day late helps nobody
BACKOFF_BASE, BACKOFF_CAP = 2.0, 600.0


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential, capped, with jitter so retries spread."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt, to be written to its row."""

    status: str  # pending (again) | sent | failed | skipped
    error: str | None = None
    tried: bool = False  # the provider was called: counts as an attempt
    retry_in: float | None = None
    sent: tuple[str, int | None] | None = None  # provider id, segments
    unreachable: RecipientUnreachable | None = None


def utc_now() -> datetime:
    """The current time, aware."""
    return datetime.now(UTC)


@dataclass
class Sender:
    """Sends the outbox through the configured channels; run one per process or several."""

    sessions: SessionFactory
    channels: Mapping[str, Channel]
    budget: Budget
    clock: Callable[[], datetime] = utc_now
    batch: int = 16
    poll: float = 0.25
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _paused: dict[str, float] = field(default_factory=dict, init=False)

    def wake(self) -> None:
        """Look at the outbox now (a webhook just queued a reply)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim one batch and handle it; returns how many rows were claimed."""
        async with transaction(self.sessions) as session:
            claimed = await claims.claim_due(
                session,
                channels=list(self.channels),
                now=self.clock(),
                lease=LEASE,
                limit=self.batch,
            )
        # At most one row per chat is claimed at a time, so the batch can go out in parallel.
        await asyncio.gather(*(self._deliver(delivery) for delivery in claimed))
        return len(claimed)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; a broken database pauses the loop, never ends it."""
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except (SQLAlchemyError, OSError):
                log.exception("outbox: cannot reach the database; retrying in 5 s")
                handled = 0
                await asyncio.sleep(5)
            if handled == 0:
                self._wake.clear()
                waiters = [asyncio.ensure_future(e.wait()) for e in (self._wake, stop)]
                await asyncio.wait(waiters, timeout=self.poll, return_when="FIRST_COMPLETED")
                for waiter in waiters:
                    waiter.cancel()

    async def _deliver(self, delivery: Delivery) -> None:
        try:
            outcome = await self._attempt(delivery)
        except Exception as exc:  # a bug must not stop the other sends
            log.exception("outbox: delivery %s failed unexpectedly", delivery.id)
            outcome = Outcome("failed", f"internal error: {type(exc).__name__}")
        async with transaction(self.sessions) as session:
            await self._record(session, delivery, outcome)
        # Ids and the outcome only: the address, the text and the provider's words (which may
        # quote the number) stay in the database.
        waiting = outcome.status == "pending" and not outcome.tried
        log.log(
            logging.DEBUG if waiting else logging.INFO,
            "delivery %s",
            outcome.status,
            extra={
                "delivery_id": delivery.id,
                "resident_id": delivery.resident_id,
                "channel": delivery.channel,
                "kind": delivery.kind,
                "status": outcome.status,
                "attempt": delivery.attempts + outcome.tried,
                "unreachable": outcome.unreachable is not None,
            },
        )

    async def _attempt(self, delivery: Delivery) -> Outcome:
        channel = self.channels[delivery.channel]
        now = self.clock()
        async with self.sessions() as session:
            target = await claims.target_of(session, delivery)
        if target.unreachable:
            return Outcome("skipped", "recipient unreachable")
        # After STOP nothing goes to an SMS number (the carrier would refuse: 21610); on the
        # other channels a direct answer to what the resident just wrote still goes.
        if target.opted_out and (delivery.channel == "sms" or delivery.kind != "reply"):
            return Outcome("skipped", "recipient opted out")
        window = channel.free_form_window
        last = target.last_inbound_at
        in_window = window is None or (last is not None and now - last <= window)
        try:
            rendered = channel.render(
                delivery.payload, rtl=target.language in RTL_LANGUAGES, in_window=in_window
            )
        except OutsideWindow as exc:
            return Outcome("skipped", str(exc))
        paused = self._paused.get(delivery.channel, 0.0) - time.monotonic()
        if paused > 0:
            return Outcome("pending", "provider asked to slow down", retry_in=paused)
        try:
            wait = await self.budget.take(delivery.channel, delivery.address)
        except BudgetUnavailable:
            # Sending unpaced risks a flood ban; a few seconds' wait risks nothing.
            log.warning("outbox: the rate budget (Redis) is unreachable; waiting")
            return Outcome("pending", "rate budget unavailable", retry_in=5.0)
        if wait > 0:
            return Outcome("pending", None, retry_in=wait)
        return await self._send(channel, delivery, rendered)

    async def _send(self, channel: Channel, delivery: Delivery, rendered: Rendered) -> Outcome:
        try:
            sent = await channel.send(delivery.address, rendered)
        except Throttled as exc:
            self._paused[delivery.channel] = time.monotonic() + exc.retry_after
            return Outcome("pending", str(exc), tried=True, retry_in=exc.retry_after)
        except RecipientUnreachable as exc:
            return Outcome("failed", str(exc), tried=True, unreachable=exc)
        except Rejected as exc:
            return Outcome("failed", str(exc), tried=True)
        except SendError as exc:  # ConnectionFailed, Misconfigured: try again later
            if isinstance(exc, Misconfigured):
                log.error("outbox: %s is misconfigured: %s", delivery.channel, exc)
            if delivery.attempts + 1 >= MAX_ATTEMPTS:
                return Outcome("failed", f"gave up: {exc}", tried=True)
            return Outcome("pending", str(exc), tried=True, retry_in=backoff(delivery.attempts + 1))
        return Outcome("sent", tried=True, sent=(sent.provider_message_id, sent.segments))

    async def _record(self, session: AsyncSession, delivery: Delivery, outcome: Outcome) -> None:
        now = self.clock()
        values: dict[str, object] = {"status": outcome.status, "error": _short(outcome.error)}
        if outcome.tried:
            values["attempts"] = Delivery.attempts + 1
        if outcome.status == "pending":
            if now - delivery.created_at > MAX_AGE:
                values.update(status="failed", error=_short(f"expired: {outcome.error}"))
            values["next_attempt_at"] = now + timedelta(seconds=outcome.retry_in or 0)
        if outcome.sent is not None:
            values.update(
                provider_message_id=outcome.sent[0], segments=outcome.sent[1], sent_at=now
            )
        await session.execute(update(Delivery).where(Delivery.id == delivery.id).values(**values))
        if outcome.unreachable is not None:
            opted_out = outcome.unreachable.opted_out
            await claims.mark_address(
                session,
                channel=delivery.channel,
                address=delivery.address,
                unreachable=None if opted_out else True,
                opted_out=True if opted_out else None,
            )


def _short(error: str | None) -> str | None:
    return error[:200] if error else None
