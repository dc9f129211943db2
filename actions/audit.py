"""The audit log: who did what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import AuditEntry


def record(
    session: AsyncSession,
    *,
    staff_id: int | None,
    action: str,
    target: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one entry (committed with the action it describes)."""
    session.add(
        AuditEntry(
            staff_id=staff_id, action=action, target=target, detail=detail or {}, created_at=now
        )
    )
