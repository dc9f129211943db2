"""The database as the app and the commands open it: one engine and its sessions.

Apart from api/runtime.py so that a command that only reads or writes the database
(`portineria staff`, `casa`, `db`, `demo-data`) starts without loading the channels or the NLU.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from actions.db import SessionFactory, create_engine, create_session_factory
from api.settings import Settings


@dataclass(frozen=True)
class Store:
    """The database engine and its session factory."""

    engine: AsyncEngine
    sessions: SessionFactory


def open_store(settings: Settings) -> Store:
    """Connect (lazily) to the configured database."""
    engine = create_engine(settings.database_url, schema=settings.database_schema)
    return Store(engine, create_session_factory(engine))
