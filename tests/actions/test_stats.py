"""Needs counted by neighbourhood, category, status and local week."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from actions import needs, residents, stats
from actions.db import SessionFactory, transaction
from tests.conftest import NOW, ROME


async def test_weeks_are_local_and_counts_add_up(demo_sessions: SessionFactory) -> None:
    async with transaction(demo_sessions) as session:
        who = await residents.find_or_create_address(
            session, channel="sms", address="+391", language="it", now=NOW
        )
        # Sunday 23:30 in Rome is still last week, though it is Sunday 22:30 UTC.
        sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=ROME)
        for when, category, quartiere in (
            (NOW, "waste", "Ospizio"),
            (sunday_night, "waste", "Ospizio"),
            (NOW - timedelta(days=8), "lighting", None),
            (NOW - timedelta(days=60), "waste", "X"),
        ):
            await needs.file_need(
                session,
                resident_id=who.resident_id,
                category=category,
                description="x",
                location="",
                quartiere=quartiere,
                consent_contact=False,
                now=when,
            )
    async with demo_sessions() as session:
        found = await stats.needs_overview(session, now=NOW, zone=ROME, weeks=3)
    assert found.weeks == (date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23))
    assert found.total == 3 and found.per_status == {"open": 3}
    assert found.per_week == {"Ospizio": [0, 1, 1], stats.UNKNOWN_PLACE: [0, 1, 0]}
    assert found.per_category["Ospizio"] == {"waste": 2}
    async with demo_sessions() as session:
        one = await stats.needs_overview(
            session, now=NOW, zone=ROME, weeks=3, quartiere="Ospizio", category="waste"
        )
    assert one.total == 2
