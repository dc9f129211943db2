"""The intake: runs the turns of the messages the webhooks kept, in order per address.

Webhooks answer a provider as soon as the message is stored (one insert), so a burst never
makes Telegram or Twilio wait or retry; every process with an intake (serve, worker) then
takes waiting messages, oldest first, one address at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from actions import arrivals
from actions.clock import SYSTEM_CLOCK, Clock
from actions.db import SessionFactory, transaction
from actions.models import Arrival
from bot.messages import Inbound
from bot.runtime.logcontext import REQUEST_ID
from bot.runtime.pauses import backoff, rest
from bot.runtime.turns import Conversations

log = logging.getLogger(__name__)
# A turn takes well under a second; a dead intake's messages are taken again after this.
LEASE = timedelta(seconds=30)
MAX_ATTEMPTS = 6  # then the message stays "failed" in the inbox, for a person to look at


@dataclass
class Intake:
    """Answers waiting messages; `answered` wakes the sender once a batch's replies are
    queued."""

    sessions: SessionFactory
    conversations: Conversations
    answered: Callable[[], None]
    clock: Clock = SYSTEM_CLOCK
    batch: int = 16
    poll: float = 1.0
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    def wake(self) -> None:
        """A webhook stored a message: look now rather than at the next poll."""
        self._wake.set()

    async def run_once(self) -> int:
        """Answer one batch of due messages; how many were taken."""
        async with transaction(self.sessions) as session:
            taken = await arrivals.claim(
                session, now=self.clock.now(), lease=LEASE, limit=self.batch
            )
        # One message per address in a batch: the turns are independent and wait on the
        # database, so they run together (on SQLite, they queue for its one writer).
        await asyncio.gather(*(self._answer(arrival) for arrival in taken))
        if taken:
            # Once a batch: every wake costs the sender a claim per channel.
            self.answered()
        return len(taken)

    async def drain(self) -> None:
        """Answer until nothing is due (the scripted chat and the tests)."""
        while await self.run_once():
            pass

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Answer messages as they come until `stop` is set."""
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except (SQLAlchemyError, OSError) as exc:  # the database is away: wait for it
                log.warning("intake: cannot read the inbox: %s", type(exc).__name__)
                handled = 0
            if handled == 0:
                self._wake.clear()
                await rest(self._wake, stop, self.poll)

    async def _answer(self, arrival: Arrival) -> None:
        traced = REQUEST_ID.set(arrival.request_id)
        try:
            await self._run_turn(arrival)
        finally:
            REQUEST_ID.reset(traced)

    async def _run_turn(self, arrival: Arrival) -> None:
        try:
            inbound = Inbound.from_dict(arrival.message)
            try:
                await self.conversations.receive(inbound, now=self.clock.now())
            except IntegrityError:
                # A new resident's first messages taken by two intakes at once both create
                # them: the second try finds the resident.
                await self.conversations.receive(inbound, now=self.clock.now())
        except Exception as exc:  # one bad message must not stop the others
            log.exception("intake: arrival %s not answered", arrival.id)
            await self._retry_later(arrival, type(exc).__name__)
            return
        async with transaction(self.sessions) as session:
            await arrivals.answered(session, arrival_id=arrival.id)

    async def _retry_later(self, arrival: Arrival, error: str) -> None:
        give_up = arrival.attempts >= MAX_ATTEMPTS
        at = self.clock.now() + timedelta(seconds=backoff(arrival.attempts))
        try:
            async with transaction(self.sessions) as session:
                await arrivals.retry_later(
                    session, arrival_id=arrival.id, error=error, at=at, give_up=give_up
                )
        except SQLAlchemyError:
            pass  # the lease brings it back
