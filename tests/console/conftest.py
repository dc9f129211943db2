"""Console fixtures: an app on the test database, staff, a resident waiting for a person."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select

from actions import handoffs, residents, staff
from actions.clock import ManualClock
from actions.db import SessionFactory, transaction
from actions.models import Casa, Conversation, Handoff
from api.main import create_app
from api.settings import Settings
from tests.conftest import NOW

PASSWORD = "una-password-lunga"
SECRET = "k" * 40
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def console(
    database: tuple[str, str | None], demo_sessions: SessionFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client (it keeps cookies) on a fresh app over the demo database, its
    clock at the demo's time."""
    url, schema = database
    settings = Settings(database_url=url, database_schema=schema, secret_key=SECRET)
    app = create_app(settings, clock=ManualClock(NOW))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as client:
        yield client


async def add_staff(
    sessions: SessionFactory, email: str, role: str, casa: str | None = None
) -> int:
    """A staff account with PASSWORD; returns its id."""
    async with transaction(sessions) as session:
        casa_id = await session.scalar(select(Casa.id).where(Casa.name == casa)) if casa else None
        user = await staff.create_staff(
            session,
            email=email,
            role=role,
            password=PASSWORD,
            casa_id=casa_id,
            now=NOW,
            display_name=email.split("@")[0],
        )
        return user.id


async def token_of(client: httpx.AsyncClient, path: str = "/console/login") -> str:
    """The CSRF token a page carries in its forms."""
    page = await client.get(path)
    found = TOKEN.search(page.text)
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


async def log_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the form, as a browser would."""
    token = await token_of(client)
    return await client.post(
        "/console/login", data={"email": email, "password": password, "csrf_token": token}
    )


async def post(client: httpx.AsyncClient, path: str, **data: str) -> httpx.Response:
    """Submit a console form with the session's CSRF token."""
    return await client.post(
        path, data={**data, "csrf_token": await token_of(client, "/console/inbox")}
    )


@dataclass(frozen=True)
class Waiting:
    """A resident who asked for a person."""

    handoff_id: int
    resident_id: int


async def resident_waiting(
    sessions: SessionFactory,
    *,
    quartiere: str = "Ospizio",
    channel: str = "telegram",
    address: str = "424242",
    text: str = "Vorrei parlare con una persona",
    reason: str = "asked",
) -> Waiting:
    """A resident of `quartiere` with a message in the log and an open handoff."""
    async with transaction(sessions) as session:
        found = await residents.find_or_create_address(
            session, channel=channel, address=address, language="it", now=NOW
        )
        found.last_inbound_at = NOW
        found.resident.quartiere = quartiere
        found.resident.display_name = f"Residente {address}"
        session.add(Conversation(resident_id=found.resident_id, state={}, updated_at=NOW))
        residents.log_message(
            session,
            resident_id=found.resident_id,
            channel=channel,
            direction="in",
            text=text,
            now=NOW,
        )
        handoff: Handoff = await handoffs.open_handoff(
            session,
            resident_id=found.resident_id,
            quartiere=quartiere,
            reason=reason,
            now=NOW,
            urgent=reason in ("emergency", "self_harm"),
        )
        return Waiting(handoff.id, found.resident_id)
