"""Engine and session factory: one code path for SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import fcntl
import os
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]
_WRITE_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)
_HOLDING_WRITE_LOCK: ContextVar[bool] = ContextVar("holding_write_lock", default=False)


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
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

    # SQLite leaves foreign keys off by default, and several processes (serve, chat)
    # share one file: WAL lets readers go on while one writes.
    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def one_writer_at_a_time(factory: SessionFactory) -> AsyncIterator[None]:
    """On SQLite, writers queue for the database: in this process on an asyncio lock, across
    processes on an flock of a file beside the database, which the kernel hands to the next
    one as soon as it is free. SQLite's own busy handler sleeps up to 100 ms between tries,
    and under load starved a writer for seconds. PostgreSQL queues its writers itself.

    Re-entrant within a task (and the tasks it starts), so a transaction inside another
    does not wait for itself.
    """
    engine = factory.kw["bind"]
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or _HOLDING_WRITE_LOCK.get():
        yield
        return
    here = _WRITE_LOCKS.setdefault(asyncio.get_running_loop(), {})
    async with here.setdefault(path, asyncio.Lock()):  # one thread at most waits on the file
        descriptor = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
            holding = _HOLDING_WRITE_LOCK.set(True)
            try:
                yield
            finally:
                _HOLDING_WRITE_LOCK.reset(holding)
        finally:
            os.close(descriptor)  # releases the flock


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error (on SQLite, one writer at a
    time)."""
    async with one_writer_at_a_time(factory), factory() as session, session.begin():
        yield session
