"""Logging in and out; anonymous visitors are sent to the login page or get 401."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from actions.db import SessionFactory
from actions.models import AuditEntry
from tests.console.conftest import add_staff, log_in, post, token_of


async def test_anonymous_is_sent_to_login(console: httpx.AsyncClient) -> None:
    answer = await console.get("/console/inbox")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=/console/inbox"
    assert (await console.get("/console/inbox/stream")).status_code == 401
    assert (await console.get("/console/handoffs/1/stream")).status_code == 401
    assert (await console.get("/api/handoffs")).status_code == 401


async def test_anonymous_posts_get_401(console: httpx.AsyncClient) -> None:
    token = await token_of(console)
    answer = await console.post("/console/handoffs/1/claim", data={"csrf_token": token})
    assert answer.status_code == 401


async def test_login_and_logout(console: httpx.AsyncClient, demo_sessions: SessionFactory) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    answer = await log_in(console, "C@Ospizio.it")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/inbox"
    page = await console.get("/console/inbox")
    assert page.status_code == 200 and "Conversazioni" in page.text
    # The REST API wants its token: a logged-in browser's cookie alone opens nothing there.
    assert (await console.get("/api/handoffs")).status_code == 401
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert (await post(console, "/console/logout")).status_code == 303
    assert (await console.get("/console/inbox")).status_code == 303
    async with demo_sessions() as session:
        actions = set((await session.scalars(select(AuditEntry.action))).all())
    assert {"staff.login", "staff.logout"} <= actions


async def test_wrong_password_or_unknown_email(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    for email, password in (("c@ospizio.it", "sbagliata"), ("nessuno@x.it", "sbagliata")):
        answer = await log_in(console, email, password)
        assert answer.status_code == 401
        assert "non corretti" in answer.text
    assert (await console.get("/console/inbox")).status_code == 303


async def test_the_session_token_changes_at_login(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    before = await token_of(console)
    await log_in(console, "c@ospizio.it")
    assert await token_of(console, "/console/inbox") != before


async def test_login_goes_back_only_to_console_pages(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    token = await token_of(console)
    answer = await console.post(
        "/console/login",
        data={
            "email": "c@ospizio.it",
            "password": "una-password-lunga",
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert answer.headers["location"] == "/console/inbox"
