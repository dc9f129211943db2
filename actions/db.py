"""Engine and session factory: one code path for SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

SessionFactory = async_sessionmaker[AsyncSession]
_WRITE_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)
SQLITE_LOCK_TIMEOUT = 30  # seconds a writer waits for another before giving up
_WRITE_LOCK = "portineria_write_lock"
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


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
    path = url.database if url.database != ":memory:" else None
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url, connect_args={"timeout": SQLITE_LOCK_TIMEOUT}, hide_parameters=True
    )

    # SQLite leaves foreign keys off by default, and several processes (serve, chat)
    # share one file: WAL lets readers go on while one writes.
    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    if path:
        _queue_writers(engine, path)
    return engine


def _queue_writers(engine: AsyncEngine, path: str) -> None:
    """SQLite writers wait for one another in a queue, not in SQLite's busy handler.

    SQLite lets one connection write at a time, from its first INSERT, UPDATE or DELETE to
    its commit; the others sleep and retry, up to 100 ms between tries, and under load a
    writer starved for seconds. Here a connection about to write first takes an asyncio lock
    (the writers of this process) and an flock of a file beside the database (those of the
    other processes), which the kernel hands to the next waiter as soon as it is freed. Both
    are released when the connection goes back to the pool, which a session does right
    after its commit or rollback. Reading takes neither, as in SQLite.
    """

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before_write(connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if _WRITE_LOCK not in connection.info and _WRITES.match(statement):
            # Event handlers are synchronous; SQLAlchemy runs them in the greenlet of an
            # awaited call, from which await_only may wait without blocking the loop.
            connection.info[_WRITE_LOCK] = await_only(_take_write_lock(path))

    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        _release(record.info)


async def _take_write_lock(path: str) -> tuple[asyncio.Lock, int]:
    """Both locks, or TimeoutError (an OSError: the callers' "database unavailable") after as
    long as SQLite itself would wait."""
    here = _WRITE_LOCKS.setdefault(asyncio.get_running_loop(), {})
    in_process = here.setdefault(path, asyncio.Lock())
    async with asyncio.timeout(SQLITE_LOCK_TIMEOUT):
        await in_process.acquire()  # so at most one thread per process waits on the file
        try:
            descriptor = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
        except BaseException:
            in_process.release()
            raise
        try:
            await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
        except BaseException:
            os.close(descriptor)
            in_process.release()
            raise
    return in_process, descriptor


def _release(info: dict[Any, Any]) -> None:
    held = info.pop(_WRITE_LOCK, None)
    if held is not None:
        in_process, descriptor = held
        os.close(descriptor)  # releases the flock
        in_process.release()


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with factory() as session, session.begin():
        yield session
