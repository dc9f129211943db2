"""Every console form is protected: a missing or forged CSRF token gets 403, nothing changes."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from actions.db import SessionFactory
from actions.models import AuditEntry, Handoff
from api.console import ROUTERS
from api.csrf import verify_csrf
from tests.console.conftest import add_staff, log_in, resident_waiting, token_of


def _console_posts() -> list[str]:
    paths = [
        route.path
        for module in ROUTERS
        for route in module.router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    ]
    return [re.sub(r"\{\w+\}", "1", path) for path in paths]


def test_every_console_post_route_is_checked() -> None:
    posts = _console_posts()
    assert len(posts) >= 15 and all(path.startswith("/console/") for path in posts)
    for module in ROUTERS:
        assert any(d.dependency is verify_csrf for d in module.router.dependencies), module


@pytest.mark.parametrize("forged", [None, "", "forged-token"])
async def test_a_forged_token_gets_403_everywhere(
    console: httpx.AsyncClient, demo_sessions: SessionFactory, forged: str | None
) -> None:
    await add_staff(demo_sessions, "a@comune.it", "admin")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "a@comune.it")
    for path in _console_posts():
        path = path.replace("/1/", f"/{waiting.handoff_id}/")
        data = {"text": "x", "outcome": "x", "status": "solved", "confirm": "CANCELLA"}
        if forged is not None:
            data["csrf_token"] = forged
        answer = await console.post(path, data=data)
        assert answer.status_code == 403, path
    async with demo_sessions() as session:
        handoff = await session.get(Handoff, waiting.handoff_id)
        assert handoff is not None and handoff.status == "waiting"
        actions = (await session.scalars(select(AuditEntry.action))).all()
        assert actions == ["staff.login"]


async def test_a_token_from_another_session_gets_403(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "a@comune.it", "admin")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "a@comune.it")
    transport = console._transport  # the same app, another browser
    async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as other:
        theirs = await token_of(other)
    answer = await console.post(
        f"/console/handoffs/{waiting.handoff_id}/claim", data={"csrf_token": theirs}
    )
    assert answer.status_code == 403
    assert "scaduto" in answer.text  # a page a person can read


async def test_the_header_works_for_htmx(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "a@comune.it", "admin")
    waiting = await resident_waiting(demo_sessions)
    await log_in(console, "a@comune.it")
    token = await token_of(console, "/console/inbox")
    answer = await console.post(
        f"/console/handoffs/{waiting.handoff_id}/claim", headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 303
