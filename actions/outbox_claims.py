"""The outbox table as the sender sees it: claim due rows, record outcomes, apply statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from actions.models import ChannelAddress, Delivery, Resident

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

    SELECT ... FOR UPDATE SKIP LOCKED, then UPDATE ... RETURNING of those rows still open:
    PostgreSQL workers skip each other's rows; on SQLite a row two senders chose at once is
    taken by the first UPDATE only, so claims cannot overlap.
    A claimed row is leased: if its sender dies, the row is due again when the lease ends,
    unless it was already handed to the provider (`start_sending`): whether that arrived
    cannot be known, and sending it again could send it twice, so it fails instead.
    """
    chosen: list[int] = []
    for broadcasts in (False, True):  # replies, relays, reminders and notices first
        if len(chosen) < limit:
            chosen += await _choose_open(
                session, channels, broadcasts, now=now, limit=limit - len(chosen)
            )
    lost = (
        Delivery.status == "sending",
        Delivery.next_attempt_at <= now,
        Delivery.sent_at.is_not(None),
        Delivery.channel.in_(channels),
    )
    # Every read before the first write: on SQLite the one write lock is held from the first
    # write to the commit (and writing nothing would take it too).
    if await session.scalar(select(Delivery.id).where(*lost).limit(1)) is not None:
        await session.execute(
            update(Delivery).where(*lost).values(status="failed", error=UNKNOWN_OUTCOME),
            execution_options={"synchronize_session": False},
        )
    if not chosen:
        return []
    # Taken by key, checking again: a row another process's sender took since it was
    # chosen is left to it (on PostgreSQL the chosen rows are locked since the SELECT).
    claimed = await session.scalars(
        update(Delivery)
        .where(
            Delivery.id.in_(chosen),
            Delivery.status.in_(OPEN),
            Delivery.next_attempt_at <= now,
            Delivery.sent_at.is_(None),
        )
        .values(status="sending", next_attempt_at=now + lease)
        .returning(Delivery),
        execution_options={"synchronize_session": False},
    )
    return sorted(claimed.all(), key=lambda d: d.id)


async def _choose_open(
    session: AsyncSession,
    channels: Sequence[str],
    broadcasts: bool,
    *,
    now: datetime,
    limit: int,
) -> list[int]:
    """One kind of row, oldest first, walking the partial index of open rows (whose
    conditions are spelled as literals, so that PostgreSQL may use it in any plan)."""
    row, earlier = aliased(Delivery), aliased(Delivery)
    is_open = row.status.in_([literal(status, literal_execute=True) for status in OPEN])
    broadcast = literal("broadcast", literal_execute=True)
    blocked = exists().where(
        earlier.channel == row.channel,
        earlier.address == row.address,
        earlier.status.in_(OPEN),
        earlier.id < row.id,
    )
    due = (
        select(row.id)
        .where(is_open, row.kind == broadcast if broadcasts else row.kind != broadcast)
        .where(row.channel.in_(channels), row.next_attempt_at <= now, row.sent_at.is_(None))
        .where(~blocked)
        .order_by(row.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=row)
    )
    return list(await session.scalars(due))


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


async def targets_of(session: AsyncSession, deliveries: Sequence[Delivery]) -> dict[int, Target]:
    """Each delivery's address state and resident's language, in one query (a staff group
    has no address row, nor resident)."""
    found = await session.execute(
        select(
            Delivery.id,
            ChannelAddress.unreachable,
            ChannelAddress.opted_out,
            ChannelAddress.last_inbound_at,
            Resident.language,
        )
        .outerjoin(
            ChannelAddress,
            (ChannelAddress.channel == Delivery.channel)
            & (ChannelAddress.address == Delivery.address),
        )
        # A staff group's post is tied to the resident it is about, not in their language.
        .outerjoin(Resident, (Resident.id == Delivery.resident_id) & (Delivery.kind != "staff"))
        .where(Delivery.id.in_([d.id for d in deliveries]))
    )
    return {
        row_id: Target(bool(unreachable), bool(opted_out), last_inbound_at, language or "it")
        for row_id, unreachable, opted_out, last_inbound_at, language in found.all()
    }


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


async def apply_status(
    session: AsyncSession,
    *,
    provider_message_id: str,
    status: str,
    error_code: str | None = None,
    unreachable: bool = False,
    opted_out: bool = False,
) -> Delivery | None:
    """A provider's status callback on the delivery it names; None when we sent no such one."""
    delivery = await session.scalar(
        select(Delivery).where(Delivery.provider_message_id == provider_message_id)
    )
    if delivery is None:
        return None
    if RANK.get(status, 0) <= RANK.get(delivery.status, 0):
        return delivery
    delivery.status = status
    if status == "failed":
        delivery.error = f"provider error {error_code or 'unknown'}"
        if unreachable:
            await mark_address(
                session,
                channel=delivery.channel,
                address=delivery.address,
                unreachable=True if not opted_out else None,
                opted_out=True if opted_out else None,
            )
    return delivery
