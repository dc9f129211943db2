"""The staff REST API: handoff lifecycle, needs, permissions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from actions import staff
from actions.db import SessionFactory, transaction
from actions.models import AuditEntry, Casa, Delivery, Need
from api.main import create_app
from api.settings import Settings
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.support.chat import Resident


@pytest.fixture
async def api(
    database: tuple[str, str | None], demo_sessions: SessionFactory
) -> AsyncIterator[httpx.AsyncClient]:
    url, schema = database
    app = create_app(Settings(database_url=url, database_schema=schema))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as client:
        yield client


async def _token(sessions: SessionFactory, email: str, role: str, casa: str | None) -> str:
    async with transaction(sessions) as session:
        casa_id = None
        if casa:
            casa_id = await session.scalar(select(Casa.id).where(Casa.name == casa))
        await staff.create_staff(
            session, email=email, role=role, password="pw-long-enough", casa_id=casa_id, now=NOW
        )
        return await staff.issue_token(session, email=email)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def resident(demo_sessions: SessionFactory, nlu: NLU) -> Resident:
    return Resident(Conversations(demo_sessions, nlu, ROME), NOW)


async def _resident_of_ospizio_asks_for_a_person(resident: Resident) -> None:
    for text in ("menu", "5", "3"):  # news of Ospizio: sets the neighbourhood
        await resident.says(text)
    await resident.says("operatore")


async def test_anonymous_and_bad_tokens_get_401(api: httpx.AsyncClient) -> None:
    assert (await api.get("/api/handoffs")).status_code == 401
    assert (await api.get("/api/needs", headers=_auth("nope"))).status_code == 401


async def test_handoff_lifecycle(
    api: httpx.AsyncClient, demo_sessions: SessionFactory, resident: Resident
) -> None:
    token = await _token(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await _resident_of_ospizio_asks_for_a_person(resident)
    [waiting] = (await api.get("/api/handoffs?status=waiting", headers=_auth(token))).json()
    claimed = await api.post(f"/api/handoffs/{waiting['id']}/claim", headers=_auth(token))
    assert claimed.json()["status"] == "claimed"
    assert await resident.says("mi serve aiuto con la pensione") == []  # the bot stays quiet
    reply = await api.post(
        f"/api/handoffs/{waiting['id']}/reply",
        headers=_auth(token),
        json={"text": "Buongiorno, la chiamo tra poco."},
    )
    assert reply.status_code == 200
    detail = (await api.get(f"/api/handoffs/{waiting['id']}", headers=_auth(token))).json()
    texts = [m["text"] for m in detail["transcript"]]
    assert "mi serve aiuto con la pensione" in texts
    assert texts[-1] == "Buongiorno, la chiamo tra poco."
    async with demo_sessions() as session:
        relay = await session.scalar(select(Delivery).where(Delivery.kind == "relay"))
        assert relay is not None and relay.address == resident.address
    closed = await api.post(
        f"/api/handoffs/{waiting['id']}/close", headers=_auth(token), json={"outcome": "richiamato"}
    )
    assert closed.json()["status"] == "closed"
    assert await resident.says("ciao")  # the bot answers again
    again = await api.post(
        f"/api/handoffs/{waiting['id']}/close", headers=_auth(token), json={"outcome": "x"}
    )
    assert again.status_code == 409
    async with demo_sessions() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
        assert {"handoff.claim", "handoff.reply", "handoff.close"} <= set(actions)


async def test_a_custodian_sees_only_their_casa(
    api: httpx.AsyncClient, demo_sessions: SessionFactory, resident: Resident
) -> None:
    other = await _token(demo_sessions, "c@orologio.it", "custodian", "Orologio")
    admin = await _token(demo_sessions, "a@comune.it", "admin", None)
    await _resident_of_ospizio_asks_for_a_person(resident)
    assert (await api.get("/api/handoffs", headers=_auth(other))).json() == []
    [handoff] = (await api.get("/api/handoffs", headers=_auth(admin))).json()
    answer = await api.post(f"/api/handoffs/{handoff['id']}/claim", headers=_auth(other))
    assert answer.status_code == 404


async def test_need_status_change_tells_the_resident(
    api: httpx.AsyncClient, demo_sessions: SessionFactory, resident: Resident
) -> None:
    token = await _token(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    for text in ("menu", "3", "5", "Sacchi della spazzatura lasciati in strada"):
        await resident.says(text)
    await resident.says(str(resident.options.index("Ospizio") + 1))
    await resident.says("2")
    [need] = (await api.get("/api/needs", headers=_auth(token))).json()
    changed = await api.patch(
        f"/api/needs/{need['id']}", headers=_auth(token), json={"status": "solved"}
    )
    assert changed.json()["status"] == "solved"
    bad = await api.patch(
        f"/api/needs/{need['id']}", headers=_auth(token), json={"status": "in_progress"}
    )
    assert bad.status_code == 409
    assert (
        await api.patch(f"/api/needs/{need['id']}", headers=_auth(token), json={"status": "lost"})
    ).status_code == 422
    async with demo_sessions() as session:
        notice = await session.scalar(select(Delivery).where(Delivery.kind == "notice"))
        assert notice is not None and "è risolta" in notice.payload["text"]
        assert (await session.scalar(select(Need.status))) == "solved"


async def test_broadcasts_need_a_manager_and_go_out_once(
    api: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    custodian = await _token(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    manager = await _token(demo_sessions, "m@comune.it", "community_manager", None)
    body = {"texts": {"it": "Domani mercato in piazza", "en": "Market tomorrow"}}
    refused = await api.post("/api/broadcasts", headers=_auth(custodian), json=body)
    assert refused.status_code == 403
    created = await api.post("/api/broadcasts", headers=_auth(manager), json=body)
    assert created.status_code == 201 and created.json()["state"] == "draft"
    broadcast_id = created.json()["id"]
    preview = (
        await api.get(f"/api/broadcasts/{broadcast_id}/preview", headers=_auth(manager))
    ).json()
    assert preview["total"] == 0 and preview["sms"]["estimated_cost_eur"] == 0
    sent = await api.post(f"/api/broadcasts/{broadcast_id}/send", headers=_auth(manager))
    assert sent.json()["state"] in ("sending", "done")
    again = await api.post(f"/api/broadcasts/{broadcast_id}/send", headers=_auth(manager))
    assert again.status_code == 409
    bad = await api.post("/api/broadcasts", headers=_auth(manager), json={"texts": {"fr": "x"}})
    assert bad.status_code == 422
