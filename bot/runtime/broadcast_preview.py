"""What a broadcast will look like on each channel before it is sent."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from actions import broadcasts
from actions.models import Broadcast
from bot.gsm import sms_text
from bot.runtime.budget import rates_for, sending_rates


async def preview(
    session: AsyncSession,
    *,
    broadcast: Broadcast,
    now: datetime,
    segment_cost: float,
    sms_per_second: int = 1,
) -> dict[str, Any]:
    """Residents reached per channel, SMS encoding and segments per language, cost, WhatsApp,
    and how long sending takes at each channel's rate (SMS: `sms_per_second`)."""
    reached = await broadcasts.audience(session, broadcast=broadcast, now=now)
    sms_languages: dict[str, Any] = {}
    segments_total = 0
    for (channel, language), count in sorted(reached.by_channel_language.items()):
        if channel != "sms":
            continue
        encoded = sms_text(broadcasts.payload_for(broadcast, language)["text"], language)
        sms_languages[language] = {
            "residents": count,
            "encoding": encoded.encoding,
            "segments": encoded.segments,
        }
        segments_total += encoded.segments * count
    outside = reached.whatsapp_outside_window
    rates = sending_rates(rates_for(sms_per_second=sms_per_second))
    # The channels send side by side, each at its own rate: the slowest one decides.
    seconds = max(
        (reached.total(c) / rates[c] for c in broadcasts.BROADCAST_CHANNELS if c in rates),
        default=0.0,
    )
    return {
        "id": broadcast.id,
        "reached": {c: reached.total(c) for c in broadcasts.BROADCAST_CHANNELS},
        "total": reached.total(),
        "sms": {
            "languages": sms_languages,
            "segments": segments_total,
            "estimated_cost_eur": round(segments_total * segment_cost, 2),
        },
        "whatsapp": {
            "outside_window": outside,
            "template": broadcast.whatsapp_content_sid,
            # Free-form messages outside the 24-hour window are refused by WhatsApp.
            "skipped_without_template": 0 if broadcast.whatsapp_content_sid else outside,
        },
        "estimated_seconds": math.ceil(seconds),
        "estimated_minutes": math.ceil(seconds / 60),
    }
