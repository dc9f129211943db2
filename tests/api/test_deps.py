"""The request's transaction is committed before its response starts."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from actions import staff
from actions.db import SessionFactory, transaction
from actions.models import Broadcast
from api.main import create_app
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
