"""Engine and session factory: one code path for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]
SQLITE_LOCK_TIMEOUT = 30  # seconds a writer waits for another before giving up


def create_engine(database_url: str, *, schema: str | None = None) -> AsyncEngine:
    """An async engine; SQLite gets its folder, foreign keys and queued transactions.

    `schema` (PostgreSQL) puts every table in that schema, so several deployments or test
    runs can share one database. Parameters are kept out of error messages (and so out of
    logged tracebacks): they hold residents' numbers and texts.
    """
    url = make_url(database_url)
    if not is_sqlite(database_url):
        connect_args = {"server_settings": {"search_path": schema}} if schema else {}
        # No pre-ping (a round trip before every use): a connection found dead invalidates
        # the whole pool at once, so after a database restart one call fails (503, retried)
        # and the next ones connect afresh. Twice SQLAlchemy's pool: webhooks share commits,
        # but console pages, the intake's turns and the sender each hold one a while.
        return create_async_engine(
            url,
            pool_size=10,
            max_overflow=10,
            connect_args=connect_args,
            hide_parameters=True,
        )
    queue: dict[str, int] = {}
    if url.database and url.database != ":memory:":  # (in memory, one connection already)
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection for the one process: SQLite lets one writer in at a time, and every
        # transaction here writes or may (BEGIN IMMEDIATE), so units of work wait their turn
        # in the pool's queue, in order and woken at once, rather than in SQLite's busy
        # handler, which sleeps up to 100 ms between tries and lets newcomers overtake.
        queue = {"pool_size": 1, "max_overflow": 0, "pool_timeout": SQLITE_LOCK_TIMEOUT}
    engine = create_async_engine(
        url, connect_args={"timeout": SQLITE_LOCK_TIMEOUT}, hide_parameters=True, **queue
    )
    _sqlite_transactions(engine.sync_engine)
    return engine


def is_sqlite(database_url: str) -> bool:
    """Whether the URL names SQLite: one process, one writer at a time."""
    return make_url(database_url).get_backend_name() == "sqlite"


def _sqlite_transactions(engine: Engine) -> None:
    """SQLAlchemy's pysqlite recipe: the driver's own implicit BEGIN is off, and each
    transaction starts with BEGIN IMMEDIATE, so it takes the write lock before its first read
    and two writers queue on SQLite's busy timeout instead of failing half-way
    ("database is locked" on upgrading a read lock)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # SQLite leaves foreign keys off by default; WAL lets readers go on while one writes.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with factory() as session, session.begin():
        yield session
