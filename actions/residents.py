"""Residents, their channel addresses and their conversations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from actions.models import ChannelAddress, Conversation, MessageLog, Resident


async def find_or_create_address(
    session: AsyncSession, *, channel: str, address: str, language: str, now: datetime
) -> ChannelAddress:
    """The address with its resident, creating both for a first message."""
    found = await find_address(session, channel=channel, address=address)
    if found is not None:
        return found
    resident = Resident(language=language, created_at=now)
    entry = ChannelAddress(channel=channel, address=address, resident=resident)
    session.add_all([resident, entry])
    await session.flush()
    return entry


async def find_address(
    session: AsyncSession, *, channel: str, address: str
) -> ChannelAddress | None:
    """The address with its resident, if they wrote before."""
    return await session.scalar(
        select(ChannelAddress)
        .where(ChannelAddress.channel == channel, ChannelAddress.address == address)
        .options(selectinload(ChannelAddress.resident))
    )


async def conversation_of(
    session: AsyncSession, *, resident_id: int, now: datetime
) -> Conversation:
    """The resident's conversation, locked for this turn so two messages do not interleave."""
    found = await session.scalar(
        select(Conversation).where(Conversation.resident_id == resident_id).with_for_update()
    )
    if found is not None:
        return found
    conversation = Conversation(resident_id=resident_id, state={}, updated_at=now)
    session.add(conversation)
    await session.flush()
    return conversation


async def already_received(
    session: AsyncSession, *, channel: str, provider_message_id: str
) -> bool:
    """True when this provider message was logged before (a retried webhook)."""
    found = await session.scalar(
        select(MessageLog.id).where(
            MessageLog.channel == channel, MessageLog.provider_message_id == provider_message_id
        )
    )
    return found is not None


def log_message(
    session: AsyncSession,
    *,
    resident_id: int,
    channel: str,
    direction: str,
    text: str,
    now: datetime,
    media: list[dict[str, str | None]] | None = None,
    provider_message_id: str | None = None,
    intent: str | None = None,
    staff_id: int | None = None,
    options: list[str] | None = None,
) -> MessageLog:
    """Add one message to the log (flushed with the turn)."""
    entry = MessageLog(
        resident_id=resident_id,
        channel=channel,
        direction=direction,
        text=text,
        media=media or [],
        provider_message_id=provider_message_id,
        intent=intent,
        staff_id=staff_id,
        options=options or None,
        created_at=now,
    )
    session.add(entry)
    return entry


async def reachable_address(session: AsyncSession, resident_id: int) -> ChannelAddress | None:
    """The address the resident wrote from last, if they can still be reached there."""
    return await session.scalar(
        select(ChannelAddress)
        .where(
            ChannelAddress.resident_id == resident_id,
            ChannelAddress.opted_out.is_(False),
            ChannelAddress.unreachable.is_(False),
        )
        .order_by(ChannelAddress.last_inbound_at.desc().nulls_last(), ChannelAddress.id.desc())
    )


async def purge_messages(session: AsyncSession, *, before: datetime) -> int:
    """Delete the message log older than `before` (the retention period); returns how many."""
    result = await session.execute(delete(MessageLog).where(MessageLog.created_at < before))
    return result.rowcount or 0


async def recent_messages(
    session: AsyncSession, *, resident_id: int, limit: int
) -> list[MessageLog]:
    """The resident's last `limit` messages in and out, oldest first (a transcript)."""
    newest_first = await session.scalars(
        select(MessageLog)
        .where(MessageLog.resident_id == resident_id)
        .order_by(MessageLog.created_at.desc(), MessageLog.id.desc())
        .limit(limit)
    )
    return list(reversed(newest_first.all()))
