"""Request dependencies: the transaction committed before the answer; ids in paths checked."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from actions import staff
from actions.db import SessionFactory, transaction
from actions.models import MAX_ID, Broadcast
from api import console
from api.main import create_app
from api.routes import broadcasts, handoffs, needs
from api.settings import Settings
from tests.conftest import NOW


async def test_what_a_request_wrote_is_committed_when_its_answer_starts(
    database: tuple[str, str | None], demo_sessions: SessionFactory
) -> None:
    async with transaction(demo_sessions) as session:
        await staff.create_staff(
            session, email="a@comune.it", role="admin", password="p" * 12, now=NOW
        )
        token = await staff.issue_token(session, email="a@comune.it")
    url, schema = database
    app = create_app(Settings(database_url=url, database_schema=schema))
    seen_at_start: list[int] = []

    async def watching(scope: Any, receive: Any, send: Any) -> None:
        async def send_watched(message: Any) -> None:
            # A browser follows a redirect as soon as its headers arrive: the next request
            # must find what this one wrote, seen here from another connection.
            if message["type"] == "http.response.start":
                async with demo_sessions() as other:
                    seen_at_start.append(await other.scalar(select(func.count(Broadcast.id))) or 0)
            await send(message)

        await app(scope, receive, send_watched)

    transport = httpx.ASGITransport(app=watching)
    async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as client:
        created = await client.post(
            "/api/broadcasts",
            json={"texts": {"it": "Ciao"}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert created.status_code == 201, created.text
    assert seen_at_start == [1]


API_ROUTERS = (handoffs, needs, broadcasts)
# Ids no row can have: past PostgreSQL's INTEGER (SQLite overflowed on them), zero,
# negative, and words.
IMPOSSIBLE_IDS = (
    st.integers(min_value=MAX_ID + 1)
    | st.integers(max_value=0)
    | st.sampled_from(["99999999999999999999", "-1", "1e3", "abc", "١"])
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(impossible=IMPOSSIBLE_IDS)
async def test_an_impossible_id_in_any_path_is_a_404(
    id_client: tuple[httpx.AsyncClient, list[tuple[str, str]], str], impossible: int | str
) -> None:
    client, routes, csrf = id_client
    for method, path in routes:
        url = re.sub(r"\{\w+_id\}", str(impossible), path)
        answer = await client.request(
            method, url, data={"csrf_token": csrf} if method == "POST" else None
        )
        assert answer.status_code == 404, f"{method} {url}: {answer.status_code}"
        assert "no " in answer.text  # the reason, on the console's error page or as JSON


@pytest.fixture
async def id_client(
    database: tuple[str, str | None], demo_sessions: SessionFactory
) -> AsyncIterator[tuple[httpx.AsyncClient, list[tuple[str, str]], str]]:
    """An admin logged in to the console and holding an API token; every route with an id."""
    async with transaction(demo_sessions) as session:
        await staff.create_staff(
            session, email="a@comune.it", role="admin", password="p" * 12, now=NOW
        )
        token = await staff.issue_token(session, email="a@comune.it")
    url, schema = database
    app = create_app(Settings(database_url=url, database_schema=schema, secret_key="k" * 40))
    routes = [
        (method, route.path)
        for module in (*API_ROUTERS, *console.ROUTERS)
        for route in module.router.routes
        if isinstance(route, APIRoute) and re.search(r"\{\w+_id\}", route.path)
        for method in sorted(route.methods & {"GET", "POST", "PATCH"})
    ]
    assert len(routes) > 25  # the API's and the console's
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://portineria", headers=headers
    ) as client:
        login = await client.get("/console/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert csrf is not None
        fields = {"email": "a@comune.it", "password": "p" * 12, "csrf_token": csrf.group(1)}
        assert (await client.post("/console/login", data=fields)).status_code == 303
        inbox = await client.get("/console/inbox")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', inbox.text)
        assert csrf is not None
        yield client, routes, csrf.group(1)
