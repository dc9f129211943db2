"""The outbox: outbound messages written in the turn's transaction, sent later by a sender."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import ChannelAddress, Delivery

# In a payload: the message goes to someone just erased; once it is out (or given up), the
# sender blanks the row's address and text, so that nothing of them stays.
ERASE_ONCE_SENT = "erase_once_sent"


def enqueue(
    session: AsyncSession,
    *,
    address: ChannelAddress,
    payload: dict[str, object],
    kind: str,
    now: datetime,
    idempotency_key: str | None = None,
    broadcast_id: int | None = None,
) -> Delivery:
    """Queue one message to one address."""
    delivery = Delivery(
        idempotency_key=idempotency_key or uuid.uuid4().hex,
        resident_id=address.resident_id,
        channel=address.channel,
        address=address.address,
        kind=kind,
        payload=payload,
        broadcast_id=broadcast_id,
        status="pending",
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    return delivery


async def purge(session: AsyncSession, *, before: datetime) -> int:
    """Blank the address, text and provider's words of finished deliveries older than `before`
    (the retention period); the rows stay, so a broadcast's counts do. Returns how many."""
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.created_at < before,
            Delivery.status.not_in(("pending", "sending")),
            Delivery.address != "",
        )
        .values(address="", payload={}, error=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
