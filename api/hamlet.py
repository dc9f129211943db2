"""The Hamlet bridge as the settings describe it (none without a URL and a token)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from api.settings import Settings
from bot.channels.redaction import hide_in_logs
from bot.runtime.hamlet import HamletBridge


def hamlet_bridge(settings: Settings) -> HamletBridge | None:
    """The bridge to PORTINERIA_HAMLET_URL, or None when Hamlet is not configured."""
    if settings.hamlet_url is None or not settings.hamlet_token:
        return None
    hide_in_logs(settings.hamlet_token)
    return HamletBridge(
        url=str(settings.hamlet_url),
        token=settings.hamlet_token,
        server_zone=ZoneInfo(settings.hamlet_timezone),
        local_zone=settings.zone,
        every=timedelta(minutes=settings.hamlet_sync_minutes),
    )
