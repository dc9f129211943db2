"""Needs, my bookings, a person, emergencies, media and SPID info, through the real service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from actions import broadcasts
from actions.db import SessionFactory, transaction
from actions.demo import load_demo_residents
from actions.models import Booking, Delivery, Handoff, MessageLog, Need
from actions.models import Resident as ResidentRow
from actions.needs import change_status
from bot.messages import Media
from bot.runtime.jobs import run_due_jobs
from bot.runtime.notices import send_reminders, tell_need_status
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.support.chat import Resident


@pytest.fixture
def resident(demo_sessions: SessionFactory, nlu: NLU) -> Resident:
    return Resident(Conversations(demo_sessions, nlu, ROME), NOW)


async def test_report_a_need_by_digits(resident: Resident, demo_sessions: SessionFactory) -> None:
    await resident.says("menu")
    await resident.says("3")
    assert "Di cosa ha bisogno?" in resident.text
    await resident.says("12")
    assert "Scriva un numero della lista." in resident.text
    await resident.says("6")
    await resident.says("ok")  # too short: asked for more, category kept
    assert "Scriva qualche parola in più." in resident.text
    await resident.says("Il lampione davanti a casa è spento da una settimana")
    assert "Dove?" in resident.text
    await resident.says(str(resident.options.index("Ospizio") + 1))
    assert "Possiamo chiamarla" in resident.text
    await resident.says("1")
    assert "Segnalazione numero B-" in resident.text
    async with demo_sessions() as session:
        need = await session.scalar(select(Need))
        assert need is not None
        assert (need.category, need.quartiere, need.consent_contact) == (
            "lighting",
            "Ospizio",
            True,
        )
        assert need.reference in resident.text


async def test_need_status_change_is_told_on_the_residents_channel(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    for text in ("menu", "3", "1", "Mi serve aiuto per la spesa il sabato", "via Roma 3", "2"):
        await resident.says(text)
    async with transaction(demo_sessions) as session:
        need = await session.scalar(select(Need))
        assert need is not None and need.location == "via Roma 3"
        await change_status(session, need_id=need.id, status="in_progress", now=NOW)
        assert await tell_need_status(session, need=need, now=NOW)
    async with demo_sessions() as session:
        notice = await session.scalar(select(Delivery).where(Delivery.kind == "notice"))
        assert notice is not None and notice.address == resident.address
        assert "è in lavorazione" in notice.payload["text"]


async def test_my_bookings_and_cancel(resident: Resident, demo_sessions: SessionFactory) -> None:
    for text in ("menu", "2", "1", "1", "1"):
        await resident.says(text)
    code = resident.text.split("codice è ")[1][:6]
    await resident.says("quando è il mio appuntamento?")
    assert code in resident.text
    await resident.says("2")  # cancel, not move
    assert "Cancello la prenotazione di" in resident.text  # always asked first
    await resident.says("1")
    assert f"Prenotazione {code} cancellata." in resident.text
    async with demo_sessions() as session:
        booking = await session.scalar(select(Booking))
        assert booking is not None and booking.status == "cancelled"


async def test_reminder_the_day_before(resident: Resident, demo_sessions: SessionFactory) -> None:
    for text in ("menu", "2", "1", "1", "1"):
        await resident.says(text)
    async with demo_sessions() as session:
        booking = await session.scalar(select(Booking).options(joinedload(Booking.slot)))
        assert booking is not None
    # Eight in the morning of the day before the session.
    day_before = booking.slot.starts_at.astimezone(ROME).replace(hour=8) - timedelta(days=1)
    async with transaction(demo_sessions) as session:
        assert await send_reminders(session, now=day_before, zone=ROME) == 1
    async with transaction(demo_sessions) as session:
        assert await send_reminders(session, now=day_before, zone=ROME) == 0
    async with demo_sessions() as session:
        reminder = await session.scalar(select(Delivery).where(Delivery.kind == "reminder"))
        assert reminder is not None and "Promemoria: domani" in reminder.payload["text"]


async def test_operatore_from_inside_a_form_opens_a_handoff(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("menu")
    await resident.says("2")
    await resident.says("operatore")
    assert "Ho chiesto a una persona di risponderle." in resident.text
    async with demo_sessions() as session:
        handoff = await session.scalar(select(Handoff))
        assert handoff is not None and handoff.status == "waiting"
    await resident.says("annulla")
    assert "ho annullato la richiesta" in resident.text


async def test_emergency_gets_112_first(resident: Resident, demo_sessions: SessionFactory) -> None:
    replies = await resident.says("aiuto mio marito non respira")
    assert "112" in replies[0].text
    assert "Ho chiesto a una persona" in replies[1].text
    async with demo_sessions() as session:
        handoff = await session.scalar(select(Handoff))
        assert handoff is not None and handoff.reason == "emergency"


async def test_a_voice_note_is_kept_and_answered(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("", media=(Media("voice", "https://example.invalid/v.ogg"),))
    assert "so leggere solo il testo" in resident.text
    async with demo_sessions() as session:
        logged = await session.scalar(select(MessageLog).where(MessageLog.direction == "in"))
        assert logged is not None and logged.media[0]["kind"] == "voice"


async def test_spid_info_shows_the_next_free_session(resident: Resident) -> None:
    await resident.says("cos'è lo spid? cosa devo portare?")
    assert "Lo SPID è la sua identità digitale." in resident.text
    assert "Primo posto libero:" in resident.text
    await resident.says("1")
    assert "In quale Casa di Quartiere?" in resident.text


async def test_twice_not_understood_hands_over_to_a_person(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("menu")
    await resident.says("qwrtzx plmok")
    assert "Scusi, non ho capito." in resident.text
    async with demo_sessions() as session:
        assert await session.scalar(select(Handoff)) is None
    await resident.says("zzkv qqpt")
    assert "Ho chiesto a una persona di risponderle." in resident.text
    async with demo_sessions() as session:
        handoff = await session.scalar(select(Handoff))
        assert handoff is not None and handoff.reason == "misunderstood"
    await resident.says("xqxq vbvb")
    await resident.says("vbvb xqxq")
    assert "Una persona le risponderà presto" in resident.text
    await resident.says("annulla")
    assert "ho annullato la richiesta" in resident.text


async def test_scheduled_broadcast_goes_out_when_due(demo_sessions: SessionFactory) -> None:
    async with transaction(demo_sessions) as session:
        await load_demo_residents(session, count=12, now=NOW)
        broadcast = await broadcasts.create_broadcast(
            session, texts={"it": "Festa sabato"}, now=NOW, scheduled_at=NOW + timedelta(hours=1)
        )
    await run_due_jobs(demo_sessions, now=NOW, zone=ROME, retention=timedelta(days=365))
    async with demo_sessions() as session:
        assert (await broadcasts.statistics(session, broadcast_id=broadcast.id))["total"] == 0
    await run_due_jobs(
        demo_sessions, now=NOW + timedelta(hours=2), zone=ROME, retention=timedelta(days=365)
    )
    async with demo_sessions() as session:
        assert (await broadcasts.statistics(session, broadcast_id=broadcast.id))["total"] == 12


async def test_my_data_then_forget_me(resident: Resident, demo_sessions: SessionFactory) -> None:
    for text in ("menu", "5", "3"):  # follow Ospizio
        await resident.says(text)
    await resident.says("quali dati avete su di me?")
    assert "Notizie di: Ospizio" in resident.text
    await resident.says("cancella i miei dati")
    assert "Confermi?" in resident.text
    await resident.says("7")
    assert "Scriva un numero della lista." in resident.text  # asked again, nothing erased
    await resident.says("1")
    assert "Ho cancellato tutti i suoi dati." in resident.text
    async with demo_sessions() as session:
        assert await session.scalar(select(MessageLog.id)) is None
        assert await session.scalar(select(ResidentRow.id)) is None
    await resident.says("ciao")  # a new start, as a stranger
    assert "Buongiorno" in resident.text


async def test_messages_past_retention_are_purged(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("ciao")
    year = timedelta(days=365)
    await run_due_jobs(demo_sessions, now=NOW + timedelta(days=30), zone=ROME, retention=year)
    async with demo_sessions() as session:
        assert await session.scalar(select(MessageLog.id)) is not None
    await run_due_jobs(demo_sessions, now=NOW + timedelta(days=400), zone=ROME, retention=year)
    async with demo_sessions() as session:
        assert await session.scalar(select(MessageLog.id)) is None
