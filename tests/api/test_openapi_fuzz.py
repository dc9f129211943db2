"""Schemathesis against the OpenAPI of every route: no 5xx, responses match the schema."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from actions.db import create_engine, create_session_factory, transaction
from actions.demo import load_demo
from actions.migrate import upgrade
from actions.staff import create_staff, issue_token
from api.main import create_app
from api.settings import Settings
from tests.conftest import NOW, ROME

TOKEN: dict[str, str] = {}


async def _seed(url: str) -> str:
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            await load_demo(session, now=NOW, zone=ROME)
            await create_staff(
                session, email="fuzz@comune.it", role="admin", password="fuzz-password", now=NOW
            )
            return await issue_token(session, email="fuzz@comune.it")
    finally:
        await engine.dispose()


def _schema() -> schemathesis.BaseSchema:
    """The app on a seeded SQLite file (schemathesis needs the schema at collection time)."""
    url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='portineria-fuzz-')) / 'api.db'}"
    upgrade(url)
    TOKEN["value"] = asyncio.run(_seed(url))
    app = create_app(Settings(database_url=url, secret_key="x" * 40))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_route_fails_or_breaks_its_schema(case: schemathesis.Case) -> None:
    # Business rules (the Italian text is required, no past schedules) answer a 4xx with a
    # reason to requests the schema alone allows: those two data-acceptance checks are off.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN['value']}"},
        excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection],
    )
