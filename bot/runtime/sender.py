"""The sender: takes due outbox rows, paces them on the shared budget, sends, records outcomes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from actions import outbox_claims
from actions.clock import SYSTEM_CLOCK, Clock
from actions.db import SessionFactory, transaction
from actions.models import Delivery
from actions.outbox import ERASE_ONCE_SENT
from bot.channels.base import Channel, Rendered
from bot.channels.errors import (
    Misconfigured,
    OutcomeUnknown,
    OutsideWindow,
    RecipientUnreachable,
    Rejected,
    SendError,
    Throttled,
)
from bot.i18n import RTL_LANGUAGES
from bot.runtime.budget import Budget, BudgetUnavailable, Grant
from bot.runtime.pauses import backoff, rest

log = logging.getLogger(__name__)
T = TypeVar("T")
# A dead sender's claimed rows come back after this. A live one holds its rows about a second
# (waiting for the budget); should its lease run out anyway, start_sending keeps it from
# sending a row another sender took since.
LEASE = timedelta(seconds=15)
MAX_PACE_WAIT = 2.0  # seconds a claimed row may wait for the bot-wide budget, else put back
MAX_ATTEMPTS = 12  # with the backoff below: 20 to 40 minutes of provider outage
MAX_AGE = timedelta(hours=24)  # a reply a day late helps nobody
# The rule of at most once: a send is retried only when the failure proves nothing arrived
# (no connection, a 429, a 5xx: bot/channels/errors.py); a timeout after the request was
# written fails the row with this reason, as does a sender that died while sending
# (outbox_claims.UNKNOWN_OUTCOME).
UNKNOWN_AFTER_TIMEOUT = "outcome unknown: no answer from the provider in time (not sent again)"


@dataclass(frozen=True)
class Attempt:
    """What became of one attempt, to be written to its row."""

    status: str  # pending (again) | sent | failed | skipped
    error: str | None = None
    tried: bool = False  # the provider was called: counts as an attempt
    retry_in: float | None = None
    sent: tuple[str, int | None] | None = None  # provider id, segments
    unreachable: RecipientUnreachable | None = None


@dataclass
class Sender:
    """Sends the outbox through the configured channels; run one per process or several."""

    sessions: SessionFactory
    channels: Mapping[str, Channel]
    budget: Budget
    clock: Clock = SYSTEM_CLOCK
    batch: int = 16
    poll: float = 0.25
    _wake: dict[str, asyncio.Event] = field(default_factory=dict, init=False)
    _paused: dict[str, float] = field(default_factory=dict, init=False)

    def wake(self) -> None:
        """Look at the outbox now (a webhook just queued a reply)."""
        for event in self._wake.values():
            event.set()

    async def run_once(self) -> int:
        """Claim one batch per channel and send it; returns how many rows were claimed."""
        return sum(await asyncio.gather(*(self._run_channel(name) for name in self.channels)))

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set, each channel on its own (a slow one holds no other up)."""
        await asyncio.gather(*(self._channel_forever(name, stop) for name in self.channels))

    async def _channel_forever(self, name: str, stop: asyncio.Event) -> None:
        """Claim the next batch while this one is paced, so the sends never stop for a claim;
        a broken database pauses the loop, never ends it."""
        wake = self._wake.setdefault(name, asyncio.Event())
        sending: set[asyncio.Task[None]] = set()
        upcoming: asyncio.Future[list[Delivery]] | None = None
        while not stop.is_set():
            claimed: list[Delivery] = []
            try:
                claimed = await (upcoming or self._claim(name))
                upcoming = None
                if claimed:
                    upcoming = asyncio.ensure_future(self._claim(name))
                    await self._pace_batch(self.channels[name], claimed, sending)
            except (SQLAlchemyError, OSError):
                log.exception("outbox: cannot reach the database; retrying in 5 s")
                upcoming = None
                await self.clock.sleep(5)
            if not claimed:
                wake.clear()
                idle = min(self.poll, max(self._pause_left(name), 0.01))
                await rest(wake, stop, idle)
        await asyncio.gather(*sending)
        if upcoming is not None:  # claimed for nothing: put back at once, not after the lease
            for delivery in await upcoming:
                await self._finish(delivery, Attempt("pending"))

    def _pause_left(self, name: str) -> float:
        """Seconds the provider asked this channel to wait (a 429), else the poll interval."""
        left = self._paused.get(name, 0.0) - self.clock.monotonic()
        return left if left > 0 else self.poll

    def _claim_size(self, name: str) -> int:
        """About half a second of the channel's budget: claimed rows wait for it in order, so
        the sends go out back to back, yet no row is held long from another sender."""
        return max(1, min(self.batch, int(self.budget.per_second(name) / 2)))

    async def _claim(self, name: str) -> list[Delivery]:
        if self._paused.get(name, 0.0) > self.clock.monotonic():
            return []  # claiming now would only put the rows back
        async with transaction(self.sessions) as session:
            return await outbox_claims.claim_due(
                session,
                channels=[name],
                now=self.clock.now(),
                lease=LEASE,
                limit=self._claim_size(name),
            )

    async def _run_channel(self, name: str) -> int:
        claimed = await self._claim(name)
        sending: set[asyncio.Task[None]] = set()
        await self._pace_batch(self.channels[name], claimed, sending)
        await asyncio.gather(*sending)
        return len(claimed)

    async def _pace_batch(
        self, channel: Channel, claimed: list[Delivery], sending: set[asyncio.Task[None]]
    ) -> None:
        """Prepare the batch at once, then let each row go the moment the budget has room;
        returns when the last one has gone (its send and record go on in `sending`).

        At most one row per chat is claimed at a time, so the sends may overlap; each is
        counted by the budget until a second after its answer, which keeps the provider's
        count within its limit however the sends interleave.
        """
        if not claimed:
            return
        async with self.sessions() as session:
            targets = await outbox_claims.targets_of(session, claimed)
        ready = [await self._safely(d, self._prepare(channel, d, targets[d.id])) for d in claimed]
        async with self.sessions() as marking:
            # Each mark is one statement committed by itself, on one connection for the batch:
            # no round trips but the UPDATE while the budget counts the message.
            await marking.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            for delivery, step in zip(claimed, ready, strict=True):
                if isinstance(step, Attempt):
                    task = asyncio.create_task(self._finish(delivery, step))
                else:
                    grant = await self._safely(delivery, self._pace(delivery))
                    if not isinstance(grant, Grant):
                        task = asyncio.create_task(self._finish(delivery, grant))
                    elif await outbox_claims.start_sending(marking, delivery, now=self.clock.now()):
                        task = asyncio.create_task(self._hand_over(channel, delivery, step, grant))
                    else:  # our lease ran out and another sender took the row: it sends it
                        await self.budget.answered(grant)
                        continue
                sending.add(task)
                task.add_done_callback(sending.discard)

    async def _safely(self, delivery: Delivery, step: Awaitable[T]) -> T | Attempt:
        """A bug in one delivery must not stop the others: it fails, and is logged."""
        try:
            return await step
        except Exception as exc:
            log.exception("outbox: delivery %s failed unexpectedly", delivery.id)
            return Attempt("failed", f"internal error: {type(exc).__name__}")

    async def _prepare(
        self, channel: Channel, delivery: Delivery, target: outbox_claims.Target
    ) -> Rendered | Attempt:
        """The message as the channel sends it, or why it is not sent."""
        now = self.clock.now()
        if target.unreachable:
            return Attempt("skipped", "recipient unreachable")
        # After STOP nothing goes to an SMS number (the carrier would refuse: 21610); on the
        # other channels a direct answer to what the resident just wrote still goes.
        if target.opted_out and (delivery.channel == "sms" or delivery.kind != "reply"):
            return Attempt("skipped", "recipient opted out")
        window = channel.free_form_window
        last = target.last_inbound_at
        in_window = window is None or (last is not None and now - last <= window)
        try:
            return channel.render(
                delivery.payload,
                rtl=target.language in RTL_LANGUAGES,
                in_window=in_window,
                language=target.language,
            )
        except OutsideWindow as exc:
            return Attempt("skipped", str(exc))

    async def _pace(self, delivery: Delivery) -> Grant | Attempt:
        """Wait for the bot-wide budget (briefly); a busy chat puts the row back instead."""
        while True:
            paused = self._paused.get(delivery.channel, 0.0) - self.clock.monotonic()
            if paused > 0:
                return Attempt("pending", "provider asked to slow down", retry_in=paused)
            try:
                grant = await self.budget.take(delivery.channel, delivery.address)
            except BudgetUnavailable:
                # Sending unpaced risks a flood ban; a few seconds' wait risks nothing.
                log.warning("outbox: the rate budget (Redis) is unreachable; waiting")
                return Attempt("pending", "rate budget unavailable", retry_in=5.0)
            if grant.go:
                return grant
            if not grant.whole_channel or grant.wait > MAX_PACE_WAIT:
                return Attempt("pending", None, retry_in=grant.wait)
            await self.clock.sleep(grant.wait)

    async def _hand_over(
        self, channel: Channel, delivery: Delivery, rendered: Rendered, grant: Grant
    ) -> None:
        """Send a row marked as handed over, record it; the budget hears when it was answered."""
        try:
            outcome = await self._safely(delivery, self._send(channel, delivery, rendered))
        finally:
            await self.budget.answered(grant)
        await self._finish(delivery, outcome)

    async def _finish(self, delivery: Delivery, outcome: Attempt) -> None:
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

    async def _send(self, channel: Channel, delivery: Delivery, rendered: Rendered) -> Attempt:
        try:
            sent = await channel.send(delivery.address, rendered)
        except Throttled as exc:
            self._paused[delivery.channel] = self.clock.monotonic() + exc.retry_after
            return Attempt("pending", str(exc), tried=True, retry_in=exc.retry_after)
        except RecipientUnreachable as exc:
            return Attempt("failed", str(exc), tried=True, unreachable=exc)
        except Rejected as exc:
            return Attempt("failed", str(exc), tried=True)
        except OutcomeUnknown as exc:
            # At most once: it may have arrived, so it is never sent blindly again.
            log.warning("outbox: delivery %s outcome unknown: %s", delivery.id, exc)
            return Attempt("failed", UNKNOWN_AFTER_TIMEOUT, tried=True)
        except SendError as exc:  # ConnectionFailed (nothing arrived), Misconfigured: retry later
            if isinstance(exc, Misconfigured):
                log.error("outbox: %s is misconfigured: %s", delivery.channel, exc)
            if delivery.attempts + 1 >= MAX_ATTEMPTS:
                return Attempt("failed", f"gave up: {exc}", tried=True)
            return Attempt("pending", str(exc), tried=True, retry_in=backoff(delivery.attempts + 1))
        return Attempt("sent", tried=True, sent=(sent.provider_message_id, sent.segments))

    async def _record(self, session: AsyncSession, delivery: Delivery, outcome: Attempt) -> None:
        now = self.clock.now()
        values: dict[str, object] = {
            "status": outcome.status,
            "error": _short(outcome.error),
            "sent_at": None,  # it was handed over (start_sending), but not sent
        }
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
        if values["status"] != "pending" and delivery.payload.get(ERASE_ONCE_SENT):
            values.update(address="", payload={}, error=None)  # a goodbye: keep nothing of them
        await session.execute(update(Delivery).where(Delivery.id == delivery.id).values(**values))
        if outcome.unreachable is not None:
            opted_out = outcome.unreachable.opted_out
            await outbox_claims.mark_address(
                session,
                channel=delivery.channel,
                address=delivery.address,
                unreachable=None if opted_out else True,
                opted_out=True if opted_out else None,
            )


def _short(error: str | None) -> str | None:
    return error[:200] if error else None
