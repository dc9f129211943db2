"""The handoff desk: what staff may do with a handoff, from the API, the console or Telegram.

One place for the rules: who may act (the handoff must be visible to them: their Casa, or all
for admins), which state changes are allowed, the holder check (a conversation someone else
holds is answered only by them; closed, released or transferred only by them or an admin) and
the audit record of every action. The front ends only parse their input and word the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import audit, handoffs, notes, places, residents
from actions.errors import DomainError, HeldByAnother, InvalidTransition, NotFound
from actions.models import Delivery, Handoff, HandoffNote, StaffUser, possible_id
from actions.outbox import enqueue
from actions.staff import may_see_casa, may_see_handoff

Via = Literal["api", "console", "telegram"]
# Who picks up handoffs (DESIGN: custodians and community managers); admins run the system.
TAKERS = ("custodian", "community_manager")
MAX_OUTCOME = 200  # handoffs.outcome is VARCHAR(200)


class Announcer(Protocol):
    """Who tells a Casa's staff about a handoff that reached them (the Telegram staff room)."""

    async def announce(self, session: AsyncSession, handoff: Handoff, *, now: datetime) -> None:
        """Post the handoff's card where that Casa's staff read it."""


async def visible(session: AsyncSession, *, handoff_id: int, by: StaffUser) -> Handoff:
    """The handoff, or NotFound when it does not exist or is not the person's to see."""
    handoff = await handoffs.handoff_by_id(session, handoff_id=handoff_id)
    if not may_see_handoff(by, handoff):
        raise NotFound(f"no handoff {handoff_id}")  # not Forbidden: do not tell it exists
    return handoff


async def claim(
    session: AsyncSession, *, handoff_id: int, by: StaffUser, via: Via, now: datetime
) -> Handoff:
    """ "Prendo io": a waiting handoff becomes the person's; the bot goes quiet and relays."""
    handoff = await visible(session, handoff_id=handoff_id, by=by)
    _ensure_open(handoff)
    _ensure_holder(handoff, by, admin_may=False)  # taking it over is a transfer
    await _take(session, handoff, by)
    _record(session, by, "claim", handoff, via, now)
    return handoff


async def answer(
    session: AsyncSession,
    *,
    handoff_id: int,
    by: StaffUser,
    text: str,
    via: Via,
    now: datetime,
    idempotency_key: str | None = None,
) -> Delivery:
    """Answer the resident on the channel they last wrote from (a waiting handoff is taken).

    `idempotency_key` makes a retried call (Telegram sending an update twice) queue it once.
    """
    handoff = await visible(session, handoff_id=handoff_id, by=by)
    _ensure_open(handoff)
    _ensure_holder(handoff, by, admin_may=False)  # two people answering confuse the resident
    if not text.strip():
        raise DomainError("the answer is empty")
    address = await residents.reachable_address(session, handoff.resident_id)
    if address is None:
        raise DomainError("the resident cannot be reached on any channel")
    if handoff.status == "waiting":
        await _take(session, handoff, by)
    residents.log_message(
        session,
        resident_id=handoff.resident_id,
        channel=address.channel,
        direction="out",
        text=text,
        now=now,
        staff_id=by.id,
    )
    delivery = enqueue(
        session,
        address=address,
        payload={"text": text, "options": []},
        kind="relay",
        now=now,
        idempotency_key=idempotency_key,
    )
    _record(session, by, "reply", handoff, via, now)
    return delivery


async def release(
    session: AsyncSession, *, handoff_id: int, by: StaffUser, via: Via, now: datetime
) -> Handoff:
    """Hand the conversation back to the bot."""
    handoff = await visible(session, handoff_id=handoff_id, by=by)
    _ensure_open(handoff)
    _ensure_holder(handoff, by, admin_may=True)
    await handoffs.close(session, handoff_id=handoff.id, outcome="returned to the bot", now=now)
    _record(session, by, "release", handoff, via, now)
    return handoff


async def close(
    session: AsyncSession,
    *,
    handoff_id: int,
    by: StaffUser,
    outcome: str,
    via: Via,
    now: datetime,
) -> Handoff:
    """Close with an outcome; the bot answers the resident again."""
    handoff = await visible(session, handoff_id=handoff_id, by=by)
    _ensure_open(handoff)
    _ensure_holder(handoff, by, admin_may=True)
    outcome = outcome.strip()
    if not outcome:
        raise DomainError("say how it ended")
    if len(outcome) > MAX_OUTCOME:
        raise DomainError(f"an outcome is at most {MAX_OUTCOME} characters")
    await handoffs.close(session, handoff_id=handoff.id, outcome=outcome, now=now)
    _record(session, by, "close", handoff, via, now, outcome=outcome)
    return handoff


