"""The outbox: outbound messages written in the turn's transaction, sent later by a sender."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import ChannelAddress, Delivery


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
