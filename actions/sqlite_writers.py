"""SQLite connections whose writers queue on a lock beside the database, in their own thread.

SQLite lets one connection write at a time, from its first INSERT, UPDATE or DELETE to its
commit; the others sleep in its busy handler and retry, up to 100 ms apart, and under load a
writer starved for seconds. Here a connection about to write first takes an flock of a file
beside the database (shared by every process), and gives it back the moment its transaction
ends. Both happen inside the sqlite3 calls, on the thread that runs them (aiosqlite's, or
the inbox's): the lock is never held while that thread waits for an event loop to come
round, which under load takes milliseconds a turn. Reading takes no lock, as in SQLite.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# While another writer holds the lock, try again after a short pause, doubling up to the
# longest: a few syscalls a millisecond at most, and the next writer starts within one.
FIRST_PAUSE, LONGEST_PAUSE = 0.0001, 0.001


class QueuedWriter(sqlite3.Connection):
    """A sqlite3 connection (pass as `factory=` to sqlite3.connect) that queues its writes."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._patience = float(kwargs.get("timeout", 5.0))
        self._lock_file = os.open(f"{database}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
        self._holding = False

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:
        return super().cursor(factory or QueuedCursor)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give_back()
            if self._lock_file >= 0:  # sqlite3 lets a connection be closed twice
                os.close(self._lock_file)
                self._lock_file = -1

    @contextmanager
    def queued(self, statement: str) -> Iterator[None]:
        """Around one statement: the lock first if it writes; given back after it if it ran
        outside a transaction (autocommit: it has ended)."""
        if not self._holding and _WRITES.match(statement):
            self._take()
        try:
            yield
        finally:
            if not self.in_transaction:
                self._give_back()

    def _take(self) -> None:
        """Wait for the lock; after `timeout` seconds, fail as SQLite itself would."""
        deadline = time.monotonic() + self._patience
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
            else:
                self._holding = True
                return

    def _give_back(self) -> None:
        if self._holding:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._holding = False


class QueuedCursor(sqlite3.Cursor):
    """Takes its connection's write lock before a writing statement."""

    connection: QueuedWriter

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        with self.connection.queued(sql):
            return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> sqlite3.Cursor:
        with self.connection.queued(sql):
            return super().executemany(sql, seq_of_parameters)
