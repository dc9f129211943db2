"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, the real NLU, a clock."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from actions.db import SessionFactory, create_engine, create_session_factory, transaction
from actions.demo import load_demo
from actions.migrate import upgrade_async
from nlu.types import NLU
from tests.support.postgres import temporary_schema

ROME = ZoneInfo("Europe/Rome")
POSTGRES_URL = os.environ.get(
    "PORTINERIA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REPO = Path(__file__).resolve().parents[1]
# A Wednesday morning in Reggio Emilia: every test that needs "now" uses it.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ROME)


def _postgres_reachable() -> bool:
    async def probe() -> None:
        connection = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""), timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    """Whether the PostgreSQL tests can run; in CI a missing server fails the run."""
    reachable = _postgres_reachable()
    if not reachable and os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but PostgreSQL is unreachable at {POSTGRES_URL}")
    return reachable


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(database URL, schema): a fresh SQLite file, or a fresh schema in PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'portineria.db'}", None
        return
    if not request.getfixturevalue("postgres_available"):
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432 (start it, or run with CI=true)")
    with temporary_schema(POSTGRES_URL, "test") as schema:
        yield POSTGRES_URL, schema


@pytest.fixture
async def sessions(database: tuple[str, str | None]) -> AsyncIterator[SessionFactory]:
    """A migrated, empty database."""
    url, schema = database
    await upgrade_async(url, schema=schema)
    engine = create_engine(url, schema=schema)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def demo_sessions(sessions: SessionFactory) -> SessionFactory:
    """A migrated database with the demo of Reggio Emilia loaded at NOW."""
    async with transaction(sessions) as session:
        await load_demo(session, now=NOW, zone=ROME)
    return sessions


@pytest.fixture(scope="session")
def nlu() -> NLU:
    """The real built-in NLU, trained once per machine into var/ (cached by data and code)."""
    from nlu.builtin import BuiltinNLU
    from nlu.gazetteer import load_gazetteer

    return BuiltinNLU.load(cache_dir=REPO / "var" / "nlu-test", gazetteer=load_gazetteer())
