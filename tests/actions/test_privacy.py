"""A resident's data: search, export, erase (nothing of them left, seats freed)."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import (
    audit,
    bookings,
    handoff_desk,
    handoffs,
    needs,
    notes,
    privacy,
    residents,
    schedule,
    staff,
)
from actions.db import SessionFactory, transaction
from actions.models import (
    Arrival,
    AuditEntry,
    Casa,
    ChannelAddress,
    Conversation,
    Delivery,
    HandoffNote,
    Resident,
    SpidSlot,
    StaffUser,
)
from actions.outbox import ERASE_ONCE_SENT, enqueue
from bot.messages import Inbound
from bot.runtime.jobs import run_due_jobs
from bot.runtime.staffroom import StaffRoom
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.support.traces import traces

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
        residents.log_message(
            session, resident_id=me, channel="whatsapp", direction="in", text="Buna ziua", now=NOW
        )
        need = await needs.file_need(
            session,
            resident_id=me,
            category="company",
            description="Sola",
            location="",
            quartiere="Ospizio",
            consent_contact=True,
            now=NOW,
        )
        slot = await schedule.create_slot(
            session, casa_id=casa, starts_at=NOW + timedelta(days=1), seats=1, now=NOW
        )
        await bookings.book_seat(session, resident_id=me, slot_id=slot.id, now=NOW)
        handoff = await handoffs.open_handoff(
            session, resident_id=me, quartiere="Ospizio", reason="asked", now=NOW
        )
        custodian = await staff.create_staff(
            session, email="c@x.it", role="custodian", password="pw", casa_id=casa, now=NOW
        )
        await notes.add_note(
            session, handoff_id=handoff.id, staff_id=custodian.id, text="Parla rumeno", now=NOW
        )
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


async def _someone(session: AsyncSession, address: str = "+393330000001") -> int:
    found = await residents.find_or_create_address(
        session, channel="whatsapp", address=address, language="it", now=NOW
    )
    await residents.conversation_of(session, resident_id=found.resident_id, now=NOW)
    return found.resident_id


async def test_erasure_removes_unlinked_deliveries_to_their_address(
    sessions: SessionFactory,
) -> None:
    """deliveries: a row written with no resident link (an older goodbye) still names them."""
    async with transaction(sessions) as session:
        me = await _someone(session)
        stray = ChannelAddress(channel="whatsapp", address="+393330000001")
        enqueue(session, address=stray, payload={"text": "Arrivederci"}, kind="reply", now=NOW)
    async with transaction(sessions) as session:
        await privacy.erase_resident(session, resident_id=me)
    assert await traces(sessions, "3330000001", "Arrivederci") == []


async def test_erasure_drops_free_text_from_the_audit_log(sessions: SessionFactory) -> None:
    """audit_log: a close's outcome ("parlato con la figlia ...") named the resident's family."""
    async with transaction(sessions) as session:
        me = await _someone(session)
        handoff = await handoffs.open_handoff(
            session, resident_id=me, quartiere=None, reason="asked", now=NOW
        )
        await handoffs.close(session, handoff_id=handoff.id, outcome="figlia Anna Bianchi", now=NOW)
        detail = {"via": "console", "outcome": "figlia Anna Bianchi", "note_id": 3}
        audit.record(
            session,
            staff_id=None,
            action="handoff.close",
            target=f"handoff:{handoff.id}",
            now=NOW,
            detail=detail,
        )
        audit.record(
            session,
            staff_id=None,
            action="handoff.close",
            target="handoff:999999",
            now=NOW,
            detail={"outcome": "someone else's"},
        )
    async with transaction(sessions) as session:
        await privacy.erase_resident(session, resident_id=me)
    assert await traces(sessions, "Bianchi") == []
    async with sessions() as session:
        details = [e.detail for e in await session.scalars(select(AuditEntry).order_by("id"))]
    assert details == [{"via": "console", "note_id": 3}, {"outcome": "someone else's"}]


async def test_erasure_removes_their_failed_inbox_rows(sessions: SessionFactory) -> None:
    """arrivals: a message the intake gave up on keeps the resident's words and number."""
    async with transaction(sessions) as session:
        me = await _someone(session)
        for status, text in (("failed", "mi chiamo Zelinda"), ("waiting", "ancora io")):
            session.add(
                Arrival(
                    channel="whatsapp",
                    address="+393330000001",
                    status=status,
                    message={"text": text},
                    due_at=NOW,
                    received_at=NOW,
                )
            )
    async with transaction(sessions) as session:
        await privacy.erase_resident(session, resident_id=me)
    assert await traces(sessions, "Zelinda") == []
    # A message still waiting is answered as from someone new: it is not lost.
    assert [t for t, _c, _v in await traces(sessions, "ancora io")] == ["arrivals"]


