"""Records of the help given: a custodian writes how each SPID booking went; the month's report."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from actions import bookings, residents, schedule
from actions.clock import ManualClock
from actions.db import SessionFactory, transaction
from actions.models import AuditEntry, Booking, Casa
from api.main import create_app
from api.settings import Settings
from tests.conftest import NOW
from tests.console.conftest import SECRET, add_staff, log_in, post, resident_waiting

SESSION_AT = NOW + timedelta(days=1)  # the SPID session; the console's clock is after it


def app_later(database: tuple[str, str | None]) -> FastAPI:
    """The app with its clock two hours after the session began."""
    url, schema = database
    settings = Settings(database_url=url, database_schema=schema, secret_key=SECRET)
    return create_app(settings, clock=ManualClock(SESSION_AT + timedelta(hours=2)))


@pytest.fixture
async def console_later(
    database: tuple[str, str | None], demo_sessions: SessionFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """The console with its clock two hours after the session began."""
    transport = httpx.ASGITransport(app=app_later(database))
    async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as client:
        yield client


async def _booked(sessions: SessionFactory, addresses: list[tuple[str, str]]) -> list[Booking]:
    """A session at the Ospizio's Casa tomorrow, booked by residents writing from `addresses`."""
    waiting = [
        await resident_waiting(sessions, channel=channel, address=address)
        for channel, address in addresses
    ]
    async with transaction(sessions) as session:
        casa = await session.scalar(select(Casa).where(Casa.name == "Ospizio"))
        assert casa is not None
        slot = await schedule.create_slot(
            session, casa_id=casa.id, starts_at=SESSION_AT, seats=5, now=NOW
        )
        made = []
        for index, one in enumerate(waiting):
            booked_at = NOW + timedelta(minutes=5 + index)
            residents.log_message(
                session,
                resident_id=one.resident_id,
                channel=addresses[index][0],
                direction="in",
                text="1",
                now=booked_at,
            )
            made.append(
                await bookings.book_seat(
                    session, resident_id=one.resident_id, slot_id=slot.id, now=booked_at
                )
            )
        return made


async def test_outcomes_are_recorded_and_the_month_is_reported_without_residents_data(
    console_later: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    came, absent, again = await _booked(
        demo_sessions,
        [("telegram", "111"), ("sms", "+393331112223"), ("whatsapp", "+393334445556")],
    )
    await log_in(console_later, "anna@ospizio.it")
    listed = await console_later.get("/console/help/record")
    assert came.code in listed.text and "da scrivere" in listed.text
    here = "/console/help/bookings"
    saved = await post(
        console_later, f"{here}/{came.id}", outcome="spid_activated", age_band="75_plus"
    )
    assert saved.status_code == 303
    await post(console_later, f"{here}/{absent.id}", outcome="no_show")
    await post(
        console_later, f"{here}/{again.id}", outcome="another_visit", note="Manca la tessera"
    )
    refused = await post(console_later, f"{here}/{came.id}", outcome="lost")
    assert refused.status_code == 303  # back to the page, with why
    async with demo_sessions() as session:
        stored = {b.id: b for b in await session.scalars(select(Booking))}
        assert stored[came.id].outcome == "spid_activated" and stored[came.id].age_band == "75_plus"
        assert stored[absent.id].status == "no_show"  # free to book again
        assert stored[again.id].outcome_note == "Manca la tessera"
        audited = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "booking.outcome")
        )
        assert len(audited.all()) == 3

    report = await console_later.get("/console/help?month=2026-11")
    assert '<strong id="people-helped">2</strong>' in report.text
    assert '<span id="no-shows">1</span>' in report.text
    assert "75 anni e più" in report.text and "WhatsApp" in report.text
    exported = await console_later.get("/console/help.csv?month=2026-11")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["month", "casa_id", "dimension", "value", "count"]
    counts = {(r[2], r[3]): int(r[4]) for r in rows[1:]}
    assert counts[("total", "people_helped")] == 2 and counts[("total", "no_shows")] == 1
    assert counts[("channel", "telegram")] == 1 and counts[("channel", "whatsapp")] == 1
    assert counts[("age_band", "75_plus")] == 1 and counts[("age_band", "unknown")] == 1
    for secret in ("+39333", "111", "Residente", "Manca la tessera", came.code):
        assert secret not in exported.text


async def test_a_session_not_yet_begun_cannot_be_recorded(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    async with transaction(demo_sessions) as session:
        casa = await session.scalar(select(Casa).where(Casa.name == "Ospizio"))
        assert casa is not None
        slot = await schedule.create_slot(
            session, casa_id=casa.id, starts_at=NOW + timedelta(days=400), seats=2, now=NOW
        )
        resident = await residents.find_or_create_address(
            session, channel="telegram", address="9", language="it", now=NOW
        )
        booking = await bookings.book_seat(
            session, resident_id=resident.resident_id, slot_id=slot.id, now=NOW
        )
    await log_in(console, "anna@ospizio.it")
    answer = await post(console, f"/console/help/bookings/{booking.id}", outcome="came")
    assert answer.status_code == 303
    assert "Non fatto" in (await console.get("/console/help/record")).text
    async with demo_sessions() as session:
        stored = await session.get(Booking, booking.id)
        assert stored is not None and stored.outcome is None
