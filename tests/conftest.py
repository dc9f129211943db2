"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, the real NLU, a clock.

Which tests run on PostgreSQL too: a test (or its class or module) marked `both_databases`
runs on SQLite and on PostgreSQL; every other test that uses `database` (or `sessions`,
`demo_sessions`) runs on SQLite only. Mark a test `both_databases` when its SQL or its
concurrency differs between the two: outbox and inbox claims (FOR UPDATE, SKIP LOCKED),
ON CONFLICT, racing writers, broadcast fan-out, migrations, privacy's search and erasure, raw
SQL, dialect branches (`dialect.name`), and the channel round trips that go through the claims.
The rest runs the same ORM statements on both, so SQLite alone covers them. A test can also
choose its databases itself (`parametrize("database", [...], indirect=True)`).
With CI=true a PostgreSQL server that cannot be reached fails the run instead of skipping.

Each run migrates once: SQLite tests get a copy of a template file migrated once per process
(per xdist worker), PostgreSQL tests share one migrated schema per process, emptied before each
test. Tests that use `database` without `sessions` get a database nobody migrated, as before.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from argon2 import PasswordHasher

from actions import staff
from actions.db import SessionFactory, create_engine, create_session_factory, transaction
from actions.demo import load_demo
from actions.migrate import upgrade
from nlu.types import NLU
from tests.support.postgres import empty_tables, temporary_schema

ROME = ZoneInfo("Europe/Rome")
POSTGRES_URL = os.environ.get(
    "PORTINERIA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REPO = Path(__file__).resolve().parents[1]
NLU_MODEL_DIR = REPO / "var" / "nlu-test"
# A Wednesday morning in Reggio Emilia: every test that needs "now" uses it.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ROME)

# Staff passwords in tests are hashed with argon2's cheapest parameters: the demo hashes two
# per test, 0.3 s each with the production ones. A hash carries its parameters, so checking
# one made here costs the same little anywhere, in child processes too.
staff.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """SQLite for every test that uses `database`; PostgreSQL too where marked (see above)."""
    if "database" not in metafunc.fixturenames:
        return
    for chosen in metafunc.definition.iter_markers("parametrize"):
        names = chosen.args[0]
        if "database" in (names.replace(" ", "").split(",") if isinstance(names, str) else names):
            return  # the test chose its databases itself
    backends: list[object] = ["sqlite"]
    if metafunc.definition.get_closest_marker("both_databases"):
        backends.append(pytest.param("postgres", marks=pytest.mark.postgres))
    metafunc.parametrize("database", backends, indirect=True)


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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once for this process; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "portineria.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    with sqlite3.connect(path) as connection:  # everything into the file, so a copy is whole
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_schema(postgres_available: bool) -> Iterator[str]:
    """A PostgreSQL schema migrated once for this process, dropped at the end of the run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with temporary_schema(POSTGRES_URL, f"test_{worker}") as schema:
        upgrade(POSTGRES_URL, schema=schema)
        yield schema


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(database URL, schema) of this test's database, on SQLite or PostgreSQL.

    Migrated and empty when the test also uses `sessions`: a copy of the SQLite template, or
    the process's PostgreSQL schema emptied. Otherwise a new SQLite file or a new schema that
    nobody migrated, for tests that migrate it themselves or check what happens if nobody did.
    """
    backend = getattr(request, "param", "sqlite")
    migrated = "sessions" in request.fixturenames
    if backend == "sqlite":
        path = tmp_path / "portineria.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}", None
        return
    if not request.getfixturevalue("postgres_available"):
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432 (start it, or run with CI=true)")
    if migrated:
        schema = request.getfixturevalue("postgres_schema")
        empty_tables(POSTGRES_URL, schema)
        yield POSTGRES_URL, schema
        return
    with temporary_schema(POSTGRES_URL, "test") as schema:
        yield POSTGRES_URL, schema


@pytest.fixture
async def sessions(database: tuple[str, str | None]) -> AsyncIterator[SessionFactory]:
    """A migrated, empty database."""
    url, schema = database
    engine = create_engine(url, schema=schema)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def demo_sessions(sessions: SessionFactory) -> SessionFactory:
    """A migrated database with the demo of Reggio Emilia loaded at NOW."""
    async with transaction(sessions) as session:
        await load_demo(session, now=NOW, zone=ROME)
    return sessions


@pytest.fixture(autouse=True)
def _model_before_child_processes(request: pytest.FixtureRequest) -> None:
    """A test marked `processes` gets the shared model trained before it starts any child."""
    if request.node.get_closest_marker("processes"):
        request.getfixturevalue("nlu")


@pytest.fixture(scope="session")
def nlu() -> NLU:
    """The real built-in NLU, trained once per machine into var/ (cached by data and code).

    Child processes load the same model directory (tests/support/processes.py): a test that
    starts one asks for this fixture first, so the model is trained before, and only once.
    """
    from nlu.builtin import BuiltinNLU
    from nlu.gazetteer import load_gazetteer

    NLU_MODEL_DIR.mkdir(parents=True, exist_ok=True)
    # xdist workers start together: the first trains, the others wait and load its model.
    with (NLU_MODEL_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return BuiltinNLU.load(cache_dir=NLU_MODEL_DIR, gazetteer=load_gazetteer())
