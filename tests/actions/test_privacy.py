"""A resident's data: search, export, erase (nothing of them left, seats freed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from actions import bookings, handoffs, needs, notes, privacy, residents, schedule, staff
from actions.db import SessionFactory, transaction
from actions.models import Casa, Conversation, Delivery, HandoffNote, Resident, SpidSlot
from actions.outbox import enqueue
from tests.conftest import NOW

# On PostgreSQL too: the search's LIKE with escapes, and erasure across every table.
pytestmark = pytest.mark.both_databases


async def test_export_then_erase(demo_sessions: SessionFactory) -> None:
    async with transaction(demo_sessions) as session:
        casa = await session.scalar(select(Casa.id).where(Casa.name == "Ospizio"))
        assert casa is not None
        address = await residents.find_or_create_address(
            session, channel="whatsapp", address="+39333_1%", language="ro", now=NOW
        )
        keep = await residents.find_or_create_address(
            session, channel="sms", address="+39444", language="it", now=NOW
        )
        me = address.resident_id
        session.add(Conversation(resident_id=me, state={}, updated_at=NOW))
        residents.log_message(session, resident_id=me, channel="whatsapp", direction="in",
                              text="Buna ziua", now=NOW)
        need = await needs.file_need(session, resident_id=me, category="company",
                                     description="Sola", location="", quartiere="Ospizio",
                                     consent_contact=True, now=NOW)
        slot = await schedule.create_slot(session, casa_id=casa, starts_at=NOW + timedelta(days=1),
                                          seats=1, now=NOW)
        await bookings.book_seat(session, resident_id=me, slot_id=slot.id, now=NOW)
        handoff = await handoffs.open_handoff(session, resident_id=me, quartiere="Ospizio",
                                              reason="asked", now=NOW)
        custodian = await staff.create_staff(session, email="c@x.it", role="custodian",
                                             password="pw", casa_id=casa, now=NOW)
        await notes.add_note(session, handoff_id=handoff.id, staff_id=custodian.id,
                             text="Parla rumeno", now=NOW)
        enqueue(session, address=address, payload={"text": "x"}, kind="reply", now=NOW)
    async with transaction(demo_sessions) as session:
        assert [r.id for r in await privacy.search_residents(session, text="333_1%")] == [me]
        assert not await privacy.search_residents(session, text="3_4")  # "_" is no wildcard
        assert [r.id for r in await privacy.search_residents(session, text=need.reference)] == [me]
        data = await privacy.export_resident(session, resident_id=me)
        assert data["resident"]["language"] == "ro"
        assert data["handoffs"][0]["notes"][0]["text"] == "Parla rumeno"
        assert data["messages"][0]["text"] == "Buna ziua"
        erased = await privacy.erase_resident(session, resident_id=me)
        assert (erased.messages, erased.needs, erased.bookings, erased.handoffs) == (1, 1, 1, 1)
    async with demo_sessions() as session:
        assert await session.get(Resident, me) is None
        assert await session.get(Resident, keep.resident_id) is not None
        for model in (HandoffNote, Delivery, Conversation):
            assert await session.scalar(select(func.count()).select_from(model)) == 0
        freed = await session.get(SpidSlot, slot.id)
        assert freed is not None and freed.seats_taken == 0
