"""The inbox and the conversation view: claim, answer, notes, transfer, close; who sees what."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from actions import staff
from actions.db import SessionFactory, transaction
from actions.models import (
    AuditEntry,
    Casa,
    Conversation,
    Delivery,
    Handoff,
    HandoffNote,
    StaffUser,
)
from api.console import live
from tests.conftest import NOW
from tests.console.conftest import add_staff, log_in, post, resident_waiting, token_of


async def test_claim_answer_note_close(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "c@ospizio.it")
    inbox = await console.get("/console/inbox")
    assert f'data-handoff="{waiting.handoff_id}"' in inbox.text
    assert "Vorrei parlare con una persona" in inbox.text
    here = f"/console/handoffs/{waiting.handoff_id}"
    assert (await post(console, f"{here}/claim")).headers["location"] == here
    assert (await post(console, f"{here}/reply", text="Buongiorno, sono Anna.")).status_code == 303
    assert (await post(console, f"{here}/notes", text="Richiamare domani")).status_code == 303
    page = await console.get(here)
    assert "Buongiorno, sono Anna." in page.text and "Richiamare domani" in page.text
    assert "In coda" in page.text  # the answer waits in the outbox
    assert (await post(console, f"{here}/close", outcome="Risolto")).status_code == 303
    closed = await console.get(here)
    assert 'data-status="closed"' in closed.text and "Risolto" in closed.text
    async with demo_sessions() as session:
        relay = await session.scalar(select(Delivery).where(Delivery.kind == "relay"))
        assert relay is not None and relay.address == "424242" and relay.channel == "telegram"
        assert relay.payload["text"] == "Buongiorno, sono Anna."
        conversation = await session.scalar(select(Conversation))
        assert conversation is not None and conversation.held_by_staff_id is None
        actions = set((await session.scalars(select(AuditEntry.action))).all())
        assert {"handoff.claim", "handoff.reply", "handoff.note", "handoff.close"} <= actions
        assert await session.scalar(select(HandoffNote.text)) == "Richiamare domani"


async def test_a_refused_action_is_explained_and_nothing_is_written(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await add_staff(demo_sessions, "d@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions)
    here = f"/console/handoffs/{waiting.handoff_id}"
    await log_in(console, "c@ospizio.it")
    await post(console, f"{here}/claim")
    again = await post(console, f"{here}/claim")
    assert again.status_code == 303 and again.headers["location"] == here
    assert "Non fatto" in (await console.get(here)).text
    await post(console, "/console/logout")
    await log_in(console, "d@ospizio.it")
    await post(console, f"{here}/reply", text="Rispondo anch'io")
    assert "risponde già" in (await console.get(here)).text
    async with demo_sessions() as session:
        assert (await session.scalar(select(Delivery))) is None


async def test_a_custodian_cannot_see_another_casa(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@orologio.it", "custodian", "Orologio")
    waiting = await resident_waiting(demo_sessions, quartiere="Ospizio")
    await log_in(console, "c@orologio.it")
    here = f"/console/handoffs/{waiting.handoff_id}"
    assert f'data-handoff="{waiting.handoff_id}"' not in (await console.get("/console/inbox")).text
    assert (await console.get(here)).status_code == 404
    assert (await post(console, f"{here}/claim")).status_code == 404
    assert (await post(console, f"{here}/reply", text="x")).status_code == 404
    async with demo_sessions() as session:
        handoff = await session.get(Handoff, waiting.handoff_id)
        assert handoff is not None and handoff.status == "waiting"


async def test_transfer_to_a_colleague_of_another_casa(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    colleague = await add_staff(demo_sessions, "c@orologio.it", "custodian", "Orologio")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "c@ospizio.it")
    here = f"/console/handoffs/{waiting.handoff_id}"
    moved = await post(console, f"{here}/transfer", staff_id=str(colleague), casa_id="")
    assert moved.headers["location"] == "/console/inbox"  # no longer ours to see
    async with demo_sessions() as session:
        handoff = await session.get(Handoff, waiting.handoff_id)
        orologio = await session.scalar(select(Casa.id).where(Casa.name == "Orologio"))
        assert handoff is not None
        assert (handoff.status, handoff.claimed_by_staff_id) == ("claimed", colleague)
        assert handoff.casa_id == orologio


async def test_release_gives_the_conversation_back(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "m@comune.it", "community_manager")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "m@comune.it")
    here = f"/console/handoffs/{waiting.handoff_id}"
    await post(console, f"{here}/claim")
    assert (await post(console, f"{here}/release")).headers["location"] == "/console/inbox"
    assert "ridata al bot" in (await console.get("/console/inbox")).text


async def test_live_streams_send_the_inbox_and_the_conversation(
    console: httpx.AsyncClient, demo_sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "STREAM_SECONDS", 0.0)  # one round, then the stream ends
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "c@ospizio.it")
    inbox = await console.get("/console/inbox/stream")
    assert inbox.headers["content-type"].startswith("text/event-stream")
    assert "event: inbox\nid: " in inbox.text
    assert f'id="card-{waiting.handoff_id}" data-handoff="{waiting.handoff_id}"' in inbox.text
    event_id = inbox.text.split("id: ")[1].split("\n")[0]
    again = await console.get("/console/inbox/stream", headers={"Last-Event-ID": event_id})
    assert "event:" not in again.text  # nothing changed, nothing re-sent
    talk = await console.get(f"/console/handoffs/{waiting.handoff_id}/stream")
    assert "event: conversation" in talk.text and "Vorrei parlare" in talk.text


async def test_an_emergency_comes_first(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await resident_waiting(demo_sessions, address="1")
    urgent = await resident_waiting(demo_sessions, address="2", reason="emergency")
    await log_in(console, "c@ospizio.it")
    first = re.search(r'data-handoff="(\d+)"', (await console.get("/console/inbox")).text)
    assert first is not None and first.group(1) == str(urgent.handoff_id)


async def test_actions_in_place_answer_with_the_live_part_and_a_summary(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "anna@ospizio.it")
    here = f"/console/handoffs/{waiting.handoff_id}"
    token = await token_of(console, here)
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    claimed = await console.post(f"{here}/claim", headers=htmx)
    assert claimed.status_code == 200 and 'data-status="claimed"' in claimed.text
    assert json.loads(claimed.headers["HX-Trigger"]) == {
        "announce": "Conversazione presa in carico."
    }
    assert "<html" not in claimed.text  # only the live part, changed in place
    again = await console.post(f"{here}/claim", headers=htmx)
    assert again.status_code == 200 and again.headers["HX-Retarget"] == "#action-error"
    assert "Non fatto" in again.text
    released = await console.post(f"{here}/release", headers=htmx)
    assert "Ridata al bot" in released.text and "la segue" not in released.text


async def test_a_handoff_of_no_casa_is_every_custodians(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@orologio.it", "custodian", "Orologio")
    nowhere = await resident_waiting(demo_sessions, quartiere="")
    await log_in(console, "c@orologio.it")
    here = f"/console/handoffs/{nowhere.handoff_id}"
    assert f'id="card-{nowhere.handoff_id}"' in (await console.get("/console/inbox")).text
    assert (await console.get(here)).status_code == 200
    assert (await post(console, f"{here}/claim")).status_code == 303
    async with demo_sessions() as session:
        handoff = await session.get(Handoff, nowhere.handoff_id)
        assert handoff is not None and handoff.status == "claimed"


async def test_the_transfer_list_names_only_the_colleagues_one_may_pass_it_to(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await add_staff(demo_sessions, "m@comune.it", "community_manager")
    await add_staff(demo_sessions, "capo@comune.it", "admin")
    gone = await add_staff(demo_sessions, "gone@orologio.it", "custodian", "Orologio")
    async with transaction(demo_sessions) as session:
        orologio = await session.scalar(select(Casa.id).where(Casa.name == "Orologio"))
        await staff.create_staff(  # no display name: named by the start of the address
            session,
            email="anna.bianchi@orologio.it",
            role="custodian",
            password="x" * 16,
            casa_id=orologio,
            now=NOW,
        )
        (await session.get_one(StaffUser, gone)).active = False
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "c@ospizio.it")
    page = (await console.get(f"/console/handoffs/{waiting.handoff_id}")).text
    found = re.search(r'<select id="transfer-staff".*?</select>', page, re.DOTALL)
    assert found is not None
    offered = re.findall(r'<option value="\d+">([^<]*)</option>', found.group(0))
    # Not oneself, the admin, the account switched off; the demo's custodian is there.
    assert offered == ["anna.bianchi · Orologio", "Custode Ospizio (demo) · Ospizio", "m"]
    assert not re.search(r"@|\((Custode|Admin|Community manager)\)", found.group(0))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    staff_id=st.integers().map(str) | st.text(max_size=30),
    casa_id=st.integers().map(str) | st.just(""),
)
async def test_any_transfer_form_gets_a_page_never_a_500(
    console: httpx.AsyncClient, demo_sessions: SessionFactory, staff_id: str, casa_id: str
) -> None:
    async with demo_sessions() as session:
        handoff_id = await session.scalar(select(Handoff.id))
    if handoff_id is None:  # the first example: an admin, logged in, and a handoff
        await add_staff(demo_sessions, "a@comune.it", "admin")
        await log_in(console, "a@comune.it")
        handoff_id = (await resident_waiting(demo_sessions)).handoff_id
    here = f"/console/handoffs/{handoff_id}"
    answer = await post(console, f"{here}/transfer", staff_id=staff_id, casa_id=casa_id)
    assert answer.status_code == 303, answer.text
