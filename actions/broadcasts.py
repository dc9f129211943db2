"""Broadcasts: target residents who asked for news, fan out one delivery each, count results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, String, and_, case, cast, exists, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from actions import places
from actions.errors import DomainError, InvalidTransition, NotFound
from actions.models import Broadcast, ChannelAddress, Delivery, Resident, Subscription, UtcDateTime

LANGUAGES = ("it", "en", "ar", "ro", "sq", "uk", "zh")
BROADCAST_CHANNELS = ("telegram", "whatsapp", "sms")
WHATSAPP_WINDOW = timedelta(hours=24)
OPEN_DELIVERY = ("pending", "sending")


@dataclass(frozen=True)
class Audience:
    """How many addresses a broadcast reaches, per channel and language."""

    by_channel_language: dict[tuple[str, str], int]
    whatsapp_outside_window: int

    def total(self, channel: str | None = None) -> int:
        """Addresses in all, or on one channel."""
        return sum(n for (c, _l), n in self.by_channel_language.items() if channel in (None, c))


async def create_broadcast(
    session: AsyncSession,
    *,
    texts: dict[str, str],
    now: datetime,
    quartiere: str | None = None,
    language: str | None = None,
    channel: str | None = None,
    scheduled_at: datetime | None = None,
    whatsapp_content_sid: str | None = None,
    whatsapp_variables: dict[str, str] | None = None,
    staff_id: int | None = None,
) -> Broadcast:
    """A draft (or scheduled) broadcast; Italian text is required, it is the fallback."""
    if not texts.get("it", "").strip():
        raise DomainError("the Italian text is required (it is the fallback for every language)")
    unknown = set(texts) - set(LANGUAGES)
    if unknown or (language and language not in LANGUAGES):
        raise DomainError(f"languages must be among {', '.join(LANGUAGES)}")
    if channel and channel not in BROADCAST_CHANNELS:
        raise DomainError(f"channel must be one of {', '.join(BROADCAST_CHANNELS)}")
    if scheduled_at is not None and scheduled_at <= now:
        raise DomainError("the scheduled time is in the past")
    if quartiere is not None:
        quartiere = await known_quartiere(session, quartiere)
    broadcast = Broadcast(
        texts={k: v.strip() for k, v in texts.items() if v.strip()},
        quartiere=quartiere,
        language=language,
        channel=channel,
        created_by_staff_id=staff_id,
        state="scheduled" if scheduled_at else "draft",
        scheduled_at=scheduled_at,
        whatsapp_content_sid=whatsapp_content_sid,
        whatsapp_variables=whatsapp_variables or {},
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def known_quartiere(session: AsyncSession, quartiere: str) -> str:
    """The neighbourhood as the Case name it (any case); DomainError for an unknown one."""
    known = await places.quartieri(session)
    for name in known:
        if name.casefold() == quartiere.strip().casefold():
            return name
    raise DomainError(f"unknown quartiere: choose one of {', '.join(known)}")


async def broadcast_by_id(session: AsyncSession, *, broadcast_id: int) -> Broadcast:
    """One broadcast, or NotFound."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound(f"no broadcast {broadcast_id}")
    return broadcast


def _targets(broadcast: Broadcast) -> Select[Any]:
    """The addresses the broadcast reaches (opt-outs are skipped later, at send time)."""
    subscribed = select(Subscription.id).where(Subscription.resident_id == Resident.id)
    if broadcast.quartiere:
        subscribed = subscribed.where(Subscription.quartiere == broadcast.quartiere)
    query = (
        select(ChannelAddress.id, ChannelAddress.channel, Resident.language)
        .join(Resident, Resident.id == ChannelAddress.resident_id)
        .where(exists(subscribed), ChannelAddress.channel.in_(BROADCAST_CHANNELS))
    )
    if broadcast.language:
        query = query.where(Resident.language == broadcast.language)
    if broadcast.channel:
        query = query.where(ChannelAddress.channel == broadcast.channel)
    return query


async def audience(session: AsyncSession, *, broadcast: Broadcast, now: datetime) -> Audience:
    """Count the addresses reached, and the WhatsApp ones that need a template."""
    targets = _targets(broadcast).subquery()
    rows = await session.execute(
        select(targets.c.channel, targets.c.language, func.count()).group_by(
            targets.c.channel, targets.c.language
        )
    )
    outside = await session.scalar(
        select(func.count())
        .select_from(ChannelAddress)
        .where(
            ChannelAddress.id.in_(select(targets.c.id)),
            ChannelAddress.channel == "whatsapp",
            (ChannelAddress.last_inbound_at.is_(None))
            | (ChannelAddress.last_inbound_at < now - WHATSAPP_WINDOW),
        )
    )
    return Audience({(c, lang): n for c, lang, n in rows.all()}, outside or 0)


def payload_for(broadcast: Broadcast, language: str) -> dict[str, Any]:
    """The message in one language (Italian when there is no translation)."""
    payload: dict[str, Any] = {
        "text": broadcast.texts.get(language) or broadcast.texts["it"],
        "options": [],
    }
    if broadcast.whatsapp_content_sid:
        payload["template"] = {
            "content_sid": broadcast.whatsapp_content_sid,
            "variables": broadcast.whatsapp_variables,
        }
    return payload


