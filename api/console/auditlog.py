"""The audit log as the administration reads it: who did what, when."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from actions.models import AuditEntry, StaffUser
from api.console.web import ConsoleStaff, page, require_role, staff_name
from api.csrf import verify_csrf
from api.deps import Session

router = APIRouter(prefix="/console", dependencies=[Depends(verify_csrf)])
SHOWN = 200


@router.get("/audit")
async def audit_log(
    request: Request, user: ConsoleStaff, session: Session, action: str = ""
) -> HTMLResponse:
    """The latest entries, newest first (optionally one kind of action, e.g. "resident.")."""
    require_role(user, "admin")
    query = select(AuditEntry, StaffUser).outerjoin(StaffUser, AuditEntry.staff_id == StaffUser.id)
    if action:
        query = query.where(AuditEntry.action.startswith(action[:60], autoescape=True))
    rows = await session.execute(
        query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(SHOWN)
    )
    entries = [(entry, staff_name(who)) for entry, who in rows.all()]
    return page(request, "audit.html", user, entries=entries, action=action)
