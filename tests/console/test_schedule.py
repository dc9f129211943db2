"""Events and SPID slots from the console; booked residents are told of changes."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from actions import bookings, events
from actions.db import SessionFactory, transaction
from actions.models import AuditEntry, Booking, Casa, Delivery, Event, SpidSlot
from tests.conftest import NOW, ROME
from tests.console.conftest import add_staff, log_in, post, resident_waiting, token_of


async def _casa_id(sessions: SessionFactory, name: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Casa.id).where(Casa.name == name))
        assert found is not None
        return found


async def test_create_edit_cancel_an_event(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    ospizio = await _casa_id(demo_sessions, "Ospizio")
    await log_in(console, "c@ospizio.it")
    day = (NOW + timedelta(days=2)).date().isoformat()
    form = {
        "casa_id": str(ospizio),
        "title": "Merenda in cortile",
        "day": day,
        "start": "16:00",
        "end": "18:00",
        "topic": "food",
        "accessibility": "Cortile senza scalini",
    }
    assert (await post(console, "/console/events", **form)).status_code == 303
    listed = await console.get("/console/events")
    assert "Merenda in cortile" in listed.text
    async with demo_sessions() as session:
        event = await session.scalar(select(Event).where(Event.title == "Merenda in cortile"))
        assert event is not None and event.starts_at.astimezone(ROME).hour == 16
    bad = await post(console, f"/console/events/{event.id}", **{**form, "end": "15:00"})
    assert bad.status_code == 400 and "Non salvato" in bad.text
    # The refusal is tied to the field it is about.
    assert 'id="end" aria-invalid="true" aria-describedby="form-error"' in bad.text
    assert 'id="title" aria-invalid' not in bad.text
    assert 'Modifica<span class="visually-hidden"> Merenda in cortile del ' in listed.text
    await post(console, f"/console/events/{event.id}", **{**form, "title": "Merenda e giochi"})
    await post(console, f"/console/events/{event.id}/cancel")
    async with demo_sessions() as session:
        saved = await session.get(Event, event.id)
        assert saved is not None and saved.title == "Merenda e giochi" and saved.cancelled
        actions = (await session.scalars(select(AuditEntry.action))).all()
        assert {"event.create", "event.update", "event.cancel"} <= set(actions)


async def test_staff_say_who_an_event_is_for_and_the_bot_filters_on_it(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await log_in(console, "c@ospizio.it")
    form = {
        "casa_id": str(await _casa_id(demo_sessions, "Ospizio")),
        "title": "Burattini in cortile",
        "day": (NOW + timedelta(days=2)).date().isoformat(),
        "start": "16:00",
        "end": "17:00",
        "topic": "games",
        "audiences": ["children", "free"],
        "csrf_token": await token_of(console, "/console/events/new"),
    }
    assert (await console.post("/console/events", data=form)).status_code == 303
    async with demo_sessions() as session:
        event = await session.scalar(select(Event).where(Event.title == "Burattini in cortile"))
        assert event is not None and event.topics == ("games", "children", "free")
        found = await events.upcoming_events(
            session, now=NOW, topics=["children", "free"], limit=50
        )
        assert event.id in [e.id for e in found]
    page = await console.get(f"/console/events/{event.id}/edit")
    assert 'id="audience-children" name="audiences" value="children" checked' in page.text
    assert 'value="elderly" checked' not in page.text
    # Unticked on the next save: free no longer; a made-up audience is refused.
    again = {**form, "audiences": ["children"]}
    assert (await console.post(f"/console/events/{event.id}", data=again)).status_code == 303
    refused = await console.post(f"/console/events/{event.id}", data={**form, "audiences": ["vip"]})
    assert refused.status_code == 400
    async with demo_sessions() as session:
        saved = await session.get(Event, event.id)
        assert saved is not None and saved.topics == ("games", "children")


async def test_a_custodian_manages_only_their_casa(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    orologio = await _casa_id(demo_sessions, "Orologio")
    await log_in(console, "c@ospizio.it")
    day = (NOW + timedelta(days=2)).date().isoformat()
    answer = await post(
        console, "/console/slots", casa_id=str(orologio), day=day, start="10:00", seats="3"
    )
    assert answer.status_code == 404
    async with demo_sessions() as session:
        other = await session.scalar(select(SpidSlot.id).where(SpidSlot.casa_id == orologio))
    assert (await post(console, f"/console/slots/{other}/cancel")).status_code == 404
    assert "Orologio" not in (await console.get("/console/slots")).text


async def test_moving_and_cancelling_a_slot_tells_who_booked(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    ospizio = await _casa_id(demo_sessions, "Ospizio")
    waiting = await resident_waiting(demo_sessions, channel="sms", address="+393331112222")
    await log_in(console, "c@ospizio.it")
    day = (NOW + timedelta(days=3)).date().isoformat()  # the console's clock
    await post(console, "/console/slots", casa_id=str(ospizio), day=day, start="15:00", seats="2")
    async with transaction(demo_sessions) as session:
        slot = await session.scalar(select(SpidSlot).order_by(SpidSlot.id.desc()))
        assert slot is not None and slot.seats == 2
        booking = await bookings.book_seat(
            session,
            resident_id=waiting.resident_id,
            slot_id=slot.id,
            now=NOW,
            for_whom="sua moglie",
        )
    listed = await console.get("/console/slots")
    assert f"{booking.code} · " in listed.text and "(per sua moglie)" in listed.text
    too_few = await post(console, f"/console/slots/{slot.id}", day=day, start="15:00", seats="0")
    assert too_few.status_code == 303  # refused, explained on the form
    moved = await post(console, f"/console/slots/{slot.id}", day=day, start="16:30", seats="2")
    assert moved.status_code == 303
    assert "Residenti avvisati: 1 su 1" in (await console.get("/console/slots")).text
    await post(console, f"/console/slots/{slot.id}/cancel")
    async with demo_sessions() as session:
        texts = (
            await session.scalars(
                select(Delivery.payload).where(Delivery.kind == "notice").order_by(Delivery.id)
            )
        ).all()
        assert len(texts) == 2
        assert "spostato" in texts[0]["text"] and "16:30" in texts[0]["text"]
        assert "annullato" in texts[1]["text"] and booking.code in texts[1]["text"]
        cancelled = await session.get(SpidSlot, slot.id)
        assert cancelled is not None and cancelled.cancelled and cancelled.seats_taken == 0
        assert await session.scalar(select(Booking.status)) == "cancelled"
