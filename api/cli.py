"""The `portineria` command line: serve, worker, chat, db, demo-data, staff, casa, nlu, telegram."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer

from actions import demo, migrate, staff
from actions.db import is_sqlite, transaction
from actions.errors import DomainError
from api.commands.broadcast import app as broadcast_app
from api.commands.casa import app as casa_app
from api.commands.common import fail, run, settings_or_exit, with_store
from api.commands.hamlet import app as hamlet_app
from api.commands.nlu import app as nlu_app
from api.store import Store
from bot.i18n import RTL_LANGUAGES
from bot.messages import CHANNELS, Inbound
from bot.text import numbered

T = TypeVar("T")
SQLITE_IS_ONE_PROCESS = (
    "SQLite runs as one process (`portineria serve`): for --workers, --web-only or "
    "`portineria worker`, use PostgreSQL (PORTINERIA_DATABASE_URL=postgresql://...)"
)
app = typer.Typer(
    help="Portineria: the messaging front door of the Case di Quartiere.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
staff_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
telegram_app = typer.Typer(help="The Telegram bot.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(staff_app, name="staff")
app.add_typer(telegram_app, name="telegram")
app.add_typer(nlu_app, name="nlu")
app.add_typer(broadcast_app, name="broadcast")
app.add_typer(casa_app, name="casa")
app.add_typer(hamlet_app, name="hamlet")


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
        from api.runtime import build_conversations  # the NLU and channels: this command only

        conversations = await build_conversations(settings, store)
        interactive = not jsonl and sys.stdin.isatty()
        if interactive:
            typer.echo("Scriva un messaggio (Ctrl-D per uscire). Provi: ciao")
        while (line := _read_line(interactive)) is not None:
            try:
                inbound = _inbound(line.rstrip("\n"), channel, sender, scripted=jsonl)
            except ValueError as error:  # one bad line in a script does not end the others
                typer.echo(json.dumps({"in": line.rstrip("\n"), "error": str(error)}))
                continue
            outcome = await conversations.receive(inbound, now=datetime.now(UTC), deliver=False)
            if jsonl:
                out = [{"text": r.text, "options": list(r.options)} for r in outcome.replies]
                said = {"from": inbound.address, "channel": inbound.channel, "in": inbound.text}
                typer.echo(json.dumps({**said, "out": out}, ensure_ascii=False))
            else:
                rtl = outcome.language in RTL_LANGUAGES
                for reply in outcome.replies:
                    typer.echo(numbered(reply, rtl=rtl) + "\n")

    run(with_store(settings, converse))


def _inbound(line: str, channel: str, sender: str, *, scripted: bool) -> Inbound:
    """A typed line, or (scripted) a JSON object naming its own resident: many in one run."""
    if not (scripted and line.lstrip().startswith("{")):
        return Inbound(channel=channel, address=sender, text=line)
    try:
        shape = json.loads(line)
    except json.JSONDecodeError:  # a resident may well type "{": it is their text
        return Inbound(channel=channel, address=sender, text=line)
    unknown = set(shape) - {"from", "channel", "text", "language_code"}
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    said = {"channel": channel, "from": sender, "text": "", **shape}
    if said["channel"] not in CHANNELS or not all(isinstance(v, str) for v in said.values()):
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}; values are strings")
    return Inbound(
        channel=said["channel"],
        address=said["from"],
        text=said["text"],
        language_hint=said.get("language_code"),
    )


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
    telegram_polling: Annotated[
        bool, typer.Option(help="Fetch Telegram updates by long polling (no public address).")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes sharing the port (uvicorn's).")
    ] = 1,
    web_only: Annotated[
        bool,
        typer.Option(
            help="Answer HTTP only: the turns and the sending run in `portineria worker`."
        ),
    ] = False,
) -> None:
    """Start the web server (webhooks, staff API, console, /health, /docs)."""
    import logging.config
    import os

    import uvicorn

    from api.logs import log_config
    from api.main import create_app
    from api.serving import run_workers

    if web_only:  # a setting, so that the worker processes (which read the environment) see it
        os.environ["PORTINERIA_WEB_ONLY"] = "true"
    settings = settings_or_exit()
    if telegram_polling and not settings.telegram_token:
        raise fail("--telegram-polling needs PORTINERIA_TELEGRAM_TOKEN")
    if workers > 1 and telegram_polling:
        raise fail("--telegram-polling runs in one process: leave out --workers")
    if (workers > 1 or settings.web_only) and is_sqlite(settings.database_url):
        raise fail(SQLITE_IS_ONE_PROCESS)
    logs = log_config(settings.log_level, settings.log_format)
    if workers == 1:
        logging.config.dictConfig(logs)  # building the app may log already
        web = create_app(settings, telegram_polling=telegram_polling)
        uvicorn.run(web, host=host, port=port, log_config=logs)
        return
    # Each worker process imports the app factory and reads the same environment.
    run_workers(
        "api.main:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_config=logs,
    )


@app.command()
def worker() -> None:
    """Answer the residents' messages the webhooks kept, and send the outbox (replies, relays,
    reminders, broadcasts), until stopped."""
    import signal

    from api.logs import configure_logging
    from api.runtime import build_channels, run_worker

    settings = settings_or_exit()
    if is_sqlite(settings.database_url):
        raise fail(SQLITE_IS_ONE_PROCESS)
    if not build_channels(settings):
        raise fail("no channel configured (PORTINERIA_TELEGRAM_TOKEN, PORTINERIA_TWILIO_*)")
    configure_logging(settings.log_level, settings.log_format)

    async def work() -> None:
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        typer.echo("worker: answering the inbox, sending the outbox (Ctrl-C to stop)")
        await run_worker(settings, stop)

    run(work())


@telegram_app.command("set-webhook")
def telegram_set_webhook(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Register PORTINERIA_PUBLIC_URL/webhooks/telegram with Telegram, with the secret token."""
    from api.runtime import set_telegram_webhook

    settings = settings_or_exit()
    if not settings.telegram_token:
        raise fail("PORTINERIA_TELEGRAM_TOKEN is not set")
    from telegram.error import TelegramError

    try:
        info = asyncio.run(set_telegram_webhook(settings))
    except TelegramError as exc:  # also unreachable API (NetworkError): one line
        raise fail(f"Telegram refused the webhook: {exc}") from None
    typer.echo(json.dumps(info) if as_json else f"webhook set: {info['url']}")


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


