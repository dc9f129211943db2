"""SQLite's writers queue on one lock beside the file: held from the first write to the end of
the transaction, by the async sessions and the inbox's thread alike (PostgreSQL has its own
row locks: the webhooks' inbox writes through the async sessions there, tested elsewhere)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from actions import arrivals
from actions.arrivals import Received
from actions.db import (
    SessionFactory,
    create_engine,
    create_session_factory,
    sqlite_file_engine,
    transaction,
)
from actions.migrate import upgrade_async
from actions.models import Arrival, Resident
from actions.sqlite_writers import QueuedWriter
from bot.messages import Inbound
from bot.runtime.inbox import InboxWriter
from tests.conftest import NOW


@pytest.fixture
def table(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "queue.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE notes (text TEXT)")
    yield path


def _writer(path: Path, *, timeout: float = 5.0, autocommit: bool = False) -> QueuedWriter:
    connection = sqlite3.connect(path, timeout=timeout, factory=QueuedWriter)
    if autocommit:
        connection.isolation_level = None
    return connection  # type: ignore[return-value]


def test_a_writer_holds_the_lock_until_commit_and_the_next_then_writes(table: Path) -> None:
    first, second = _writer(table), _writer(table, timeout=0.2)
    first.execute("INSERT INTO notes VALUES ('a')")
    second.execute("SELECT count(*) FROM notes").fetchone()  # reading waits for no one
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        second.execute("INSERT INTO notes VALUES ('b')")  # gives up after its timeout
    first.commit()
    second.execute("INSERT INTO notes VALUES ('b')")
    second.commit()
    assert first.execute("SELECT count(*) FROM notes").fetchone() == (2,)
    first.close()
    second.close()


def test_rollback_and_autocommit_give_the_lock_back_at_once(table: Path) -> None:
    first, second = _writer(table), _writer(table, timeout=0.2)
    first.execute("INSERT INTO notes VALUES ('gone')")
    first.rollback()
    second.execute("INSERT INTO notes VALUES ('kept')")
    second.commit()
    single = _writer(table, autocommit=True)  # each statement is its own transaction
    single.execute("INSERT INTO notes VALUES ('alone')")
    second.execute("INSERT INTO notes VALUES ('after')")
    second.commit()
    texts = [row[0] for row in first.execute("SELECT text FROM notes ORDER BY rowid")]
    assert texts == ["kept", "alone", "after"]
    for connection in (first, second, single):
        connection.close()


def _received(address: str, message_id: str) -> Received:
    inbound = Inbound("sms", address, "ciao", provider_message_id=message_id)
    return Received("sms", address, message_id, inbound.to_dict(), NOW)


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> AsyncIterator[tuple[str, SessionFactory]]:
    """A migrated SQLite file: its URL and async sessions."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'portineria.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    yield url, create_session_factory(engine)
    await engine.dispose()


async def test_the_inbox_thread_waits_for_a_session_writing_and_keeps_each_message_once(
    sqlite_file: tuple[str, SessionFactory],
) -> None:
    url, sessions = sqlite_file
    engine = sqlite_file_engine(url)
    assert engine is not None
    inbox = InboxWriter(sessions, engine)
    try:
        async with transaction(sessions) as session:
            session.add(Resident(created_at=NOW, language="it"))
            await session.flush()  # this session now holds the write lock
            keeping = asyncio.ensure_future(inbox.keep(_received("+39331", "SM1")))
            await asyncio.sleep(0.2)
            assert not keeping.done()  # the inbox's thread waits in the queue
        assert await keeping is True
        kept = await asyncio.gather(
            inbox.keep(_received("+39331", "SM1")),  # a retry
            inbox.keep(_received("+39332", "SM2")),
        )
        assert kept == [False, True]
    finally:
        inbox.close()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Resident)) == 1
        assert await arrivals.waiting_count(session) == 2
        assert await session.scalar(select(func.count()).select_from(Arrival)) == 2
