"""Logging in and out of the console (argon2 passwords, a signed session cookie)."""

from __future__ import annotations

import logging
import math
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from actions import audit, staff
from actions.models import StaffUser
from api.console.web import (
    CONSOLE_LANGUAGES,
    SESSION_LANGUAGE,
    SESSION_STAFF,
    SESSION_VERSION,
    ConsoleStaff,
    flash,
    page,
    redirect,
    safe_back,
    say,
)
from api.csrf import rotate_csrf_token, verify_csrf
from api.deps import Now, Session
from api.login_limits import LoginLimits

router = APIRouter(prefix="/console", dependencies=[Depends(verify_csrf)])
logger = logging.getLogger(__name__)
HOME = "/console/inbox"


@router.get("/")
async def home() -> RedirectResponse:
    """The console opens on the handoff inbox."""
    return redirect(HOME)


@router.get("/login")
async def login_form(request: Request, next: str = HOME) -> HTMLResponse:
    """The login page."""
    return page(request, "login.html", None, next=safe_back(next, HOME), email="")


@router.post("/login", response_model=None)
async def login(
    request: Request,
    session: Session,
    now: Now,
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = HOME,
) -> HTMLResponse | RedirectResponse:
    """Check the password (unless too many were wrong lately); on success a fresh session."""
    limits: LoginLimits = request.app.state.login_limits
    client = request.client.host if request.client else "unknown"
    back = safe_back(next, HOME)
    wait = await limits.wait(email, client)
    if wait:
        known = await _known(session, email)
        detail = {"client": client, "wait_seconds": wait}
        audit.record(
            session,
            staff_id=known,
            action="staff.login_blocked",
            target=_target_of(known),
            now=now,
            detail=detail,
        )
        logger.warning("console login refused: too many wrong passwords")
        answer = page(
            request,
            "login.html",
            None,
            status_code=429,
            next=back,
            email=email,
            error=say(
                request,
                "Troppi tentativi sbagliati. Riprovi tra {wait}.",
                wait=in_words(wait, request),
            ),
        )
        answer.headers["Retry-After"] = str(wait)
        return answer
    user = await staff.authenticate(session, email=email, password=password)
    if user is None:
        await limits.failed(email, client)
        known = await _known(session, email)
        audit.record(
            session,
            staff_id=known,
            action="staff.login_failed",
            target=_target_of(known),
            now=now,
            detail={"client": client},
        )
        logger.warning("console login refused")
        return page(
            request,
            "login.html",
            None,
            status_code=401,
            next=back,
            email=email,
            error=say(request, "E-mail o password non corretti."),
        )
    # A new session at login: nothing set before it (a planted cookie) carries over.
    request.session.clear()
    request.session[SESSION_STAFF] = user.id
    request.session[SESSION_VERSION] = user.session_version
    request.session[SESSION_LANGUAGE] = user.language
    rotate_csrf_token(request)
    audit.record(session, staff_id=user.id, action="staff.login", target=_target(user), now=now)
    return redirect(back)


@router.post("/logout")
async def logout(request: Request, session: Session, now: Now) -> RedirectResponse:
    """End the session: the cookie is cleared, and a copy of it no longer opens the console."""
    staff_id = request.session.get(SESSION_STAFF)
    user = await session.get(StaffUser, staff_id) if isinstance(staff_id, int) else None
    if user is not None and request.session.get(SESSION_VERSION) == user.session_version:
        # The cookie is signed, not stored: only a new version makes a copy of it worthless
        # (this ends the person's sessions in other browsers too).
        staff.end_sessions(user)
        target = _target(user)
        audit.record(session, staff_id=user.id, action="staff.logout", target=target, now=now)
    language = request.session.get(SESSION_LANGUAGE)
    request.session.clear()
    if language:  # the login page stays in the language of the last person here
        request.session[SESSION_LANGUAGE] = language
    return redirect("/console/login")


@router.post("/language")
async def choose_language(
    request: Request,
    user: ConsoleStaff,
    language: Annotated[str, Form(max_length=8)],
    back: Annotated[str, Form()] = HOME,
) -> RedirectResponse:
    """The console in Italian or English for this person, remembered on their account."""
    back = safe_back(back, HOME)
    if language not in CONSOLE_LANGUAGES:
        flash(
            request,
            say(request, "Questa lingua non c'è: la console è in italiano o inglese."),
            "error",
        )
        return redirect(back)
    user.language = language
    request.session[SESSION_LANGUAGE] = language
    request.state.language = language
    flash(request, say(request, "La console ora è in italiano."))
    return redirect(back)


def in_words(seconds: int, request: Request) -> str:
    """ "1 minuto", "15 minuti", "2 ore": how long to wait, as a person says it."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes == 1:
        return say(request, "1 minuto")
    if minutes < 90:
        return say(request, "{count} minuti", count=minutes)
    return say(request, "{count} ore", count=math.ceil(minutes / 60))


async def _known(session: Session, email: str) -> int | None:
    """The id of the account an attempt named, if it exists (for the audit log only)."""
    found = await session.scalar(
        select(StaffUser.id).where(StaffUser.email == email.strip().lower())
    )
    return found


def _target_of(staff_id: int | None) -> str:
    return f"staff:{staff_id}" if staff_id is not None else "staff:unknown"


def _target(user: StaffUser) -> str:
    return f"staff:{user.id}"