async def fan_out(session: AsyncSession, *, broadcast_id: int, now: datetime) -> int:
    """Write one delivery per address in bulk (one INSERT ... SELECT); returns how many."""
    started = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.state.in_(("draft", "scheduled")))
        .values(state="sending", started_at=now)
    )
    broadcast = await broadcast_by_id(session, broadcast_id=broadcast_id)
    if started.rowcount != 1:
        raise InvalidTransition(f"broadcast {broadcast_id} is already {broadcast.state}")
    targets = _targets(broadcast).subquery()
    payload = case(
        *(
            (targets.c.language == lang, literal(payload_for(broadcast, lang), JSON))
            for lang in LANGUAGES
        ),
        else_=literal(payload_for(broadcast, "it"), JSON),
    )
    # The key makes a second fan-out of the same broadcast impossible, not just unlikely.
    key = literal(f"broadcast:{broadcast_id}:") + cast(targets.c.id, String)
    source = select(
        key,
        ChannelAddress.resident_id,
        ChannelAddress.channel,
        ChannelAddress.address,
        literal("broadcast"),
        payload,
        literal(broadcast_id),
        literal("pending"),
        literal(0),
        literal(now, UtcDateTime()),  # stored as UTC, like every time of the ORM
        literal(now, UtcDateTime()),
    ).join(targets, targets.c.id == ChannelAddress.id)
    columns = [
        "idempotency_key",
        "resident_id",
        "channel",
        "address",
        "kind",
        "payload",
        "broadcast_id",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
    ]
    result = await session.execute(insert(Delivery).from_select(columns, source))
    return result.rowcount or 0


async def cancel_broadcast(session: AsyncSession, *, broadcast_id: int) -> int:
    """Stop a broadcast: what is not yet sent is skipped; returns how many were stopped."""
    broadcast = await broadcast_by_id(session, broadcast_id=broadcast_id)
    if broadcast.state in ("cancelled", "done"):
        raise InvalidTransition(f"broadcast {broadcast_id} is already {broadcast.state}")
    broadcast.state = "cancelled"
    stopped = await session.execute(
        update(Delivery)
        .where(Delivery.broadcast_id == broadcast_id, Delivery.status == "pending")
        .values(status="skipped", error="broadcast cancelled")
    )
    return stopped.rowcount or 0


async def schedule_broadcast(
    session: AsyncSession, *, broadcast_id: int, at: datetime, now: datetime
) -> Broadcast:
    """Confirm a draft for later: the scheduled jobs fan it out when its time comes."""
    if at <= now:
        raise DomainError("the scheduled time is in the past")
    scheduled = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.state == "draft")
        .values(state="scheduled", scheduled_at=at)
    )
    broadcast = await broadcast_by_id(session, broadcast_id=broadcast_id)
    if scheduled.rowcount != 1:
        raise InvalidTransition(f"broadcast {broadcast_id} is already {broadcast.state}")
    return broadcast


async def statistics(session: AsyncSession, *, broadcast_id: int) -> dict[str, Any]:
    """{"id", "state", "total", "sent", "delivered", "failed", "skipped"} (+ "pending")."""
    broadcast = await broadcast_by_id(session, broadcast_id=broadcast_id)
    rows = await session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.broadcast_id == broadcast_id)
        .group_by(Delivery.status)
    )
    return _summary(broadcast, dict(rows.all()))


def _summary(broadcast: Broadcast, counts: dict[str, int]) -> dict[str, Any]:
    """The statistics from the deliveries counted per status; a finished send becomes done."""
    pending = sum(counts.get(s, 0) for s in OPEN_DELIVERY)
    state = broadcast.state
    if state == "sending" and pending == 0:
        state = broadcast.state = "done"
    return {
        "id": broadcast.id,
        "state": state,
        "total": sum(counts.values()),
        "sent": counts.get("sent", 0) + counts.get("delivered", 0),
        "delivered": counts.get("delivered", 0),
        "failed": counts.get("failed", 0),
        "skipped": counts.get("skipped", 0),
        "pending": pending,
    }


async def latest_with_statistics(
    session: AsyncSession, *, limit: int, quartiere: str | None = None
) -> list[tuple[Broadcast, dict[str, Any]]]:
    """The newest broadcasts (of one neighbourhood, if given), each with its statistics (two
    queries, whatever the number)."""
    query = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
    if quartiere is not None:
        query = query.where(Broadcast.quartiere == quartiere)
    found = list((await session.scalars(query)).all())
    rows = await session.execute(
        select(Delivery.broadcast_id, Delivery.status, func.count())
        .where(Delivery.broadcast_id.in_([b.id for b in found]))
        .group_by(Delivery.broadcast_id, Delivery.status)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for broadcast_id, status, count in rows.all():
        counts[broadcast_id][status] = count
    return [(b, _summary(b, counts[b.id])) for b in found]


@dataclass(frozen=True)
class DeliveryCount:
    """How many of a broadcast's deliveries on one channel ended one way, and why."""

    channel: str
    status: str
    reason: str | None  # the outbox's error, e.g. "recipient opted out"; None when sent
    count: int


async def delivery_breakdown(session: AsyncSession, *, broadcast_id: int) -> list[DeliveryCount]:
    """The deliveries counted per channel, status and reason."""
    rows = await session.execute(
        select(Delivery.channel, Delivery.status, Delivery.error, func.count())
        .where(Delivery.broadcast_id == broadcast_id)
        .group_by(Delivery.channel, Delivery.status, Delivery.error)
        .order_by(Delivery.channel, Delivery.status, Delivery.error)
    )
    return [DeliveryCount(*row) for row in rows.all()]


async def due_broadcasts(session: AsyncSession, *, now: datetime) -> list[int]:
    """Scheduled broadcasts whose time has come."""
    rows = await session.scalars(
        select(Broadcast.id).where(
            and_(Broadcast.state == "scheduled", Broadcast.scheduled_at <= now)
        )
    )
    return list(rows.all())
