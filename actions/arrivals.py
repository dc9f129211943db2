"""The inbox: messages written by the webhooks, taken in order per address by the intake."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, Row, delete, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from actions.models import Arrival

WAITING = "waiting"


@dataclass(frozen=True)
class Received:
    """A resident's message as a webhook got it, before the intake takes it."""

    channel: str
    address: str
    provider_message_id: str | None
    message: dict[str, Any]  # the Inbound, as JSON
    received_at: datetime
    request_id: str | None = None


async def accept(session: AsyncSession, received: Sequence[Received]) -> list[bool]:
    """Keep messages for the intake, in one statement; for each, False when the provider had
    sent it before (a retry, or the same message twice in the group)."""
    if not received:
        return []
    keep = _keep_statement(session.get_bind().dialect.name)
    return _fresh(received, await session.execute(keep, _rows(received)))


def _keep_statement(dialect_name: str) -> Insert:
    """One multi-row INSERT (SQLAlchemy's "insertmanyvalues") returning the new rows."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(Arrival.__table__)
        .on_conflict_do_nothing(index_elements=["channel", "provider_message_id"])
        .returning(Arrival.channel, Arrival.provider_message_id)
    )


def _rows(received: Sequence[Received]) -> list[dict[str, Any]]:
    return [
        {
            "channel": r.channel,
            "address": r.address,
            "provider_message_id": r.provider_message_id,
            "message": r.message,
            "status": WAITING,
            "attempts": 0,
            "due_at": r.received_at,
            "received_at": r.received_at,
            "request_id": r.request_id,
            "error": None,
        }
        for r in received
    ]


def _fresh(received: Sequence[Received], inserted: Iterable[Row[Any]]) -> list[bool]:
    new = {tuple(row) for row in inserted}
    fresh = []
    for r in received:
        key = (r.channel, r.provider_message_id)
        fresh.append(r.provider_message_id is None or key in new)
        new.discard(key)  # a second copy in the same group is a duplicate
    return fresh


async def claim(
    session: AsyncSession, *, now: datetime, lease: timedelta, limit: int
) -> list[Arrival]:
    """Take up to `limit` due rows, each the oldest waiting one of its address, for `lease`.

    SELECT ... FOR UPDATE SKIP LOCKED, then UPDATE ... RETURNING, as the outbox does:
    intakes in several processes skip each other's rows. A later message of an address waits
    while an earlier one is leased, so a resident's turns run in the order they wrote.
    """
    row, earlier = aliased(Arrival), aliased(Arrival)
    waiting = row.status == literal(WAITING, literal_execute=True)
    first_of_address = ~exists().where(
        earlier.channel == row.channel,
        earlier.address == row.address,
        earlier.status == WAITING,
        earlier.id < row.id,
    )
    due = (
        select(row.id)
        .where(waiting, row.due_at <= now, first_of_address)
        .order_by(row.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    chosen = list(await session.scalars(due))
    if not chosen:
        return []
    # As the outbox's claim: chosen by a read, taken by a write by key that checks again.
    taken = await session.scalars(
        update(Arrival)
        .where(Arrival.id.in_(chosen), Arrival.status == WAITING, Arrival.due_at <= now)
        .values(due_at=now + lease, attempts=Arrival.attempts + 1)
        .returning(Arrival),
        execution_options={"synchronize_session": False},
    )
    return sorted(taken.all(), key=lambda a: a.id)


async def answered(session: AsyncSession, *, arrival_id: int) -> None:
    """The turn ran: the message lives on in the message log, not here."""
    await session.execute(delete(Arrival).where(Arrival.id == arrival_id))


async def retry_later(
    session: AsyncSession, *, arrival_id: int, error: str, at: datetime, give_up: bool
) -> None:
    """The turn failed: try again at `at`, or keep the row as failed for a person to see."""
    values: dict[str, Any] = {"error": error[:200], "due_at": at}
    if give_up:
        values["status"] = "failed"
    await session.execute(update(Arrival).where(Arrival.id == arrival_id).values(**values))


async def waiting_count(session: AsyncSession) -> int:
    """Messages not answered yet (a gauge for /metrics)."""
    query = select(func.count()).select_from(Arrival).where(Arrival.status == WAITING)
    return int(await session.scalar(query) or 0)


async def purge(session: AsyncSession, *, before: datetime) -> int:
    """Forget messages kept longer than the retention period (in practice, failed ones: the
    intake answers the others within seconds); returns how many."""
    result = await session.execute(delete(Arrival).where(Arrival.received_at < before))
    return result.rowcount or 0
