"""Hamlet in the console: its events read-only with their link, needs' posts taken down."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from actions import hamlet, hamlet_posts, needs
from actions.db import SessionFactory, transaction
from actions.models import Event, HamletPost
from api import deps
from api.main import create_app
from api.settings import Settings
from bot.runtime.hamlet import HamletBridge, post_due_needs, sync_spaces
from tests.conftest import NOW, ROME
from tests.console.conftest import SECRET, add_staff, log_in, post, resident_waiting
from tests.fakes.humhub import TOKEN, Entry, FakeHumHub


@pytest.fixture
def humhub() -> Iterator[FakeHumHub]:
    with FakeHumHub() as fake:
        space = fake.add_space(3, "Casa di Quartiere Ospizio", 7)
        start = NOW.replace(tzinfo=None) + timedelta(days=1)
        space.entries = [Entry(1, "Pranzo sociale", start, start + timedelta(hours=2))]
        yield fake


@pytest.fixture
async def client(
    database: tuple[str, str | None], demo_sessions: SessionFactory, humhub: FakeHumHub
) -> AsyncIterator[httpx.AsyncClient]:
    url, schema = database
    settings = Settings(
        database_url=url,
        database_schema=schema,
        secret_key=SECRET,
        hamlet_url=humhub.url,
        hamlet_token=TOKEN,
    )
    app = create_app(settings)
    app.dependency_overrides[deps.now] = lambda: NOW  # the entries are dated from NOW
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as client:
        yield client


def bridge(fake: FakeHumHub) -> HamletBridge:
    return HamletBridge(fake.url, TOKEN, ROME, ROME, timedelta(minutes=15), timeout=2)


async def test_hamlet_events_are_read_only_and_a_post_comes_down(
    client: httpx.AsyncClient, demo_sessions: SessionFactory, humhub: FakeHumHub
) -> None:
    async with transaction(demo_sessions) as session:
        await hamlet.link_casa(session, name="Ospizio", container_id=7, now=NOW)
    await sync_spaces(demo_sessions, bridge(humhub), now=NOW, all_now=True)
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await log_in(client, "c@ospizio.it")

    listing = await client.get("/console/events")
    async with demo_sessions() as session:
        event = await session.scalar(select(Event).where(Event.source == "hamlet"))
        assert event is not None
    row = listing.text.split(f'id="event-{event.id}"')[1].split("</tr>")[0]
    assert "da Hamlet" in row and f'href="{event.hamlet_url}"' in row and "Modifica" not in row
    edit = await client.get(f"/console/events/{event.id}/edit")
    assert edit.status_code == 303
    refused = await post(client, f"/console/events/{event.id}/cancel")
    assert refused.status_code == 303
    assert "comes from Hamlet" in (await client.get("/console/events")).text

    waiting = await resident_waiting(demo_sessions)
    async with transaction(demo_sessions) as session:
        need = await needs.file_need(
            session,
            resident_id=waiting.resident_id,
            category="company",
            description="Vorrei qualcuno con cui fare due passi",
            location="",
            quartiere="Ospizio",
            consent_contact=False,
            consent_hamlet=True,
            now=NOW,
        )
        await hamlet_posts.share_need(session, need=need, category="Compagnia", names=(), now=NOW)
    assert await post_due_needs(demo_sessions, bridge(humhub), now=NOW) == 1
    [posted] = humhub.posts(7)
    board = await client.get("/console/needs")
    assert "Hamlet: pubblicata" in board.text
    assert posted["content"]["metadata"]["url"] in board.text and "Togli da Hamlet" in board.text
    taken = await post(client, f"/console/needs/{need.id}/hamlet", back="/console/needs")
    assert taken.status_code == 303 and humhub.posts(7) == []
    assert any(
        r.method == "DELETE" and r.path == f"/api/v1/post/{posted['id']}" for r in humhub.requests
    )
    async with demo_sessions() as session:
        assert await session.scalar(select(HamletPost.state)) == "removed"
    assert "Hamlet: tolta" in (await client.get("/console/needs")).text


def test_zones_are_checked() -> None:
    with pytest.raises(ValueError):
        Settings(hamlet_timezone="Mars/Base")
    assert ZoneInfo(Settings().hamlet_timezone) == ROME
