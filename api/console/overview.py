"""The administration's overview: what each neighbourhood needs, by category and over time."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from actions import needs, places, stats
from api.console import charts
from api.console.web import ConsoleStaff, labels_in, local_time_of, page, require_role, say, texts
from api.csrf import verify_csrf
from api.deps import Now, Session

router = APIRouter(prefix="/console", dependencies=[Depends(verify_csrf)])
PERIODS = (4, 12, 26, 52)
OVERVIEW_ROLES = ("admin", "community_manager")


@router.get("/overview")
async def overview(
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    weeks: int = 12,
    category: str = "",
) -> HTMLResponse:
    """Needs per neighbourhood and category, and per week, as SVG charts and tables."""
    require_role(user, *OVERVIEW_ROLES)
    weeks = weeks if weeks in PERIODS else 12
    # A community manager of one Casa sees that Casa's neighbourhood, as on the needs board.
    quartiere = None
    if user.role != "admin" and user.casa_id is not None:
        quartiere = (await places.casa_by_id(session, casa_id=user.casa_id)).quartiere
    found = await stats.needs_overview(
        session,
        now=now,
        zone=local_time_of(request).zone,
        weeks=weeks,
        quartiere=quartiere,
        category=category if category in needs.CATEGORIES else None,
    )
    return page(
        request,
        "overview.html",
        user,
        overview=found,
        bars=charts.stacked_bars(
            found.per_category, needs.CATEGORIES, labels_in("category", texts(request))
        ),
        lines=charts.weekly_lines(
            found.weeks, found.per_week, say(request, "{label}, settimana del {day}: {count}")
        ),
        periods=PERIODS,
        weeks=weeks,
        categories=needs.CATEGORIES,
        category=category,
        quartiere=quartiere,
    )
