"""Logging in and out; anonymous visitors are sent to the login page or get 401."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from actions import staff
from actions.db import SessionFactory, transaction
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


async def test_logout_ends_the_session_a_copied_cookie_included(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    """Issue 21.7: after logout the old cookie still opened the console for 12 hours."""
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await log_in(console, "c@ospizio.it")
    copied = dict(console.cookies)
    assert (await post(console, "/console/logout")).status_code == 303
    console.cookies.clear()
    console.cookies.update(copied)
    answer = await console.get("/console/inbox")
    assert answer.status_code == 303 and "/console/login" in answer.headers["location"]
    assert (await console.get("/console/inbox/stream")).status_code == 401


async def test_guessing_a_password_is_slowed_per_account_and_audited(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    """Issue 21.3: 30 wrong passwords all got 401, then the right one got in."""
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    for _ in range(5):
        assert (await log_in(console, "c@ospizio.it", "sbagliata")).status_code == 401
    blocked = await log_in(console, "c@ospizio.it")  # even the right password, for now
    assert blocked.status_code == 429
    assert "Troppi tentativi sbagliati. Riprovi tra 1 minuto." in blocked.text
    assert 0 < int(blocked.headers["retry-after"]) <= 60
    assert (await console.get("/console/inbox")).status_code == 303
    async with demo_sessions() as session:
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [e.action for e in entries] == ["staff.login_failed"] * 5 + ["staff.login_blocked"]
    assert {e.target for e in entries} == {f"staff:{entries[0].staff_id}"}
    assert entries[-1].detail["client"] == "127.0.0.1"


async def test_guessing_many_accounts_from_one_address_is_slowed(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    for n in range(20):
        assert (await log_in(console, f"nessuno{n}@x.it", "sbagliata")).status_code == 401
    assert (await log_in(console, "c@ospizio.it")).status_code == 429


async def test_an_admin_switches_an_account_off_and_on_and_resets_its_password(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    """Issue 21.5: nothing could switch an account off; disabling ends its sessions at once."""
    custodian = await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await add_staff(demo_sessions, "admin@comune.it", "admin")
    async with transaction(demo_sessions) as session:
        token = await staff.issue_token(session, email="c@ospizio.it")
    bearer = {"Authorization": f"Bearer {token}"}
    transport = console._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as theirs:
        await log_in(theirs, "c@ospizio.it")
        assert (await theirs.get("/console/inbox")).status_code == 200
        assert (await theirs.get("/api/handoffs", headers=bearer)).status_code == 200
        await log_in(console, "admin@comune.it")
        listing = await console.get("/console/staff")
        assert listing.status_code == 200 and "c@ospizio.it" in listing.text
        assert (await post(console, f"/console/staff/{custodian}/disable")).status_code == 303
        assert (await theirs.get("/console/inbox")).status_code == 303
        assert (await theirs.get("/api/handoffs", headers=bearer)).status_code == 401
        assert (await log_in(theirs, "c@ospizio.it")).status_code == 401

        await post(console, f"/console/staff/{custodian}/enable")
        assert (await log_in(theirs, "c@ospizio.it")).status_code == 303
        assert (await theirs.get("/api/handoffs", headers=bearer)).status_code == 401  # revoked
        reset = await post(console, f"/console/staff/{custodian}/reset-password")
        shown = await console.get(reset.headers["location"])
        found = re.search(r"Nuova password di c@ospizio.it: (\S+?)<", shown.text)
        assert found, shown.text
        assert (await theirs.get("/console/inbox")).status_code == 303  # the session ended
        assert (await log_in(theirs, "c@ospizio.it")).status_code == 401
        assert (await log_in(theirs, "c@ospizio.it", found.group(1))).status_code == 303
    async with demo_sessions() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert {"staff.disable", "staff.enable", "staff.reset_password"} <= set(actions)


async def test_only_admins_manage_accounts(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    custodian = await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await log_in(console, "c@ospizio.it")
    assert (await console.get("/console/staff")).status_code == 403
    assert (await post(console, f"/console/staff/{custodian}/disable")).status_code == 403


async def test_a_language_not_offered_is_refused_politely_and_english_outlives_a_logout(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await log_in(console, "c@ospizio.it")
    refused = await post(console, "/console/language", language="fr", back="//evil.example")
    assert refused.headers["location"] == "/console/inbox"
    assert "italiano o inglese" in (await console.get("/console/inbox")).text
    chosen = await post(console, "/console/language", language="en", back="/console/needs")
    assert chosen.headers["location"] == "/console/needs"
    assert "<h1>Reports</h1>" in (await console.get("/console/needs")).text
    missing = await console.get("/console/handoffs/999999")
    assert missing.status_code == 404 and "Not found" in missing.text
    await post(console, "/console/logout")
    assert "Staff log in" in (await console.get("/console/login")).text
