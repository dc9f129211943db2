"""Schema migrations (Alembic), run from code so no alembic.ini is needed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, schema: str | None = None) -> Config:
    """An Alembic config pointing at this package's migrations and the given database."""
    config = Config()
    config.attributes["schema"] = schema
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, *, schema: str | None = None, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    command.upgrade(alembic_config(database_url, schema), revision)


async def upgrade_async(database_url: str, *, schema: str | None = None) -> None:
    """`upgrade` from async code: env.py runs its own event loop, so use a thread."""
    await asyncio.to_thread(upgrade, database_url, schema=schema)


def head_revision() -> str:
    """The newest migration in this package."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head())


async def current_revision(session: AsyncSession) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    try:
        async with session.begin_nested():
            return await session.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        return None
