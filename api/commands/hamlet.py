"""`portineria hamlet spaces|sync`: the spaces on Hamlet, and their calendars brought in."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from actions.humhub import HumHubError
from api.commands.common import fail, run, settings_or_exit, with_store
from api.hamlet import hamlet_bridge
from api.store import Store
from bot.runtime.hamlet import HamletBridge, SyncReport, sync_spaces

app = typer.Typer(
    help="Hamlet, the city's HumHub: its spaces and their calendars.", no_args_is_help=True
)
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")]


def _bridge() -> HamletBridge:
    bridge = hamlet_bridge(settings_or_exit())
    if bridge is None:
        raise fail("set PORTINERIA_HAMLET_URL and PORTINERIA_HAMLET_TOKEN first")
    return bridge


@app.command("spaces")
def spaces(as_json: AsJson = False) -> None:
    """The spaces the token's account sees: id, name and content container id."""
    bridge = _bridge()

    async def fetch() -> list[dict[str, object]]:
        async with bridge.client() as client:
            return await client.spaces()

    try:
        found = asyncio.run(fetch())
    except HumHubError as exc:
        raise fail(str(exc)) from None
    rows = [
        {k: space.get(k) for k in ("id", "name", "contentcontainer_id", "url")} for space in found
    ]
    if as_json:
        typer.echo(json.dumps({"spaces": rows}, ensure_ascii=False))
        return
    typer.echo("id\tcontainer\tname")
    for row in rows:
        typer.echo(f"{row['id']}\t{row['contentcontainer_id']}\t{row['name']}")


@app.command("sync")
def sync(as_json: AsJson = False) -> None:
    """Bring every linked space's calendar in now; exit status 1 if a space failed."""
    bridge = _bridge()
    settings = settings_or_exit()

    async def work(store: Store) -> SyncReport:
        return await sync_spaces(store.sessions, bridge, now=datetime.now(UTC), all_now=True)

    report = run(with_store(settings, work))
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        typer.echo(
            f"{report.spaces} spaces: {report.created} events added, {report.updated} changed, "
            f"{report.removed} removed"
        )
        for error in report.errors:
            typer.echo(f"not synced: {error}", err=True)
    if report.errors:
        raise typer.Exit(1)
