"""`portineria casa list|telegram-group|hamlet`: the Case, their custodians' groups, their
Hamlet spaces."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from actions import hamlet, places
from actions.db import transaction
from api.commands.common import fail, run, settings_or_exit, with_store
from api.store import Store

app = typer.Typer(help="The Case di Quartiere.", no_args_is_help=True)


@app.command("list")
def list_case() -> None:
    """Each Casa: id, name, neighbourhood, its custodians' Telegram group, its Hamlet space."""
    settings = settings_or_exit()

    async def rows(store: Store) -> list[str]:
        async with store.sessions() as session:
            spaces = {s.casa_id: s.container_id for s in await hamlet.linked_spaces(session)}
            return [
                f"{c.id}\t{c.name}\t{c.quartiere}\t{c.telegram_chat_id or '-'}"
                f"\t{f'hamlet:{spaces[c.id]}' if c.id in spaces else '-'}"
                for c in await places.list_case(session)
            ]

    typer.echo("\n".join(run(with_store(settings, rows))))


@app.command("telegram-group")
def telegram_group(
    casa: Annotated[str, typer.Argument(help="The Casa's name, as `casa list` prints it.")],
    chat_id: Annotated[
        int | None, typer.Option(help="The group's id: write /id in the group to see it.")
    ] = None,
    unlink: Annotated[bool, typer.Option(help="Stop posting this Casa's handoffs.")] = False,
) -> None:
    """Post this Casa's handoffs in a Telegram group of its custodians (add the bot first)."""
    settings = settings_or_exit()
    if (chat_id is None) == (not unlink):
        raise fail("give either --chat-id ID (a group's id is negative) or --unlink")

    async def link(store: Store) -> str:
        async with transaction(store.sessions) as session:
            found = await places.casa_named(session, name=casa)
            found.telegram_chat_id = chat_id
            return found.name

    name = run(with_store(settings, link))
    typer.echo(f"{name}: {f'Telegram group {chat_id}' if chat_id else 'no Telegram group'}")


@app.command("hamlet")
def hamlet_space(
    casa: Annotated[str, typer.Argument(help="The Casa's name, as `casa list` prints it.")],
    container_id: Annotated[
        int | None,
        typer.Option(min=1, help="The space's contentcontainer_id (`portineria hamlet spaces`)."),
    ] = None,
    unlink: Annotated[bool, typer.Option(help="Stop syncing this Casa with Hamlet.")] = False,
) -> None:
    """Link a Casa to its Hamlet space: its calendar becomes the Casa's events, needs go there."""
    settings = settings_or_exit()
    if (container_id is None) == (not unlink):
        raise fail("give either --container-id N or --unlink")

    async def link(store: Store) -> str:
        async with transaction(store.sessions) as session:
            found = await hamlet.link_casa(
                session, name=casa, container_id=container_id, now=datetime.now(UTC)
            )
            return found.name

    name = run(with_store(settings, link))
    linked = f"Hamlet container {container_id}" if container_id else "no Hamlet space"
    typer.echo(f"{name}: {linked}")