@staff_app.command("telegram")
def staff_telegram(
    email: str,
    telegram_user_id: Annotated[
        int | None,
        typer.Argument(help="Their Telegram user id (the group tells it); leave out to unlink."),
    ] = None,
) -> None:
    """Let a staff member claim and answer handoffs from the custodians' Telegram groups."""
    settings = settings_or_exit()

    async def link(store: Store) -> None:
        async with transaction(store.sessions) as session:
            await staff.link_telegram(session, email=email, telegram_user_id=telegram_user_id)

    run(with_store(settings, link))
    linked = f"Telegram user {telegram_user_id}" if telegram_user_id else "unlinked"
    typer.echo(f"{email}: {linked}")


def _staff_change(email: str, change: Callable[..., Awaitable[T]]) -> T:
    """Run one account change in a transaction; an unknown e-mail is one line and exit 1."""
    settings = settings_or_exit()

    async def apply(store: Store) -> T:
        async with transaction(store.sessions) as session:
            return await change(session, email=email)

    return run(with_store(settings, apply))


@staff_app.command("disable")
def staff_disable(email: str) -> None:
    """Switch an account off: its console sessions and API token stop working at once."""
    _staff_change(email, staff.disable)
    typer.echo(f"{email}: disabled (sessions ended, API token revoked)")


@staff_app.command("enable")
def staff_enable(email: str) -> None:
    """Switch an account on again (it logs in with its password; issue a new token if needed)."""
    _staff_change(email, staff.enable)
    typer.echo(f"{email}: enabled")


@staff_app.command("reset-password")
def staff_reset_password(email: str) -> None:
    """Give an account a new password (printed once); its open sessions end."""
    password = _staff_change(email, staff.reset_password)
    typer.echo(f"{email} new password: {password}")


@staff_app.command("revoke-token")
def staff_revoke_token(email: str) -> None:
    """Make the account's API token stop working (`staff token` issues a new one)."""
    _staff_change(email, staff.revoke_token)
    typer.echo(f"{email}: API token revoked")
