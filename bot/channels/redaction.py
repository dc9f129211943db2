"""Keep tokens out of logs: httpx and python-telegram-bot log URLs that contain the bot token."""

from __future__ import annotations

import logging
from typing import Any

MASK = "[redacted]"
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    """The text with every registered secret masked."""
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return text


def hide_in_logs(*secrets: str | None) -> None:
    """Mask these secrets in every log record made from now on, whichever library logs it."""
    global _installed
    # Short values would mask ordinary words; real tokens are long.
    _secrets.update(s for s in secrets if s and len(s) >= 8)
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        message = record.getMessage()
        if any(secret in message for secret in _secrets):
            record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters print the traceback later: format it now, masked, and they reuse it.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
