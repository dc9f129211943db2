"""Case di Quartiere and their neighbourhoods."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.errors import NotFound
from actions.models import Casa, possible_id


async def list_case(session: AsyncSession) -> Sequence[Casa]:
    """Every Casa di Quartiere, by name."""
    return (await session.scalars(select(Casa).order_by(Casa.name))).all()


async def casa_by_id(session: AsyncSession, *, casa_id: int) -> Casa:
    """One Casa, or NotFound."""
    casa = await session.get(Casa, casa_id) if possible_id(casa_id) else None
    if casa is None:
        raise NotFound(f"no Casa di Quartiere {casa_id}")
    return casa


async def casa_named(session: AsyncSession, *, name: str) -> Casa:
    """The Casa with that name (any case), or NotFound."""
    for casa in await list_case(session):
        if casa.name.casefold() == name.strip().casefold():
            return casa
    raise NotFound(f"no Casa di Quartiere named {name!r}")


async def casa_with_group(session: AsyncSession, *, chat_id: int) -> Casa | None:
    """The Casa whose custodians' Telegram group this is."""
    return await session.scalar(select(Casa).where(Casa.telegram_chat_id == chat_id))


async def casa_for_quartiere(session: AsyncSession, *, quartiere: str) -> Casa | None:
    """The Casa of a neighbourhood (by quartiere or by the Casa's own name)."""
    wanted = quartiere.casefold()
    for casa in await list_case(session):
        if wanted in (casa.quartiere.casefold(), casa.name.casefold()):
            return casa
    return None


async def quartieri(session: AsyncSession) -> list[str]:
    """The neighbourhoods that have a Casa, in alphabetical order."""
    return sorted({casa.quartiere for casa in await list_case(session)})


def opening_intervals(casa: Casa, weekday: int) -> list[tuple[time, time]]:
    """The opening intervals of `casa` on a weekday (Monday = 0)."""
    return [
        (time.fromisoformat(start), time.fromisoformat(end))
        for start, end in casa.opening_hours.get(str(weekday), [])
    ]


def is_open(casa: Casa, moment: datetime, zone: ZoneInfo) -> bool:
    """Whether the Casa is open at `moment`."""
    local = moment.astimezone(zone)
    return any(s <= local.time() < e for s, e in opening_intervals(casa, local.weekday()))


def next_opening(casa: Casa, moment: datetime, zone: ZoneInfo) -> datetime | None:
    """When the Casa next opens after `moment` (within a week), or None if it never opens."""
    local = moment.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        for start, _end in opening_intervals(casa, day.weekday()):
            opening = datetime.combine(day, start, tzinfo=zone)
            if opening > local:
                return opening
    return None


async def neighbourhood_names(session: AsyncSession) -> dict[str, tuple[str, ...]]:
    """Canonical quartiere -> the names of its Case, for the NLU's gazetteer."""
    names: dict[str, set[str]] = {}
    for casa in await list_case(session):
        names.setdefault(casa.quartiere, {casa.quartiere}).add(casa.name)
    return {quartiere: tuple(sorted(found)) for quartiere, found in names.items()}
