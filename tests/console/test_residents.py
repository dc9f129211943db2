"""Residents' data: search, export as JSON, erase (admins only), all audited."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from actions import bookings, needs
from actions.db import SessionFactory, transaction
from actions.models import AuditEntry, Handoff, MessageLog, Need, Resident, SpidSlot
from tests.conftest import NOW
from tests.console.conftest import add_staff, log_in, post, resident_waiting


async def test_search_export_erase(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "a@comune.it", "admin")
    waiting = await resident_waiting(demo_sessions, channel="sms", address="+393339998877")
    other = await resident_waiting(demo_sessions, address="555")
    async with transaction(demo_sessions) as session:
        need = await needs.file_need(
            session,
            resident_id=waiting.resident_id,
            category="company",
            description="Sola",
            location="",
            quartiere="Ospizio",
            consent_contact=True,
            now=NOW,
        )
        slot = await session.scalar(select(SpidSlot).where(SpidSlot.starts_at > NOW))
        assert slot is not None
        await bookings.book_seat(session, resident_id=waiting.resident_id, slot_id=slot.id, now=NOW)
    await log_in(console, "a@comune.it")
    for query in ("9998877", need.reference, str(waiting.resident_id)):
        found = await console.get("/console/residents", params={"q": query})
        assert f'href="/console/residents/{waiting.resident_id}"' in found.text, query
    assert "Nessun residente" in (await console.get("/console/residents?q=%25")).text
    here = f"/console/residents/{waiting.resident_id}"
    exported = await post(console, f"{here}/export")
    assert exported.headers["content-disposition"].startswith("attachment")
    data = exported.json()
    assert data["addresses"][0]["address"] == "+393339998877"
    assert data["needs"][0]["reference"] == need.reference
    assert data["messages"][0]["text"] == "Vorrei parlare con una persona"
    assert data["bookings"][0]["status"] == "confirmed"
    assert (await post(console, f"{here}/erase", confirm="no")).headers["location"] == here
    erased = await post(console, f"{here}/erase", confirm="CANCELLA")
    assert erased.headers["location"] == "/console/residents"
    async with demo_sessions() as session:
        assert await session.get(Resident, waiting.resident_id) is None
        assert await session.get(Resident, other.resident_id) is not None
        for model in (MessageLog, Need, Handoff):
            count = select(func.count()).where(model.resident_id == waiting.resident_id)
            assert await session.scalar(count) == 0
        freed = await session.get(SpidSlot, slot.id)
        assert freed is not None and freed.seats_taken == 0
        actions = (await session.scalars(select(AuditEntry.action))).all()
        assert {"resident.export", "resident.erase"} <= set(actions)
    assert (await console.get(here)).status_code == 404


async def test_only_admins_touch_residents(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "m@comune.it", "community_manager")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "m@comune.it")
    here = f"/console/residents/{waiting.resident_id}"
    assert (await post(console, f"{here}/export")).status_code == 403
    assert (await post(console, f"{here}/erase", confirm="CANCELLA")).status_code == 403
    async with demo_sessions() as session:
        assert await session.get(Resident, waiting.resident_id) is not None
