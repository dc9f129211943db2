"""The outbox table as the sender sees it: claim due rows, record outcomes, apply statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from actions.models import ChannelAddress, Delivery, Resident
from bot.channels.base import DeliveryStatus

OPEN = ("pending", "sending")
UNKNOWN_OUTCOME = "outcome unknown: the sender stopped while sending (not sent again)"
# A status callback never moves a delivery backwards ("sent" may arrive after "delivered").
RANK = {"pending": 0, "sending": 0, "sent": 1, "delivered": 2, "failed": 2, "skipped": 2}


@dataclass(frozen=True)
class Target:
    """Who a delivery goes to, as far as sending is concerned."""

    unreachable: bool = False
    opted_out: bool = False
    last_inbound_at: datetime | None = None
    language: str = "it"


async def claim_due(
    session: AsyncSession,
    *,
    channels: Sequence[str],
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[Delivery]:
    """Take up to `limit` due rows, the oldest open one per chat, replies before broadcasts.

    One UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING: PostgreSQL
    workers skip each other's rows; SQLite runs it as one write, so claims cannot overlap.
    A claimed row is leased: if its sender dies, the row is due again when the lease ends,
    unless it was already handed to the provider (`start_sending`): whether that arrived
    cannot be known, and sending it again could send it twice, so it fails instead.
    """
    await session.execute(
        update(Delivery)
        .where(
            Delivery.status == "sending",
            Delivery.next_attempt_at <= now,
            Delivery.sent_at.is_not(None),
            Delivery.channel.in_(channels),
        )
        .values(status="failed", error=UNKNOWN_OUTCOME),
        execution_options={"synchronize_session": False},
    )
    row, earlier = aliased(Delivery), aliased(Delivery)
    blocked = exists().where(
        earlier.channel == row.channel,
        earlier.address == row.address,
        earlier.status.in_(OPEN),
        earlier.id < row.id,
    )
    due = (
        select(row.id)
        .where(row.status.in_(OPEN), row.next_attempt_at <= now, row.channel.in_(channels))
        .where(row.sent_at.is_(None))
        .where(~blocked)
        .order_by(case((row.kind == "broadcast", 1), else_=0), row.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=row)
    )
    claimed = await session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(due))
        .values(status="sending", next_attempt_at=now + lease)
        .returning(Delivery),
        execution_options={"synchronize_session": False},
    )
    return sorted(claimed.all(), key=lambda d: d.id)


async def start_sending(session: AsyncSession, delivery: Delivery, *, now: datetime) -> bool:
    """Mark a claimed row as handed to the provider; False if its lease ran out and another
    sender claimed it since (then that one sends it, this one must not)."""
    started = await session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery.id,
            Delivery.status == "sending",
            Delivery.next_attempt_at == delivery.next_attempt_at,
            Delivery.sent_at.is_(None),
        )
        .values(sent_at=now),
        execution_options={"synchronize_session": False},
    )
    return started.rowcount == 1


async def target_of(session: AsyncSession, delivery: Delivery) -> Target:
    """The address's state and the resident's language (a staff group has no address row)."""
    address = await session.scalar(
        select(ChannelAddress).where(
            ChannelAddress.channel == delivery.channel, ChannelAddress.address == delivery.address
        )
    )
    language = "it"
    if delivery.resident_id is not None:
        language = (
            await session.scalar(
                select(Resident.language).where(Resident.id == delivery.resident_id)
            )
            or language
        )
    if address is None:
        return Target(language=language)
    return Target(address.unreachable, address.opted_out, address.last_inbound_at, language)


async def mark_address(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    unreachable: bool | None = None,
    opted_out: bool | None = None,
) -> None:
    """Record that an address blocked us, opted out, or came back."""
    values: dict[str, bool] = {}
    if unreachable is not None:
        values["unreachable"] = unreachable
    if opted_out is not None:
        values["opted_out"] = opted_out
    if values:
        await session.execute(
            update(ChannelAddress)
            .where(ChannelAddress.channel == channel, ChannelAddress.address == address)
            .values(**values)
        )


async def apply_status(session: AsyncSession, status: DeliveryStatus) -> Delivery | None:
    """A provider's status callback on the delivery it names; None when we sent no such one."""
    delivery = await session.scalar(
        select(Delivery).where(Delivery.provider_message_id == status.provider_message_id)
    )
    if delivery is None:
        return None
    if RANK.get(status.status, 0) <= RANK.get(delivery.status, 0):
        return delivery
    delivery.status = status.status
    if status.status == "failed":
        delivery.error = f"provider error {status.error_code or 'unknown'}"
        if status.unreachable:
            await mark_address(
                session,
                channel=delivery.channel,
                address=delivery.address,
                unreachable=True if not status.opted_out else None,
                opted_out=True if status.opted_out else None,
            )
    return delivery
