"""A resident's data as the law sees it: find them, hand over a copy, erase it all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from actions.errors import NotFound
from actions.models import (
    Arrival,
    AuditEntry,
    Booking,
    ChannelAddress,
    Conversation,
    Delivery,
    Handoff,
    HandoffNote,
    MessageLog,
    Need,
    Resident,
    SpidSlot,
    Subscription,
)


@dataclass(frozen=True)
class Erased:
    """How much was deleted with the resident."""

    messages: int
    needs: int
    bookings: int
    handoffs: int
    # Messages already handed to the resident's phone or to the custodians' Telegram group:
    # our rows are gone, but the copies there cannot be taken back from here.
    delivered: int = 0


# Audit details that name no one: the rest (a close's outcome, any free text) is dropped.
NAMELESS_DETAILS = ("via", "status", "casa_id", "staff_id", "note_id", "resident_told")


async def search_residents(
    session: AsyncSession, *, text: str, limit: int = 50
) -> Sequence[Resident]:
    """Residents by number, name, channel address (or part of it) or need reference."""
    wanted = text.strip()
    if not wanted:
        return ()
    pattern = f"%{_escape_like(wanted.casefold())}%"
    by_address = select(ChannelAddress.resident_id).where(
        func.lower(ChannelAddress.address).like(pattern, escape="\\")
    )
    by_need = select(Need.resident_id).where(Need.reference == wanted.upper())
    conditions = [
        func.lower(Resident.display_name).like(pattern, escape="\\"),
        Resident.id.in_(by_address),
        Resident.id.in_(by_need),
    ]
    if wanted.lstrip("#").isdigit():
        conditions.append(Resident.id == int(wanted.lstrip("#")))
    query: Select[tuple[Resident]] = (
        select(Resident)
        .options(selectinload(Resident.addresses))
        .where(or_(*conditions))
        .order_by(Resident.id.desc())
        .limit(limit)
    )
    return (await session.scalars(query)).all()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def resident_by_id(session: AsyncSession, *, resident_id: int) -> Resident:
    """One resident with their addresses, or NotFound."""
    resident = await session.scalar(
        select(Resident).options(selectinload(Resident.addresses)).where(Resident.id == resident_id)
    )
    if resident is None:
        raise NotFound(f"no resident {resident_id}")
    return resident


async def export_resident(session: AsyncSession, *, resident_id: int) -> dict[str, Any]:
    """Everything stored about one resident, as plain JSON-ready values."""
    resident = await resident_by_id(session, resident_id=resident_id)
    mine = resident_id

    async def rows(query: Select[Any]) -> list[Any]:
        return list((await session.scalars(query)).all())

    conversation = await session.scalar(
        select(Conversation).where(Conversation.resident_id == mine)
    )
    handoffs = await rows(select(Handoff).where(Handoff.resident_id == mine).order_by(Handoff.id))
    notes = await rows(
        select(HandoffNote)
        .where(HandoffNote.handoff_id.in_([h.id for h in handoffs]))
        .order_by(HandoffNote.id)
    )
    return {
        "resident": _plain(
            resident, "id language quartiere display_name consent_contact created_at"
        ),
        "addresses": [
            _plain(a, "channel address opted_out unreachable last_inbound_at")
            for a in resident.addresses
        ],
        "subscriptions": [
            _plain(s, "quartiere created_at")
            for s in await rows(select(Subscription).where(Subscription.resident_id == mine))
        ],
        "conversation": _plain(conversation, "state last_channel updated_at")
        if conversation
        else None,
        "messages": [
            _plain(m, "created_at channel direction text media")
            for m in await rows(
                select(MessageLog).where(MessageLog.resident_id == mine).order_by(MessageLog.id)
            )
        ],
        "bookings": [
            {
                **_plain(b, "code status created_at"),
                "starts_at": _value(b.slot.starts_at),
                "casa_id": b.slot.casa_id,
            }
            for b in await rows(
                select(Booking)
                .options(selectinload(Booking.slot))
                .where(Booking.resident_id == mine)
                .order_by(Booking.id)
            )
        ],
        "needs": [
            _plain(n, "reference category description location quartiere status created_at")
            for n in await rows(select(Need).where(Need.resident_id == mine).order_by(Need.id))
        ],
        "handoffs": [
            {
                **_plain(h, "id reason status outcome opened_at closed_at"),
                "notes": [_plain(n, "created_at text") for n in notes if n.handoff_id == h.id],
            }
            for h in handoffs
        ],
        "messages_sent": [
            {**_plain(d, "created_at channel kind status"), "text": d.payload.get("text")}
            for d in await rows(
                select(Delivery).where(Delivery.resident_id == mine).order_by(Delivery.id)
            )
        ],
    }


def _plain(row: object, names: str) -> dict[str, Any]:
    return {name: _value(getattr(row, name)) for name in names.split()}


def _value(value: object) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


async def erase_resident(session: AsyncSession, *, resident_id: int) -> Erased:
    """Delete the resident and every trace of them; their booked seats are freed first.

    Deliveries are found by resident and by address (a goodbye sent after an erasure, or any
    row written without the link), waiting-no-more inbox rows by address, and the audit
    entries about their requests keep only who did what, not what was written.
    """
    await resident_by_id(session, resident_id=resident_id)

    async def count(model: type[Any], *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model)
        return int(await session.scalar(query.where(*where)) or 0)

    addresses = (
        await session.execute(
            select(ChannelAddress.channel, ChannelAddress.address).where(
                ChannelAddress.resident_id == resident_id
            )
        )
    ).all()
    theirs = Delivery.resident_id == resident_id
    if addresses:
        theirs = or_(theirs, _at(Delivery, addresses))
    erased = Erased(
        messages=await count(MessageLog, MessageLog.resident_id == resident_id),
        needs=await count(Need, Need.resident_id == resident_id),
        bookings=await count(Booking, Booking.resident_id == resident_id),
        handoffs=await count(Handoff, Handoff.resident_id == resident_id),
        delivered=await count(Delivery, theirs, Delivery.status.in_(("sent", "delivered"))),
    )
    await _free_seats(session, resident_id)
    await _scrub_audit(session, resident_id)
    await session.execute(
        delete(Delivery).where(theirs).execution_options(synchronize_session=False)
    )
    if addresses:
        # A message still waiting is answered (as from someone new); a failed one is forgotten.
        await session.execute(
            delete(Arrival)
            .where(_at(Arrival, addresses), Arrival.status != "waiting")
            .execution_options(synchronize_session=False)
        )
    # The database cascades the delete to addresses, messages, bookings, needs, handoffs
    # (and their notes), subscriptions, the conversation and the deliveries linked to them.
    await session.execute(
        delete(Resident)
        .where(Resident.id == resident_id)
        .execution_options(synchronize_session=False)
    )
    # The rows are gone: forget their loaded objects too, so no later flush touches them.
    for loaded in list(session.identity_map.values()):
        mine = loaded.id if isinstance(loaded, Resident) else getattr(loaded, "resident_id", None)
        if mine == resident_id:
            session.expunge(loaded)
    return erased


def _at(model: type[Delivery] | type[Arrival], addresses: Sequence[Any]) -> ColumnElement[bool]:
    """Rows sent to or received from one of these (channel, address) pairs."""
    pairs = [and_(model.channel == c, model.address == a) for c, a in addresses]
    return or_(false(), *pairs)


async def _free_seats(session: AsyncSession, resident_id: int) -> None:
    held = select(Booking.slot_id).where(
        Booking.resident_id == resident_id, Booking.status == "confirmed"
    )
    for slot_id in (await session.scalars(held)).all():
        await session.execute(
            update(SpidSlot)
            .where(SpidSlot.id == slot_id, SpidSlot.seats_taken > 0)
            .values(seats_taken=SpidSlot.seats_taken - 1)
            .execution_options(synchronize_session=False)
        )


async def _scrub_audit(session: AsyncSession, resident_id: int) -> None:
    """Audit entries about the resident keep the action, the staff member and the time."""
    handoff_ids = await session.scalars(
        select(Handoff.id).where(Handoff.resident_id == resident_id)
    )
    need_ids = await session.scalars(select(Need.id).where(Need.resident_id == resident_id))
    targets = [f"resident:{resident_id}"]
    targets += [f"handoff:{number}" for number in handoff_ids.all()]
    targets += [f"need:{number}" for number in need_ids.all()]
    for entry in await session.scalars(select(AuditEntry).where(AuditEntry.target.in_(targets))):
        kept = {k: v for k, v in entry.detail.items() if k in NAMELESS_DETAILS and _nameless(v)}
        if kept != entry.detail:
            entry.detail = kept


def _nameless(value: object) -> bool:
    # Ids, flags and the short codes of the keys above ("console", "telegram", "done").
    return (
        value is None
        or isinstance(value, bool | int)
        or (
            isinstance(value, str)
            and value.replace("_", "").isalpha()
            and value.isascii()
            and len(value) <= 20
        )
    )
