"""A PostgreSQL schema of one's own, for a test run or a benchmark run, dropped afterwards."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg


@contextmanager
def temporary_schema(url: str, prefix: str) -> Iterator[str]:
    """A new schema named `prefix_<random>` in the database at `url`, dropped with its tables."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    plain = url.replace("+asyncpg", "")  # asyncpg itself takes the plain URL
    asyncio.run(_execute(plain, f"CREATE SCHEMA {schema}"))
    try:
        yield schema
    finally:
        asyncio.run(_execute(plain, f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


def empty_tables(url: str, schema: str) -> None:
    """Empty every table of `schema` but Alembic's, and restart its ids, as if just migrated."""
    asyncio.run(_empty(url.replace("+asyncpg", ""), schema))


async def _empty(url: str, schema: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> $2",
            schema,
            "alembic_version",
        )
        if not tables:
            return
        names = ", ".join(f'{schema}."{row["tablename"]}"' for row in tables)
        # A connection a test left open inside a transaction would make TRUNCATE wait for
        # ever: fail with the lock's name instead.
        await connection.execute("SET lock_timeout = '20s'")
        await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


async def _execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
