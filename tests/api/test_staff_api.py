"""The staff REST API: handoff lifecycle, needs, permissions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from actions import bookings, staff
from actions.db import SessionFactory, transaction
from actions.models import (
    AuditEntry,
    Broadcast,
    Casa,
    Delivery,
    Handoff,
    Need,
    StaffUser,
)
from api.main import create_app
from api.settings import Settings
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.console.conftest import resident_waiting
from tests.support.chat import Resident

# On PostgreSQL too: the staff API's scopes and holder rules (issue 21's findings).
pytestmark = pytest.mark.both_databases

DOCS = ("/docs", "/redoc", "/openapi.json")


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


async def test_only_the_holder_answers_a_conversation_and_ends_it_or_an_admin(
    api: httpx.AsyncClient, demo_sessions: SessionFactory, resident: Resident
) -> None:
    holder = await _token(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    colleague = await _token(demo_sessions, "d@ospizio.it", "custodian", "Ospizio")
    admin = await _token(demo_sessions, "a@comune.it", "admin", None)
    await _resident_of_ospizio_asks_for_a_person(resident)
    [waiting] = (await api.get("/api/handoffs", headers=_auth(holder))).json()
    here = f"/api/handoffs/{waiting['id']}"
    assert (await api.post(f"{here}/claim", headers=_auth(holder))).status_code == 200
    for who in (colleague, admin):  # nobody answers in someone else's conversation
        answer = await api.post(f"{here}/reply", headers=_auth(who), json={"text": "Anch'io"})
        assert answer.status_code == 403 and "held by" in answer.json()["detail"]
    refused = [
        await api.post(f"{here}/close", headers=_auth(colleague), json={"outcome": "x"}),
        await api.post(f"{here}/release", headers=_auth(colleague)),
        await api.post(f"{here}/transfer", headers=_auth(colleague), json={"casa_id": 1}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    async with demo_sessions() as session:
        assert (await session.scalar(select(Delivery).where(Delivery.kind == "relay"))) is None
        assert (await session.scalar(select(Handoff.status))) == "claimed"
    closed = await api.post(f"{here}/close", headers=_auth(admin), json={"outcome": "chiusa"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


async def test_a_transfer_to_an_unknown_colleague_or_casa_is_refused_with_a_reason(
    api: httpx.AsyncClient, demo_sessions: SessionFactory, resident: Resident
) -> None:
    admin = await _token(demo_sessions, "a@comune.it", "admin", None)
    await _resident_of_ospizio_asks_for_a_person(resident)
    [waiting] = (await api.get("/api/handoffs", headers=_auth(admin))).json()
    transfer = f"/api/handoffs/{waiting['id']}/transfer"
    unknown = await api.post(transfer, headers=_auth(admin), json={"staff_id": 99999})
    assert unknown.status_code == 404 and "no colleague 99999" in unknown.json()["detail"]
    nowhere = await api.post(transfer, headers=_auth(admin), json={"casa_id": 99999})
    assert nowhere.status_code == 404 and "99999" in nowhere.json()["detail"]
    for body in ({"staff_id": 99999999999999999999}, {"casa_id": -1}, {}):
        answer = await api.post(transfer, headers=_auth(admin), json=body)
        assert answer.status_code in (400, 422) and answer.json()["detail"], body
    admin_id = await _staff_id(demo_sessions, "a@comune.it")  # admins are not handoff takers
    itself = await api.post(transfer, headers=_auth(admin), json={"staff_id": admin_id})
    assert itself.status_code == 404
    async with demo_sessions() as session:
        handoff = await session.get_one(Handoff, waiting["id"])
        assert (handoff.status, handoff.casa_id) == ("waiting", waiting["casa_id"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.fixed_dictionaries(
        {}, optional={"staff_id": st.integers() | st.none(), "casa_id": st.integers() | st.none()}
    )
)
async def test_any_transfer_gets_an_answer_never_a_500(
    api: httpx.AsyncClient, demo_sessions: SessionFactory, body: dict[str, int | None]
) -> None:
    async with transaction(demo_sessions) as session:  # the examples share the database
        if await session.scalar(select(StaffUser.id).where(StaffUser.email == "a@comune.it")):
            token = await staff.issue_token(session, email="a@comune.it")
        else:
            token = None
    token = token or await _token(demo_sessions, "a@comune.it", "admin", None)
    async with demo_sessions() as session:
        handoff_id = await session.scalar(select(Handoff.id))
    if handoff_id is None:
        handoff_id = (await resident_waiting(demo_sessions)).handoff_id
    answer = await api.post(f"/api/handoffs/{handoff_id}/transfer", headers=_auth(token), json=body)
    assert answer.status_code in (200, 400, 403, 404, 409, 422), answer.text
    assert answer.json()["detail" if answer.status_code >= 400 else "id"]


async def _staff_id(sessions: SessionFactory, email: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(StaffUser.id).where(StaffUser.email == email))
        assert found is not None
        return found


async def test_a_manager_with_a_casa_announces_only_to_its_neighbourhood(
    api: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    """Issue 21.6: a manager of Ospizio created city-wide and other-Casa announcements and
    cancelled an admin's; `quartiere` took any string."""
    ospizio = _auth(await _token(demo_sessions, "m@ospizio.it", "community_manager", "Ospizio"))
    admin = _auth(await _token(demo_sessions, "a@comune.it", "admin", None))
    texts = {"texts": {"it": "Domani mercato"}}
    for quartiere, status in ((None, 403), ("Rosta Nuova", 403), ("<b>nowhere</b>", 403)):
        answer = await api.post(
            "/api/broadcasts", headers=ospizio, json={**texts, "quartiere": quartiere}
        )
        assert answer.status_code == status, (quartiere, answer.text)
    mine = await api.post(
        "/api/broadcasts", headers=ospizio, json={**texts, "quartiere": "ospizio"}
    )
    assert mine.status_code == 201
    nowhere = await api.post(
        "/api/broadcasts", headers=admin, json={**texts, "quartiere": "<b>nowhere</b>"}
    )
    assert nowhere.status_code == 400 and "unknown quartiere" in nowhere.json()["detail"]
    theirs = await api.post(
        "/api/broadcasts", headers=admin, json={**texts, "quartiere": "Rosta Nuova"}
    )
    other = theirs.json()["id"]
    for path in (f"/api/broadcasts/{other}", f"/api/broadcasts/{other}/preview"):
        assert (await api.get(path, headers=ospizio)).status_code == 404
    for action in ("cancel", "send"):
        path = f"/api/broadcasts/{other}/{action}"
        assert (await api.post(path, headers=ospizio)).status_code == 404
    assert (await api.get(f"/api/broadcasts/{other}", headers=admin)).json()["state"] == "draft"
    own = mine.json()["id"]
    assert (await api.post(f"/api/broadcasts/{own}/cancel", headers=ospizio)).status_code == 200
    async with demo_sessions() as session:
        stored = await session.get(Broadcast, own)
        assert stored is not None and stored.quartiere == "Ospizio"


