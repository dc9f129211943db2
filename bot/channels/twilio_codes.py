"""Twilio's error codes and message statuses, mapped once to typed failures and our statuses."""

from __future__ import annotations

from bot.channels.errors import (
    ConnectionFailed,
    Misconfigured,
    OutsideWindow,
    RecipientUnreachable,
    Rejected,
    SendError,
    Throttled,
)

# https://www.twilio.com/docs/api/errors: the codes Portineria acts on.
CODES: dict[str, tuple[type[SendError], str]] = {
    "21610": (RecipientUnreachable, "the number sent STOP (opted out)"),
    "21211": (RecipientUnreachable, "invalid 'To' number"),
    "21614": (RecipientUnreachable, "'To' is not a mobile number"),
    "30004": (RecipientUnreachable, "message blocked by the recipient"),
    "30005": (RecipientUnreachable, "unknown destination handset"),
    "30006": (RecipientUnreachable, "landline or unreachable carrier"),
    "63024": (RecipientUnreachable, "invalid WhatsApp recipient"),
    "63016": (OutsideWindow, "free-form WhatsApp message outside the 24-hour window"),
    "20003": (Misconfigured, "authentication failed: check TWILIO_ACCOUNT_SID / AUTH_TOKEN"),
    "20404": (Misconfigured, "resource not found: check TWILIO_ACCOUNT_SID"),
    "21212": (Misconfigured, "invalid 'From' number"),
    "21606": (Misconfigured, "'From' is not a sender of this account"),
    "21659": (Misconfigured, "'From' is not a Twilio number"),
    "21408": (Misconfigured, "no permission to send to this region"),
    "63007": (Misconfigured, "WhatsApp sender not found"),
    "20429": (Throttled, "too many requests"),
    "21617": (Rejected, "message body too long"),
}
OPTED_OUT = "21610"
# Twilio's message statuses -> ours. "queued" at Twilio already means it took the message.
STATUSES = {
    "accepted": "sent",
    "scheduled": "sent",
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "partially_delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}
# Twilio sends no Retry-After; its queues drain at about one message a second per sender.
DEFAULT_RETRY_AFTER = 1.0


def send_error(status: int, code: int | str | None, message: str) -> SendError:
    """The typed failure for an error answer of the Messages API."""
    key = str(code) if code is not None else None
    if key in CODES:
        error_type, reason = CODES[key]
        if error_type is Throttled:
            return Throttled(reason, retry_after=DEFAULT_RETRY_AFTER, code=key)
        if error_type is RecipientUnreachable:
            return RecipientUnreachable(reason, opted_out=key == OPTED_OUT, code=key)
        return error_type(reason, code=key)
    if status == 429:
        return Throttled(message, retry_after=DEFAULT_RETRY_AFTER, code=key)
    if status >= 500:
        return ConnectionFailed(message, code=key or str(status))
    if status in (401, 403):
        return Misconfigured(message, code=key or str(status))
    return Rejected(message, code=key or str(status))


def unreachable_code(code: str | None) -> bool:
    """True when a failed status callback's code means the address will never receive."""
    return code is not None and code in CODES and CODES[code][0] is RecipientUnreachable
