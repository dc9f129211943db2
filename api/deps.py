"""Request dependencies: a database session per request and the staff member calling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from actions import staff
from actions.clock import Clock
from actions.db import transaction
from actions.models import MAX_ID, StaffUser
from api.settings import Settings
from bot.runtime.staffroom import StaffRoom

bearer = HTTPBearer(auto_error=False, description="A token from `portineria staff token`.")


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    async with transaction(request.app.state.store.sessions) as session:
        yield session


# Committed before the response goes out ("function" scope): a browser that follows the
# redirect after a form must find what the form saved, and a failed commit is an error
# answer rather than a success reported for something that was rolled back.
Session = Annotated[AsyncSession, Depends(db_session, scope="function")]


async def current_staff(
    session: Session,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> StaffUser:
    """The staff member behind the bearer token.

    The console's login cookie is not accepted here: a browser sends it with any form another
    site makes it post, and the API has no CSRF token of its own.
    """
    user = None
    if credentials is not None:
        user = await staff.staff_by_token(session, token=credentials.credentials)
    if user is None or not user.active:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "log in or send a valid token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


Staff = Annotated[StaffUser, Depends(current_staff)]


def now(request: Request) -> datetime:
    """The time of the request, from the app's clock (tests drive a manual one)."""
    clock: Clock = request.app.state.clock
    return clock.now()


Now = Annotated[datetime, Depends(now)]


def require_role(user: StaffUser, *roles: str, detail: str | None = None) -> None:
    """403 unless the user has one of the roles."""
    if user.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail or f"needs role {' or '.join(roles)}")


def staff_room(request: Request) -> StaffRoom | None:
    """The custodians' Telegram groups, when a Telegram bot is configured."""
    runtime = getattr(request.app.state, "channels", None)
    return runtime.staff_room if runtime is not None else None


Room = Annotated[StaffRoom | None, Depends(staff_room)]


def app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


Config = Annotated[Settings, Depends(app_settings)]


# Every id in a path (API and console): one no row can have (0, negative, past INTEGER) is
# refused before any query, and api/main.py answers it 404 as an unknown id, never a 500.
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
