"""A channel event, once verified and parsed: keep a message for the intake, record a
delivery status or a resident's reachability, or let the custodians' room answer a staff action."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from actions import outbox_claims
from actions.arrivals import Received
from actions.clock import SYSTEM_CLOCK, Clock
from actions.db import SessionFactory, transaction
from bot.channels import Channels
from bot.channels.base import DeliveryStatus, Event, Ignored, Parsed, StaffMessage
from bot.messages import Inbound
from bot.runtime.inbox import InboxWriter
from bot.runtime.intake import Intake
from bot.runtime.logcontext import REQUEST_ID
from bot.runtime.sender import Sender
from bot.runtime.staffroom import StaffRoom

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelRuntime:
    """What the channel edges (webhooks, polling) use: the channels, the sender and the
    intake to wake, the store, the inbox, the custodians' groups and the clock."""

    channels: Channels
    sender: Sender
    sessions: SessionFactory
    public_url: str
    inbox: InboxWriter
    staff_room: StaffRoom | None
    intake: Intake | None  # None in a web-only process: a worker polls the inbox
    clock: Clock = SYSTEM_CLOCK


async def handle_event(runtime: ChannelRuntime, event: Event) -> str | None:
    """Store what a provider told us; for a staff action, the notice that answers them."""
    now = runtime.clock.now()
    if isinstance(event, StaffMessage):
        return await _staff_message(runtime, event, now)
    if isinstance(event, Inbound):
        # Stored, then answered: the turn runs in the intake, so a burst never keeps the
        # provider waiting. A retried call finds its message already kept.
        received = Received(
            channel=event.channel,
            address=event.address,
            provider_message_id=event.provider_message_id,
            message=event.cleaned().to_dict(),
            received_at=now,
            request_id=REQUEST_ID.get(),
        )
        if not await runtime.inbox.keep(received):
            log.info("webhook: a message kept before (the provider retried)")
        elif runtime.intake is not None:
            runtime.intake.wake()
        return None
    if isinstance(event, Ignored):
        log.info("webhook ignored: %s", event.reason)
        return None
    async with transaction(runtime.sessions) as session:
        if isinstance(event, DeliveryStatus):
            if await outbox_claims.apply_status(session, **asdict(event)) is None:
                log.info("webhook: the status of a message we did not send")
            return None
        await outbox_claims.mark_address(
            session, channel=event.channel, address=event.address, unreachable=not event.reachable
        )
        return None


async def _staff_message(runtime: ChannelRuntime, event: StaffMessage, now: datetime) -> str | None:
    room = runtime.staff_room
    if room is None:
        return None
    try:
        async with transaction(runtime.sessions) as session:
            answer = await room.handle(session, event, now)
    except IntegrityError:  # the same update twice: its answer is already queued
        return None
    runtime.sender.wake()
    return answer or None


def with_notice(parsed: Parsed, notice: str | None) -> dict[str, Any]:
    """A staff button's answer shows what came of it ("È sua", "La segue già Anna")."""
    answer = dict(parsed.answer or {})
    if notice:
        answer["text"] = notice[:200]  # Telegram's limit for a notice
    return answer
