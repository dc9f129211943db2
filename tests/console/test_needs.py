"""The needs board: statuses change (with htmx or a plain form) and the resident is told."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from actions import needs
from actions.db import SessionFactory, transaction
from actions.models import AuditEntry, Delivery, Need
from tests.conftest import NOW
from tests.console.conftest import add_staff, log_in, post, resident_waiting, token_of


async def _need(sessions: SessionFactory, quartiere: str, resident_id: int) -> Need:
    async with transaction(sessions) as session:
        return await needs.file_need(
            session,
            resident_id=resident_id,
            category="lighting",
            description="Lampione spento in via Roma",
            location="via Roma 3",
            quartiere=quartiere,
            consent_contact=True,
            now=NOW,
        )


async def test_status_change_with_htmx_returns_the_row(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions)
    need = await _need(demo_sessions, "Ospizio", waiting.resident_id)
    await log_in(console, "c@ospizio.it")
    board = await console.get("/console/needs")
    assert need.reference in board.text and "Lampione spento" in board.text
    token = await token_of(console, "/console/needs")
    row = await console.post(
        f"/console/needs/{need.id}/status",
        data={"status": "in_progress", "csrf_token": token, "back": "/console/needs"},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 200 and row.text.lstrip().startswith(f'<tr id="need-{need.id}"')
    assert 'data-status="in_progress"' in row.text and "residente avvisato" in row.text
    refused = await console.post(
        f"/console/needs/{need.id}/status",
        data={"status": "in_progress", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert "Non fatto" in refused.text
    async with demo_sessions() as session:
        notice = await session.scalar(select(Delivery).where(Delivery.kind == "notice"))
        assert notice is not None and "in lavorazione" in notice.payload["text"]
        assert (
            await session.scalar(
                select(AuditEntry.action).where(AuditEntry.action == "need.status")
            )
            == "need.status"
        )


async def test_status_change_with_a_plain_form(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "a@comune.it", "admin")
    waiting = await resident_waiting(demo_sessions)
    need = await _need(demo_sessions, "Ospizio", waiting.resident_id)
    await log_in(console, "a@comune.it")
    back = "/console/needs?status=open"
    answer = await post(console, f"/console/needs/{need.id}/status", status="solved", back=back)
    assert answer.headers["location"] == back
    async with demo_sessions() as session:
        assert await session.scalar(select(Need.status)) == "solved"


async def test_a_custodian_sees_only_their_neighbourhood(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@orologio.it", "custodian", "Orologio")
    waiting = await resident_waiting(demo_sessions)
    need = await _need(demo_sessions, "Ospizio", waiting.resident_id)
    await log_in(console, "c@orologio.it")
    assert need.reference not in (await console.get("/console/needs")).text
    answer = await post(console, f"/console/needs/{need.id}/status", status="solved")
    assert answer.status_code == 404


async def test_the_contact_shows_masked_until_asked_and_the_asking_is_audited(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions, channel="sms", address="+393331234567")
    need = await _need(demo_sessions, "Ospizio", waiting.resident_id)
    await log_in(console, "c@ospizio.it")
    board = await console.get("/console/needs")
    assert "•••• 567" in board.text and "+393331234567" not in board.text
    token = await token_of(console, "/console/needs")
    shown = await console.post(
        f"/console/needs/{need.id}/contact",
        data={"csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert shown.status_code == 200 and 'href="tel:+393331234567"' in shown.text
    async with demo_sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "need.contact"))
        assert entry is not None and entry.target == f"need:{need.id}"


async def test_no_contact_without_consent(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions, channel="sms", address="+393331234567")
    async with transaction(demo_sessions) as session:
        need = await needs.file_need(
            session,
            resident_id=waiting.resident_id,
            category="waste",
            description="Sacchi",
            location="",
            quartiere="Ospizio",
            consent_contact=False,
            now=NOW,
        )
    await log_in(console, "c@ospizio.it")
    assert "•••• 567" not in (await console.get("/console/needs")).text
    assert (await post(console, f"/console/needs/{need.id}/contact")).status_code == 404
