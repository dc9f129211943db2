"""The store: migrations, demo data and bulk residents on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from actions import places, residents
from actions.db import SessionFactory, transaction
from actions.demo import DEMO_CASE, is_empty, load_demo_residents
from actions.migrate import current_revision, head_revision
from actions.models import Casa, Event, Resident, SpidSlot, StaffUser, Subscription
from tests.conftest import NOW, ROME

# On PostgreSQL too: the migrations, aware datetimes and writers taking turns.
pytestmark = pytest.mark.both_databases


async def test_migrations_reach_head(sessions: SessionFactory) -> None:
    async with sessions() as session:
        assert await current_revision(session) == head_revision()
        assert await is_empty(session)


async def test_demo_covers_three_weeks_in_real_neighbourhoods(
    demo_sessions: SessionFactory,
) -> None:
    async with demo_sessions() as session:
        names = {casa.quartiere for casa in await places.list_case(session)}
        assert {"Ospizio", "Rosta Nuova", "Orologio", "Santa Croce"} <= names
        assert len(names) >= 6
        last = await session.scalar(select(func.max(Event.starts_at)))
        assert last is not None and last - NOW > timedelta(days=19)
        assert await session.scalar(select(func.max(SpidSlot.seats))) <= 4
        roles = set((await session.scalars(select(StaffUser.role))).all())
        assert roles == {"custodian", "admin"}
        assert all(c.is_demo and "numero demo" in c.phone for c in await places.list_case(session))


async def test_datetimes_come_back_aware(demo_sessions: SessionFactory) -> None:
    async with demo_sessions() as session:
        event = await session.scalar(select(Event).order_by(Event.starts_at))
        assert event is not None and event.starts_at.tzinfo is not None
        assert event.starts_at.astimezone(UTC).utcoffset() == timedelta(0)


async def test_opening_hours_and_next_opening(demo_sessions: SessionFactory) -> None:
    async with demo_sessions() as session:
        casa = await places.casa_for_quartiere(session, quartiere="ospizio")
        assert casa is not None
        assert places.is_open(casa, NOW, ROME)
        evening = NOW.replace(hour=20)
        assert not places.is_open(casa, evening, ROME)
        opening = places.next_opening(casa, evening, ROME)
        assert opening is not None and opening.hour == 9 and opening.day == 26


async def test_an_address_is_found_again(sessions: SessionFactory) -> None:
    async with transaction(sessions) as session:
        first = await residents.find_or_create_address(
            session, channel="sms", address="+39333", language="it", now=NOW
        )
    async with transaction(sessions) as session:
        again = await residents.find_or_create_address(
            session, channel="sms", address="+39333", language="en", now=NOW
        )
        assert again.resident_id == first.resident_id
        assert again.resident.language == "it"


async def test_bulk_demo_residents_are_subscribed(demo_sessions: SessionFactory) -> None:
    async with transaction(demo_sessions) as session:
        await load_demo_residents(session, count=1200, now=NOW)
    async with transaction(demo_sessions) as session:
        await load_demo_residents(session, count=10, now=NOW)
    async with demo_sessions() as session:
        assert await session.scalar(select(func.count(Subscription.id))) == 1210
        quartieri = set((await session.scalars(select(Subscription.quartiere))).all())
        assert quartieri <= {q for _n, q, _s, _p in DEMO_CASE}
        assert await session.scalar(select(func.count(Casa.id))) == len(DEMO_CASE)


async def test_writers_take_turns(sessions: SessionFactory) -> None:
    order: list[str] = []

    async def write(name: str) -> None:
        async with transaction(sessions) as session:
            # On SQLite the transaction holds the database from its first statement
            # (BEGIN IMMEDIATE), a read included, so it never fails half-way on an upgrade.
            await session.scalar(select(func.count()).select_from(Resident))
            session.add(Resident(created_at=NOW, language="it"))
            await session.flush()
            order.append(f"{name} wrote")
            await asyncio.sleep(0.05)  # the other writer is waiting meanwhile, not failing
            order.append(f"{name} done")

    await asyncio.wait_for(asyncio.gather(write("a"), write("b")), timeout=30)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Resident)) == 2
    if sessions.kw["bind"].dialect.name == "sqlite":  # one writer at a time
        assert order in (
            ["a wrote", "a done", "b wrote", "b done"],
            ["b wrote", "b done", "a wrote", "a done"],
        )
