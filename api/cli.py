"""The `portineria` command line: serve, chat, db, demo-data, staff, nlu."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.exc import DBAPIError, OperationalError

from actions import demo, migrate, staff
from actions.db import transaction
from actions.errors import DomainError
from api.commands.nlu import app as nlu_app
from api.runtime import Store, build_conversations, open_store
from api.settings import Settings, SettingsError, load_settings
from bot.channels.text import numbered
from bot.i18n import RTL_LANGUAGES
from bot.messages import CHANNELS, Inbound

app = typer.Typer(
    help="Portineria: the messaging front door of the Case di Quartiere.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
staff_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(staff_app, name="staff")
app.add_typer(nlu_app, name="nlu")

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


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or update the database schema (Alembic migrations)."""
    settings = settings_or_exit()
    run(migrate.upgrade_async(settings.database_url, schema=settings.database_schema))
    typer.echo(f"database at revision {migrate.head_revision()}")


@app.command("demo-data")
def demo_data(
    residents: Annotated[int, typer.Option(min=0, help="Extra subscribed demo residents.")] = 0,
    if_empty: Annotated[bool, typer.Option(help="Do nothing if Case already exist.")] = False,
) -> None:
    """Load the demo of Reggio Emilia (Case, three weeks of events, SPID slots, staff)."""
    settings = settings_or_exit()

    async def load(store: Store) -> None:
        now = datetime.now(UTC)
        async with transaction(store.sessions) as session:
            if await demo.is_empty(session):
                accounts = await demo.load_demo(session, now=now, zone=settings.zone)
                typer.echo("Demo data loaded (DEMO: hours, phones, people and events invented).")
                for email, role, password in accounts.accounts:
                    typer.echo(f"  {role:<10} {email}  password: {password}")
            elif if_empty:
                typer.echo("Demo data already present.")
            if residents:
                await demo.load_demo_residents(session, count=residents, now=now)
                typer.echo(f"Added {residents} demo residents.")

    run(with_store(settings, load))


@app.command()
def chat(
    channel: Annotated[str, typer.Option(help=f"One of {', '.join(CHANNELS)}.")] = "console",
    sender: Annotated[str, typer.Option("--from", help="The resident's address.")] = "local",
    jsonl: Annotated[bool, typer.Option(help="One JSON line out per line in.")] = False,
) -> None:
    """Talk to the bot as a resident, in the terminal or scripted (--jsonl)."""
    if channel not in CHANNELS:
        raise fail(f"--channel must be one of {', '.join(CHANNELS)}")
    settings = settings_or_exit()

    async def converse(store: Store) -> None:
        conversations = await build_conversations(settings, store)
        interactive = not jsonl and sys.stdin.isatty()
        if interactive:
            typer.echo("Scriva un messaggio (Ctrl-D per uscire). Provi: ciao")
        while (line := _read_line(interactive)) is not None:
            inbound = Inbound(channel=channel, address=sender, text=line.rstrip("\n"))
            outcome = await conversations.receive(inbound, now=datetime.now(UTC), deliver=False)
            if jsonl:
                out = [reply.to_dict() for reply in outcome.replies]
                typer.echo(json.dumps({"in": inbound.text, "out": out}, ensure_ascii=False))
            else:
                rtl = outcome.language in RTL_LANGUAGES
                for reply in outcome.replies:
                    typer.echo(numbered(reply, rtl=rtl) + "\n")

    run(with_store(settings, converse))


def _read_line(interactive: bool) -> str | None:
    try:
        line = input("> ") if interactive else sys.stdin.readline()
    except EOFError:
        return None
    return line if interactive or line else None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start the web server (webhooks, staff API, console, /health, /docs)."""
    import uvicorn

    from api.main import create_app

    settings = settings_or_exit()
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower())


@staff_app.command("create")
def staff_create(
    email: str,
    role: Annotated[str, typer.Option(help=f"One of {', '.join(staff.ROLES)}.")],
    casa: Annotated[str | None, typer.Option(help="The Casa di Quartiere's name.")] = None,
) -> None:
    """Create a staff account and print its password."""
    from actions.places import list_case

    settings = settings_or_exit()

    async def create(store: Store) -> str:
        async with transaction(store.sessions) as session:
            casa_id = None
            if casa is not None:
                found = [
                    c for c in await list_case(session) if c.name.casefold() == casa.casefold()
                ]
                if not found:
                    raise DomainError(f"no Casa di Quartiere named {casa!r}")
                casa_id = found[0].id
            password = staff.new_password()
            await staff.create_staff(
                session,
                email=email,
                role=role,
                password=password,
                casa_id=casa_id,
                now=datetime.now(UTC),
            )
            return password

    typer.echo(f"{email} ({role}) password: {run(with_store(settings, create))}")


@staff_app.command("token")
def staff_token(email: str) -> None:
    """Print a new API token for the staff REST API (Authorization: Bearer)."""
    settings = settings_or_exit()

    async def issue(store: Store) -> str:
        async with transaction(store.sessions) as session:
            return await staff.issue_token(session, email=email)

    typer.echo(run(with_store(settings, issue)))