async def test_the_docs_are_for_staff_only_when_not_public(
    database: tuple[str, str | None], demo_sessions: SessionFactory
) -> None:
    """PORTINERIA_PUBLIC_DOCS=false: /docs, /redoc and /openapi.json need a login or token."""
    url, schema = database
    token = _auth(await _token(demo_sessions, "c@ospizio.it", "custodian", "Ospizio"))
    for public in (True, False):
        app = create_app(Settings(database_url=url, database_schema=schema, public_docs=public))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as client:
            anonymous = [(await client.get(p)).status_code for p in DOCS]
            assert anonymous == ([200, 200, 200] if public else [303, 303, 401])
            with_token = [(await client.get(p, headers=token)).status_code for p in DOCS]
            assert with_token == [200, 200, 200]
            schema_paths = (await client.get("/openapi.json", headers=token)).json()["paths"]
            assert "/api/broadcasts" in schema_paths


async def test_bookings_say_who_each_seat_is_for(
    api: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    waiting = await resident_waiting(demo_sessions, channel="sms", address="+393331112224")
    async with transaction(demo_sessions) as session:
        ospizio = await session.scalar(select(Casa.id).where(Casa.name == "Ospizio"))
        [slot] = await bookings.free_slots(session, casa_id=ospizio, now=NOW, limit=1)
        for_father = {"for_whom": "suo padre", "now": NOW}
        booking = await bookings.book_seat(
            session, resident_id=waiting.resident_id, slot_id=slot.id, **for_father
        )
    mine = _auth(await _token(demo_sessions, "c@ospizio.it", "custodian", "Ospizio"))
    found = (await api.get("/api/bookings", headers=mine)).json()
    [seat] = [b for b in found if b["code"] == booking.code]
    assert seat["for_whom"] == "suo padre" and seat["slot_id"] == slot.id
    assert seat["casa_id"] == ospizio and seat["status"] == "confirmed"
    other = _auth(await _token(demo_sessions, "c@orologio.it", "custodian", "Orologio"))
    assert booking.code not in (await api.get("/api/bookings", headers=other)).text
    assert (await api.get("/api/bookings", params={"slot_id": 0}, headers=mine)).status_code == 422
