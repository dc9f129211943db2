"""Staff accounts for the administration: switch off and on, new password, revoke a token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import audit, staff
from actions.models import Casa, StaffUser
from api.console.web import ConsoleStaff, flash, page, redirect, require_role, texts
from api.csrf import verify_csrf
from api.deps import Id, Now, Session
from bot.i18n import N_

router = APIRouter(prefix="/console/staff", dependencies=[Depends(verify_csrf)])
LIST = "/console/staff"
Change = Callable[..., Awaitable[Any]]
# What each button does, what the audit log calls it, and what the page says after.
CHANGES: dict[str, tuple[Change, str]] = {
    "disable": (staff.disable, N_("Account disattivato: sessioni chiuse, token revocato.")),
    "enable": (staff.enable, N_("Account riattivato.")),
    "revoke-token": (staff.revoke_token, N_("Token API revocato.")),
}


@router.get("")
async def accounts(request: Request, user: ConsoleStaff, session: Session) -> HTMLResponse:
    """Every staff account with its role, Casa and state."""
    require_role(user, "admin")
    rows = await session.execute(
        select(StaffUser, Casa.name)
        .outerjoin(Casa, Casa.id == StaffUser.casa_id)
        .order_by(StaffUser.active.desc(), StaffUser.email)
    )
    return page(request, "staff.html", user, accounts=rows.all())


@router.post("/{staff_id}/{change}")
async def change_account(
    staff_id: Id, change: str, request: Request, user: ConsoleStaff, session: Session, now: Now
) -> RedirectResponse:
    """Apply one change to an account (an admin cannot switch off their own)."""
    require_role(user, "admin")
    _ = texts(request)
    target = await session.get(StaffUser, staff_id)
    if target is None or change not in (*CHANGES, "reset-password"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such account or change")
    if target.id == user.id and change == "disable":
        flash(request, _("Non può disattivare il suo stesso account."), "error")
        return redirect(LIST)
    if change == "reset-password":
        password = await staff.reset_password(session, email=target.email)
        # Shown once, to be passed on by hand; only its hash is stored.
        flash(
            request,
            _("Nuova password di {email}: {password}", email=target.email, password=password),
        )
    else:
        action, said = CHANGES[change]
        await action(session, email=target.email)
        flash(request, f"{target.email}: {_(said)}")
    _record(session, user, change, target, now)
    return redirect(LIST)


def _record(
    session: AsyncSession, user: StaffUser, change: str, target: StaffUser, now: Any
) -> None:
    audit.record(
        session,
        staff_id=user.id,
        action=f"staff.{change.replace('-', '_')}",
        target=f"staff:{target.id}",
        now=now,
        detail={"via": "console"},
    )
