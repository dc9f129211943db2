"""Twilio's webhook form fields into an Inbound message or a delivery status."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.channels.base import DeliveryStatus, Ignored, Malformed
from bot.channels.twilio_codes import OPTED_OUT, STATUSES, unreachable_code
from bot.messages import Inbound, Media

_SID = re.compile(r"^(SM|MM|SS)[0-9a-fA-F]{32}$")
# An E.164 number, as Twilio writes them ("+393331234567").
E164 = re.compile(r"^\+[1-9][0-9]{5,14}$")
_CHOICE = re.compile(r"^[0-9]{1,3}$")
MAX_MEDIA = 10  # Twilio's own limit per message
# Twilio's default opt-out words stop a number at the carrier whatever we think of them:
# say so to the conversation in the one word it knows. "YES" restarts only an opted-out
# number, so it is left alone (mid-conversation it means yes).
CARRIER_STOP = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
CARRIER_START = frozenset({"start", "unstop"})
MEDIA_KINDS = {"image": "photo", "audio": "voice", "video": "video"}


def parse_form(form: Mapping[str, Sequence[str]]) -> Inbound | DeliveryStatus | Ignored:
    """A message (SMS or WhatsApp, by the From scheme) or a status callback."""
    sid = _first(form, "MessageSid") or _first(form, "SmsSid")
    if not _SID.match(sid):
        raise Malformed("missing or invalid MessageSid")
    status = _first(form, "MessageStatus")
    if status and _first(form, "SmsStatus") != "received":
        return _status(sid, status, _first(form, "ErrorCode") or None)
    sender = _first(form, "From")
    channel, _sep, address = sender.rpartition(":") if ":" in sender else ("sms", "", sender)
    if channel not in ("sms", "whatsapp"):
        return Ignored(f"{channel} messages are not handled")
    if not E164.match(address):
        raise Malformed("From is not a phone number")
    text = _first(form, "Body")
    if channel == "sms":
        text = _carrier_keyword(text, _first(form, "OptOutType"))
    payload = _first(form, "ButtonPayload")
    return Inbound(
        channel=channel,
        address=address,
        text=text,
        choice=payload if _CHOICE.match(payload) else None,
        media=_media(form),
        provider_message_id=sid,
        display_name=_first(form, "ProfileName") or None,
    )


def _first(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name)
    return values[0].strip() if values else ""


def _status(sid: str, status: str, code: str | None) -> DeliveryStatus | Ignored:
    ours = STATUSES.get(status.lower())
    if ours is None:
        return Ignored(f"status {status} not tracked")
    return DeliveryStatus(
        sid, ours, code, unreachable=unreachable_code(code), opted_out=code == OPTED_OUT
    )


def _carrier_keyword(text: str, opt_out_type: str) -> str:
    kind = opt_out_type.upper() or None
    word = text.strip().casefold()
    if kind == "STOP" or (kind is None and word in CARRIER_STOP):
        return "STOP"
    if kind == "START" or (kind is None and word in CARRIER_START):
        return "START"
    return text


def _media(form: Mapping[str, Sequence[str]]) -> tuple[Media, ...]:
    found: list[Media] = []
    try:
        count = min(int(_first(form, "NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        raise Malformed("NumMedia is not a number") from None
    for n in range(count):
        url = _first(form, f"MediaUrl{n}")
        content_type = _first(form, f"MediaContentType{n}") or None
        kind = MEDIA_KINDS.get((content_type or "").split("/")[0], "document")
        if url:
            found.append(Media(kind, url, content_type))
    latitude, longitude = _first(form, "Latitude"), _first(form, "Longitude")
    if latitude and longitude:
        found.append(Media("location", f"geo:{latitude},{longitude}"))
    return tuple(found)
