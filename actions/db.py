"""Engine and session factory: one code path for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from actions.sqlite_writers import QueuedWriter

SessionFactory = async_sessionmaker[AsyncSession]
SQLITE_LOCK_TIMEOUT = 30  # seconds a writer waits for another before giving up


def create_engine(database_url: str, *, schema: str | None = None) -> AsyncEngine:
    """An async engine; SQLite gets its folder, foreign keys and a lock timeout.

    `schema` (PostgreSQL) puts every table in that schema, so several deployments or test
    runs can share one database. Parameters are kept out of error messages (and so out of
    logged tracebacks): they hold residents' numbers and texts.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
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
    engine = create_async_engine(url, connect_args=_sqlite_arguments(url), hide_parameters=True)
    _sqlite_pragmas(engine.sync_engine)
    return engine


def sqlite_file_engine(database_url: str) -> Engine | None:
    """For a SQLite file, a synchronous engine on it, with the same pragmas and write queue,
    for work done in one call on a thread of its own (the webhooks' inbox); else None."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or _file_of(url) is None:
        return None
    # Pooled connections serve whichever of the threads asks next, one at a time.
    arguments = _sqlite_arguments(url) | {"check_same_thread": False}
    engine = create_sync_engine(
        url.set(drivername="sqlite"), connect_args=arguments, hide_parameters=True
    )
    _sqlite_pragmas(engine)
    return engine


def _file_of(url: URL) -> str | None:
    return url.database if url.database and url.database != ":memory:" else None


def _sqlite_arguments(url: URL) -> dict[str, Any]:
    """A file gets its folder, and its writers queue (actions.sqlite_writers)."""
    arguments: dict[str, Any] = {"timeout": SQLITE_LOCK_TIMEOUT}
    path = _file_of(url)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        arguments["factory"] = QueuedWriter
    return arguments


def _sqlite_pragmas(engine: Engine) -> None:
    # SQLite leaves foreign keys off by default, and several processes (serve, worker)
    # share one file: WAL lets readers go on while one writes.
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with factory() as session, session.begin():
        yield session