async def test_retention_blanks_old_deliveries(sessions: SessionFactory) -> None:
    """deliveries past PORTINERIA_MESSAGE_RETENTION_DAYS: texts and numbers blanked."""
    async with transaction(sessions) as session:
        me = await _someone(session)
        address = await session.scalar(
            select(ChannelAddress).where(ChannelAddress.resident_id == me)
        )
        assert address is not None
        old = enqueue(
            session,
            address=address,
            payload={"text": "vecchio"},
            kind="reply",
            now=NOW - timedelta(days=400),
        )
        old.status = "delivered"
        waiting = enqueue(
            session,
            address=address,
            payload={"text": "in coda"},
            kind="reply",
            now=NOW - timedelta(days=400),
        )
        enqueue(session, address=address, payload={"text": "recente"}, kind="reply", now=NOW)
    await run_due_jobs(sessions, now=NOW, zone=ROME, retention=timedelta(days=365))
    assert await traces(sessions, "vecchio") == []
    assert {v for _t, _c, v in await traces(sessions, "in coda", "recente")} >= {
        json.dumps({"text": "in coda"}),
        json.dumps({"text": "recente"}),
    }
    async with sessions() as session:
        kept = await session.get_one(Delivery, old.id)
        assert (kept.status, kept.address, kept.payload) == ("delivered", "", {})
        assert (await session.get_one(Delivery, waiting.id)).address == "+393330000001"


# --- a property: after any journeys, erasing one resident leaves none of their words --------

_ids = itertools.count(1)
JOURNEY = st.lists(
    st.sampled_from(
        [
            "ciao",
            "menu",
            "operatore",
            "3",
            "1",
            "2",
            "mi chiamo {name}",
            "abito in via {street} 12",
            "prendo il {word} ogni sera",
            "Mi serve aiuto per la spesa {word}",
            "cancella i miei dati",
            "no",
            "voglio parlare con qualcuno, sono {name}",
        ]
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    journeys=st.lists(
        st.tuples(st.sampled_from(["sms", "whatsapp", "telegram"]), JOURNEY, st.booleans()),
        min_size=2,
        max_size=3,
    ),
    victim=st.integers(min_value=0, max_value=2),
)
@example(  # found by the search: the victim had already asked to be forgotten
    journeys=[("sms", ["cancella i miei dati", "1"], False), ("sms", ["ciao"], False)], victim=0
)
async def test_after_any_journeys_erasure_leaves_nothing_of_them(
    demo_sessions: SessionFactory,
    nlu: NLU,
    journeys: list[tuple[str, list[str], bool]],
    victim: int,
) -> None:
    room = StaffRoom(fallback_chat=-1001000000001)
    conversations = Conversations(demo_sessions, nlu, ROME, staff_room=room)
    people = []
    now = NOW
    for channel, texts, staff_acts in journeys:
        uid = next(_ids)
        address = f"{9_100_000_000 + uid * 7919}" if channel == "telegram" else (f"+39331{uid:07d}")
        words = {"name": f"Zelqa{uid}x", "street": f"Vorbix{uid}", "word": f"Qumad{uid}in"}
        for text in texts:
            now += timedelta(minutes=1)
            inbound = Inbound(
                channel=channel,
                address=address,
                text=text.format(**words),
                display_name=words["name"],
            )
            await conversations.receive(inbound, now=now)
        if staff_acts:
            await _staff_answer(demo_sessions, address, words["name"], now)
        people.append((address, words))
    address, words = people[victim % len(people)]
    async with transaction(demo_sessions) as session:
        found = await session.scalar(
            select(ChannelAddress).where(ChannelAddress.address == address)
        )
        if found is not None:  # a journey may have erased itself already
            await privacy.erase_resident(session, resident_id=found.resident_id)
    left = await traces(demo_sessions, address, address.lstrip("+"), *words.values())
    # Who asked to be forgotten still gets the goodbye: its address goes once it is sent.
    async with demo_sessions() as session:
        goodbyes = (
            await session.scalars(
                select(Delivery.payload).where(
                    Delivery.address == address, Delivery.status == "pending"
                )
            )
        ).all()
    if goodbyes and all(payload.get(ERASE_ONCE_SENT) for payload in goodbyes):
        left = [trace for trace in left if trace != ("deliveries", "address", address)]
    assert left == []


async def _staff_answer(sessions: SessionFactory, address: str, name: str, now: datetime) -> None:
    """A custodian answers, notes and closes with an outcome that names the resident."""
    async with transaction(sessions) as session:
        found = await session.scalar(
            select(ChannelAddress).where(ChannelAddress.address == address)
        )
        if found is None:
            return
        handoff = await handoffs.open_handoff(
            session, resident_id=found.resident_id, quartiere="Ospizio", reason="asked", now=now
        )
        custodian = await session.scalar(select(StaffUser).where(StaffUser.role == "custodian"))
        assert custodian is not None
        await handoff_desk.answer(
            session,
            handoff_id=handoff.id,
            by=custodian,
            text=f"Buongiorno {name}",
            via="console",
            now=now,
        )
        await notes.add_note(
            session,
            handoff_id=handoff.id,
            staff_id=custodian.id,
            text=f"{name} parla piano",
            now=now,
        )
        outcome = f"parlato con {name}"
        await handoffs.close(session, handoff_id=handoff.id, outcome=outcome, now=now)
        audit.record(
            session,
            staff_id=custodian.id,
            action="handoff.close",
            target=f"handoff:{handoff.id}",
            now=now,
            detail={"outcome": outcome},
        )
