"""Logging in and out of the console (argon2 passwords, a signed session cookie)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from actions import audit, staff
from actions.models import StaffUser
from api.console.web import SESSION_STAFF, page, redirect, safe_back
from api.csrf import rotate_csrf_token, verify_csrf
from api.deps import Now, Session

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
    """Check the password; on success start a fresh session."""
    user = await staff.authenticate(session, email=email, password=password)
    if user is None:
        logger.warning("console login refused")
        return page(
            request,
            "login.html",
            None,
            status_code=401,
            next=safe_back(next, HOME),
            email=email,
            error="E-mail o password non corretti.",
        )
    # A new session at login: nothing set before it (a planted cookie) carries over.
    request.session.clear()
    request.session[SESSION_STAFF] = user.id
    rotate_csrf_token(request)
    audit.record(session, staff_id=user.id, action="staff.login", target=_target(user), now=now)
    return redirect(safe_back(next, HOME))


@router.post("/logout")
async def logout(request: Request, session: Session, now: Now) -> RedirectResponse:
    """End the session."""
    staff_id = request.session.get(SESSION_STAFF)
    user = await session.get(StaffUser, staff_id) if isinstance(staff_id, int) else None
    if user is not None:
        target = _target(user)
        audit.record(session, staff_id=user.id, action="staff.logout", target=target, now=now)
    request.session.clear()
    return redirect("/console/login")


def _target(user: StaffUser) -> str:
    return f"staff:{user.id}"
