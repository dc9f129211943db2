"""One inbound message, end to end: store it, run the turn, store the state and the replies."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from actions import handoffs, privacy, residents
from actions.db import SessionFactory, transaction
from actions.models import ChannelAddress
from actions.outbox import ERASE_ONCE_SENT, enqueue
from bot.context import TurnContext
from bot.engine import handle_turn
from bot.i18n import gettext_for
from bot.keywords import START, STOP, command_of
from bot.messages import Inbound, Media, Reply
from bot.runtime.flood import FloodGuard
from bot.runtime.metrics import MESSAGES_IN
from bot.runtime.parsing import ParsedAhead
from bot.runtime.speaking import SpokenReplies
from bot.runtime.staffroom import StaffRoom
from bot.state import ConversationState
from nlu.types import NLU

# Ids only: never the address (a phone number, a chat id) nor the text.
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What came of an inbound message."""

    replies: list[Reply]
    duplicate: bool = False
    language: str | None = None


@dataclass(frozen=True)
class Conversations:
    """Everything needed to answer residents: the store, the NLU, the zone, the defaults."""

    session_factory: SessionFactory
    nlu: NLU
    zone: ZoneInfo
    default_language: str = "it"
    flood: FloodGuard | None = None
    staff_room: StaffRoom | None = None  # the custodians' Telegram groups, when configured
    speaker: SpokenReplies | None = None  # voice notes for the residents who asked for them

    async def receive(self, inbound: Inbound, *, now: datetime, deliver: bool = True) -> Outcome:
        """Handle one message in one transaction; `deliver` queues the replies in the outbox.

        A first message creates its resident in the same transaction: two intakes creating
        the same resident at once (PostgreSQL) make the second fail, and the intake tries again.
        """
        inbound = inbound.cleaned()
        nlu = await ParsedAhead.of(self.nlu, inbound.text, now=now)
        async with transaction(self.session_factory) as session:
            if inbound.provider_message_id and await residents.already_received(
                session, channel=inbound.channel, provider_message_id=inbound.provider_message_id
            ):
                return Outcome([], duplicate=True)
            address = await residents.find_or_create_address(
                session,
                channel=inbound.channel,
                address=inbound.address,
                language=self.default_language,
                now=now,
            )
            MESSAGES_IN.labels(inbound.channel).inc()
            address.last_inbound_at = now
            # Whoever writes to us can be answered, even if a send to them once failed (the
            # ORM writes the column only when its value changes).
            address.unreachable = False
            self._honour_carrier_keywords(inbound, address)
            resident = address.resident
            if self.flood is not None and not await self.flood.allow(
                inbound.channel, inbound.address
            ):
                return await self._slow_down(session, inbound, address, deliver, now)
            conversation = await residents.conversation_of(
                session, resident_id=resident.id, now=now
            )
            # Only the custodians' groups need to know what the turn did to the handoff.
            before = None
            if self.staff_room is not None:
                before = await handoffs.open_handoff_of(session, resident_id=resident.id)
            # Read now: the turn may make the same handoff urgent (the row object changes).
            was_urgent = before is not None and before.urgent
            ctx = TurnContext(
                now=now,
                zone=self.zone,
                nlu=nlu,
                session=session,
                resident=resident,
                channel=inbound.channel,
                held=conversation.held_by_staff_id is not None,
            )
            result = await handle_turn(
                inbound, ConversationState.from_dict(conversation.state), ctx
            )
            if ctx.forget:
                return await self._forget(session, address, result.replies, deliver, now)
            # Spoken in the turn (a few tenths of a second a reply, for those who asked), so
            # a WhatsApp clip commits with the reply that links to it.
            notes: list[bytes | None] = []
            if deliver and self.speaker is not None and resident.voice_replies:
                notes = await self.speaker.notes(result.replies, resident.language, inbound.channel)
            conversation.state = result.state.to_dict()
            conversation.last_channel = inbound.channel
            conversation.updated_at = now
            self._record(
                session, inbound, address, result.replies, result.intent, deliver, now, notes
            )
            if self.staff_room is not None:
                await self.staff_room.after_turn(
                    session,
                    resident=resident,
                    before=before.id if before else None,
                    was_urgent=was_urgent,
                    inbound=inbound,
                    now=now,
                )
            log.info(
                "message answered",
                extra={
                    "channel": inbound.channel,
                    "resident_id": resident.id,
                    "conversation_id": conversation.id,
                    "intent": result.intent,
                    "replies": len(result.replies),
                },
            )
            return Outcome(result.replies, language=resident.language)

    def _record(
        self,
        session: AsyncSession,
        inbound: Inbound,
        address: ChannelAddress,
        replies: list[Reply],
        intent: str | None,
        deliver: bool,
        now: datetime,
        notes: list[bytes | None] | None = None,
    ) -> None:
        """Log the message and the replies; queue the replies (and their voice notes)."""
        residents.log_message(
            session,
            resident_id=address.resident_id,
            channel=inbound.channel,
            direction="in",
            text=inbound.text,
            now=now,
            provider_message_id=inbound.provider_message_id,
            # A voice note's transcript is the text; `heard` marks it as one, beside its audio.
            media=[_logged(m, inbound.heard) for m in inbound.media],
            intent=intent,
        )
        for n, reply in enumerate(replies):
            residents.log_message(
                session,
                resident_id=address.resident_id,
                channel=inbound.channel,
                direction="out",
                text=reply.text,
                now=now,
                options=list(reply.options),
            )
            if deliver:
                payload = reply.to_dict()
                note = notes[n] if notes and n < len(notes) else None
                if note is not None and self.speaker is not None:
                    self.speaker.attach(
                        session,
                        payload,
                        note,
                        channel=inbound.channel,
                        resident_id=address.resident_id,
                        now=now,
                    )
                enqueue(session, address=address, payload=payload, kind="reply", now=now)

    async def _slow_down(
        self,
        session: AsyncSession,
        inbound: Inbound,
        address: ChannelAddress,
        deliver: bool,
        now: datetime,
    ) -> Outcome:
        """Over the flood limit: keep the message for staff, answer at most once a minute."""
        assert self.flood is not None
        log.info(
            "message over the flood limit",
            extra={"channel": inbound.channel, "resident_id": address.resident_id},
        )
        replies = []
        if await self.flood.warn_now(inbound.channel, inbound.address):
            _ = gettext_for(address.resident.language)
            replies.append(
                Reply(
                    _(
                        "Sta scrivendo molto in fretta. Aspetti un minuto, poi "
                        "riprovi. I suoi messaggi non vanno persi."
                    )
                )
            )
        self._record(session, inbound, address, replies, None, deliver, now)
        return Outcome(replies, language=address.resident.language)

    @staticmethod
    async def _forget(
        session: AsyncSession,
        address: ChannelAddress,
        replies: list[Reply],
        deliver: bool,
        now: datetime,
    ) -> Outcome:
        """Erase the resident; the goodbye still goes out, tied to no one."""
        channel, to = address.channel, address.address
        await privacy.erase_resident(session, resident_id=address.resident_id)
        for reply in replies:
            if deliver:
                # A detached address: only its channel and number are read.
                enqueue(
                    session,
                    address=ChannelAddress(channel=channel, address=to),
                    payload={**reply.to_dict(), ERASE_ONCE_SENT: True},
                    kind="reply",
                    now=now,
                )
        return Outcome(replies)

    @staticmethod
    def _honour_carrier_keywords(inbound: Inbound, address: ChannelAddress) -> None:
        # Carriers stop SMS delivery on STOP and resume on START: mirror it so the outbox
        # never tries a number that would answer 21610.
        command = command_of(inbound.text)
        if command == STOP:
            address.opted_out = True
        elif command == START:
            address.opted_out = False


def _logged(media: Media, heard: str | None) -> dict[str, str | None]:
    """A media reference as the message log keeps it; a voice note says how it was heard."""
    logged = {"kind": media.kind, "url": media.url}
    if media.content_type:  # Twilio's media say their type; the console plays them with it
        logged["content_type"] = media.content_type
    if heard is not None and media.kind in ("voice", "audio"):
        logged["heard"] = heard
    return logged