async def transfer(
    session: AsyncSession,
    *,
    handoff_id: int,
    by: StaffUser,
    casa_id: int | None,
    staff_id: int | None,
    via: Via,
    now: datetime,
    announcer: Announcer | None = None,
) -> Handoff:
    """Pass to another Casa (waiting there) or to a colleague (held by them, in their Casa)."""
    handoff = await visible(session, handoff_id=handoff_id, by=by)
    _ensure_open(handoff)
    _ensure_holder(handoff, by, admin_may=True)
    if casa_id is None and staff_id is None:
        raise DomainError("choose a Casa di Quartiere or a colleague")
    colleague = await _colleague(session, staff_id, by) if staff_id is not None else None
    to_casa = None if casa_id is None else (await places.casa_by_id(session, casa_id=casa_id)).id
    to_casa = _destination(handoff, colleague, to_casa)
    moved = to_casa is not None and to_casa != handoff.casa_id
    if to_casa is not None:
        handoff.casa_id = to_casa
    holder = colleague.id if colleague is not None else None
    handoff.status, handoff.claimed_by_staff_id = ("claimed" if holder else "waiting"), holder
    (await handoffs.conversation_of(session, handoff.resident_id)).held_by_staff_id = holder
    if moved and announcer is not None:  # the new Casa's staff see it in their group
        await announcer.announce(session, handoff, now=now)
    _record(session, by, "transfer", handoff, via, now, casa_id=to_casa, staff_id=holder)
    return handoff


async def add_note(
    session: AsyncSession, *, handoff_id: int, by: StaffUser, text: str, via: Via, now: datetime
) -> HandoffNote:
    """An internal note for colleagues, on an open or closed handoff (follow-ups come later)."""
    handoff = await visible(session, handoff_id=handoff_id, by=by)
    note = await notes.add_note(session, handoff_id=handoff.id, staff_id=by.id, text=text, now=now)
    _record(session, by, "note", handoff, via, now, note_id=note.id)
    return note


async def transfer_targets(session: AsyncSession, *, by: StaffUser) -> Sequence[StaffUser]:
    """The colleagues a handoff may be passed to: active custodians and managers but oneself."""
    query = (
        select(StaffUser)
        .where(StaffUser.active.is_(True), StaffUser.role.in_(TAKERS), StaffUser.id != by.id)
        .order_by(StaffUser.display_name, StaffUser.id)
    )
    return (await session.scalars(query)).all()


async def _colleague(session: AsyncSession, staff_id: int, by: StaffUser) -> StaffUser:
    """A transfer target, or NotFound (an unknown id is a reason, never a broken foreign key)."""
    colleague = await session.get(StaffUser, staff_id) if possible_id(staff_id) else None
    if colleague is None or colleague.id == by.id:
        raise NotFound(f"no colleague {staff_id} to pass it to")
    if not colleague.active or colleague.role not in TAKERS:
        raise NotFound(f"no colleague {staff_id} to pass it to")
    return colleague


def _destination(handoff: Handoff, colleague: StaffUser | None, casa_id: int | None) -> int | None:
    """The Casa the handoff moves to (None: it stays), where the colleague, if any, sees it."""
    if colleague is None:
        return casa_id
    if casa_id is None and colleague.casa_id not in (None, handoff.casa_id):
        casa_id = colleague.casa_id  # to a colleague of another Casa: it moves to theirs
    if not may_see_casa(colleague, casa_id or handoff.casa_id):
        raise DomainError(f"staff {colleague.id} does not see the handoffs of Casa {casa_id}")
    return casa_id


async def _take(session: AsyncSession, handoff: Handoff, by: StaffUser) -> None:
    if handoff.status != "waiting":
        raise InvalidTransition(f"handoff {handoff.id} is {handoff.status}, not waiting")
    handoff.status, handoff.claimed_by_staff_id = "claimed", by.id
    (await handoffs.conversation_of(session, handoff.resident_id)).held_by_staff_id = by.id


def _ensure_open(handoff: Handoff) -> None:
    if handoff.status not in handoffs.OPEN_STATES:
        raise InvalidTransition(f"handoff {handoff.id} is already {handoff.status}")


def _ensure_holder(handoff: Handoff, by: StaffUser, *, admin_may: bool) -> None:
    """Someone else's conversation is theirs to answer, and theirs (or an admin's) to end."""
    holder = handoff.claimed_by_staff_id
    if holder is None or holder == by.id or (admin_may and by.role == "admin"):
        return
    raise HeldByAnother(handoff.id, holder)


def _record(
    session: AsyncSession,
    by: StaffUser,
    action: str,
    handoff: Handoff,
    via: Via,
    now: datetime,
    **detail: object,
) -> None:
    """The one audit record of a desk action: who, what, where from."""
    audit.record(
        session,
        staff_id=by.id,
        action=f"handoff.{action}",
        target=f"handoff:{handoff.id}",
        now=now,
        detail={"via": via, **detail},
    )
