"""`portineria broadcast create|preview|send|status|cancel`."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from actions import broadcasts
from actions.db import transaction
from api.commands.common import fail, run, settings_or_exit, with_store
from api.store import Store
from bot.runtime.broadcast_preview import preview as preview_of

app = typer.Typer(help="Announcements to the residents who asked for them.", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _pairs(values: list[str], what: str) -> dict[str, str]:
    """Parse repeated KEY=VALUE options."""
    pairs = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise fail(f"{what} must look like KEY=VALUE, not {value!r}")
        pairs[key.strip()] = text
    return pairs


@app.command()
def create(
    text: Annotated[str, typer.Option(help="The Italian text (the fallback for everyone).")],
    translation: Annotated[list[str], typer.Option(help="LANG=TEXT, repeatable.")] = [],  # noqa: B006
    quartiere: Annotated[str | None, typer.Option(help="Only this neighbourhood.")] = None,
    language: Annotated[str | None, typer.Option(help="Only residents in this language.")] = None,
    channel: Annotated[str | None, typer.Option(help="telegram, whatsapp or sms.")] = None,
    at: Annotated[datetime | None, typer.Option(help="Send later (ISO time, Europe/Rome).")] = None,
    whatsapp_template: Annotated[str | None, typer.Option(help="Twilio content_sid.")] = None,
    whatsapp_var: Annotated[list[str], typer.Option(help="KEY=VALUE, repeatable.")] = [],  # noqa: B006
    as_json: JsonFlag = False,
) -> None:
    """Create a broadcast (a draft, or scheduled with --at); prints its id."""
    settings = settings_or_exit()
    texts = {"it": text, **_pairs(translation, "--translation")}
    scheduled = at.replace(tzinfo=settings.zone) if at and at.tzinfo is None else at

    async def work(store: Store) -> int:
        async with transaction(store.sessions) as session:
            created = await broadcasts.create_broadcast(
                session,
                texts=texts,
                quartiere=quartiere,
                language=language,
                channel=channel,
                scheduled_at=scheduled,
                whatsapp_content_sid=whatsapp_template,
                whatsapp_variables=_pairs(whatsapp_var, "--whatsapp-var"),
                now=datetime.now(UTC),
            )
            return created.id

    broadcast_id = run(with_store(settings, work))
    typer.echo(json.dumps({"id": broadcast_id}) if as_json else broadcast_id)


@app.command()
def preview(broadcast_id: int, as_json: JsonFlag = False) -> None:
    """Who it reaches on each channel, SMS segments and cost, WhatsApp templates."""
    settings = settings_or_exit()

    async def work(store: Store) -> dict[str, Any]:
        async with store.sessions() as session:
            broadcast = await broadcasts.broadcast_by_id(session, broadcast_id=broadcast_id)
            return await preview_of(
                session,
                broadcast=broadcast,
                now=datetime.now(UTC),
                segment_cost=settings.sms_segment_cost,
                sms_per_second=settings.sms_per_second,
            )

    shown = run(with_store(settings, work))
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    minutes = shown["estimated_minutes"]
    typer.echo("less than a minute to send" if minutes <= 1 else f"about {minutes} minutes to send")


@app.command()
def send(
    broadcast_id: int,
    wait: Annotated[bool, typer.Option(help="Show progress until every message is out.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Fan out now: one delivery per resident and channel, sent by the workers."""
    settings = settings_or_exit()

    async def work(store: Store) -> dict[str, Any]:
        async with transaction(store.sessions) as session:
            await broadcasts.fan_out(session, broadcast_id=broadcast_id, now=datetime.now(UTC))
        return await _follow(store, broadcast_id, wait and not as_json)

    _print_status(run(with_store(settings, work)), as_json)


@app.command()
def status(
    broadcast_id: int,
    wait: Annotated[bool, typer.Option(help="Show progress until every message is out.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """{"id", "state", "total", "sent", "delivered", "failed", "skipped"}."""
    settings = settings_or_exit()
    _print_status(run(with_store(settings, lambda s: _follow(s, broadcast_id, wait))), as_json)


@app.command()
def cancel(broadcast_id: int, as_json: JsonFlag = False) -> None:
    """Stop a broadcast: what is not sent yet is skipped."""
    settings = settings_or_exit()

    async def work(store: Store) -> dict[str, Any]:
        async with transaction(store.sessions) as session:
            await broadcasts.cancel_broadcast(session, broadcast_id=broadcast_id)
        return await _follow(store, broadcast_id, False)

    _print_status(run(with_store(settings, work)), as_json)


async def _follow(store: Store, broadcast_id: int, wait: bool) -> dict[str, Any]:
    """The statistics now, or after a progress bar until nothing is pending."""
    stats = await _stats(store, broadcast_id)
    if not wait or not stats["pending"]:
        return stats
    with typer.progressbar(length=stats["total"], label="sending") as bar:
        done = 0
        while stats["pending"]:
            await asyncio.sleep(1)
            stats = await _stats(store, broadcast_id)
            bar.update(stats["total"] - stats["pending"] - done)
            done = stats["total"] - stats["pending"]
    return stats


async def _stats(store: Store, broadcast_id: int) -> dict[str, Any]:
    async with transaction(store.sessions) as session:
        return await broadcasts.statistics(session, broadcast_id=broadcast_id)


def _print_status(stats: dict[str, Any], as_json: bool) -> None:
    contract = {
        k: stats[k] for k in ("id", "state", "total", "sent", "delivered", "failed", "skipped")
    }
    if as_json:
        typer.echo(json.dumps(contract))
    else:
        typer.echo(" ".join(f"{k}={v}" for k, v in contract.items()))
