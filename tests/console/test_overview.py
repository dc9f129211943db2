"""The administration's overview: needs per neighbourhood and category over time, as SVG."""

from __future__ import annotations

from datetime import timedelta

import httpx

from actions import needs
from actions.db import SessionFactory, transaction
from tests.conftest import NOW
from tests.console.conftest import add_staff, log_in, resident_waiting


async def _file(sessions: SessionFactory, resident_id: int) -> None:
    async with transaction(sessions) as session:
        for days_ago, category, quartiere in (
            (0, "lighting", "Ospizio"),
            (1, "waste", "Ospizio"),
            (15, "waste", "Orologio"),
            (400, "waste", "Orologio"),  # outside every period
        ):
            await needs.file_need(
                session,
                resident_id=resident_id,
                category=category,
                description="x",
                location="",
                quartiere=quartiere,
                consent_contact=False,
                now=NOW - timedelta(days=days_ago),  # the console's clock
            )


async def test_admin_sees_every_neighbourhood_as_charts(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "a@comune.it", "admin")
    waiting = await resident_waiting(demo_sessions)
    await _file(demo_sessions, waiting.resident_id)
    await log_in(console, "a@comune.it")
    page = await console.get("/console/overview?weeks=12")
    assert page.status_code == 200
    assert '<strong id="total">3</strong>' in page.text
    assert page.text.count('<svg class="chart"') == 1 and "<polyline" in page.text
    assert page.text.count('class="bar-chart"') == 1
    assert "Ospizio: Rifiuti: 1, Illuminazione: 1" in page.text
    assert "Orologio: Rifiuti: 1" in page.text
    only_waste = await console.get("/console/overview?weeks=4&category=waste")
    assert '<strong id="total">2</strong>' in only_waste.text
    assert "<script" not in page.text.split("</head>")[1]  # charts without JavaScript


async def test_a_manager_of_one_casa_sees_their_neighbourhood(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "m@orologio.it", "community_manager", "Orologio")
    waiting = await resident_waiting(demo_sessions)
    await _file(demo_sessions, waiting.resident_id)
    await log_in(console, "m@orologio.it")
    page = await console.get("/console/overview")
    assert '<strong id="total">1</strong>' in page.text and "Ospizio" not in page.text


async def test_custodians_do_not_get_the_overview(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await log_in(console, "c@ospizio.it")
    assert (await console.get("/console/overview")).status_code == 403
    assert (await console.get("/console/residents")).status_code == 403
    assert (await console.get("/console/audit")).status_code == 403
