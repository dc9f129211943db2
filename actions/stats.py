"""What the neighbourhoods need: needs counted by neighbourhood, category, status and week."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import Need

UNKNOWN_PLACE = "(quartiere non indicato)"


@dataclass(frozen=True)
class NeedsOverview:
    """Needs filed in the last weeks, counted several ways."""

    weeks: tuple[date, ...]  # the Monday of each week, oldest first
    per_week: dict[str, list[int]]  # quartiere -> needs filed each week
    per_category: dict[str, dict[str, int]]  # quartiere -> category -> needs
    per_status: dict[str, int]  # status -> needs
    total: int


async def needs_overview(
    session: AsyncSession,
    *,
    now: datetime,
    zone: ZoneInfo,
    weeks: int,
    quartiere: str | None = None,
    category: str | None = None,
) -> NeedsOverview:
    """Needs filed from the Monday `weeks - 1` weeks ago until now (one neighbourhood or all)."""
    this_monday = now.astimezone(zone).date() - timedelta(days=now.astimezone(zone).weekday())
    mondays = tuple(this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1))
    since = datetime.combine(mondays[0], time(), tzinfo=zone)
    query = select(Need.quartiere, Need.category, Need.status, Need.created_at).where(
        Need.created_at >= since
    )
    if quartiere is not None:
        query = query.where(Need.quartiere == quartiere)
    if category is not None:
        query = query.where(Need.category == category)
    # Counted here rather than in SQL: bucketing local weeks the same way on SQLite and
    # PostgreSQL is simpler in Python, and a city files thousands of needs a year, not millions.
    per_week: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    per_category: dict[str, Counter[str]] = defaultdict(Counter)
    per_status: Counter[str] = Counter()
    total = 0
    for place, kind, status, created_at in (await session.execute(query)).all():
        place = place or UNKNOWN_PLACE
        week = (created_at.astimezone(zone).date() - mondays[0]).days // 7
        per_week[place][min(max(week, 0), weeks - 1)] += 1
        per_category[place][kind] += 1
        per_status[status] += 1
        total += 1
    return NeedsOverview(
        weeks=mondays,
        per_week=dict(sorted(per_week.items())),
        per_category={place: dict(counts) for place, counts in sorted(per_category.items())},
        per_status=dict(per_status),
        total=total,
    )
