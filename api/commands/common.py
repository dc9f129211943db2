"""What every command shares: one-line failures, settings, the store, the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import typer
from sqlalchemy.exc import DBAPIError, OperationalError

from actions import migrate
from actions.errors import DomainError
from api.settings import Settings, SettingsError, load_settings
from api.store import Store, open_store

T = TypeVar("T")


def fail(message: str) -> typer.Exit:
    """Print one clear line on stderr and exit with status 2."""
    typer.echo(f"portineria: {message}", err=True)
    return typer.Exit(2)


def settings_or_exit() -> Settings:
    """The settings, or one line naming what is wrong."""
    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(str(exc)) from None


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine, turning unreachable databases and domain errors into one line."""
    try:
        return asyncio.run(coro)
    except (OperationalError, DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise fail(f"cannot use the database (PORTINERIA_DATABASE_URL): {reason}") from None
    except DomainError as exc:
        raise fail(str(exc)) from None


async def with_store(settings: Settings, work: Callable[[Store], Awaitable[T]]) -> T:
    """Open the store, check its schema is current, run `work`, close the store."""
    store = open_store(settings)
    try:
        async with store.sessions() as session:
            if await migrate.current_revision(session) != migrate.head_revision():
                raise fail("the database schema is not up to date: run `portineria db upgrade`")
        return await work(store)
    finally:
        await store.engine.dispose()
