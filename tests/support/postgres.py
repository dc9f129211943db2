"""A PostgreSQL schema of one's own, for a test or a benchmark run, dropped afterwards."""

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


async def _execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
