"""Application logs: text or one JSON object per line, carrying ids, never numbers or texts.

Every record gets the id of the HTTP request it belongs to (`request_id`, also sent back as
the X-Request-ID header); the code logs residents, conversations and deliveries by their
database ids (`extra={"resident_id": ...}`), never by phone number, chat id or message text.
"""

from __future__ import annotations

import logging
import logging.config
import re
import uuid
from typing import Any, Literal

from pythonjsonlogger.core import RESERVED_ATTRS
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.runtime.logcontext import REQUEST_ID

LogFormat = Literal["text", "json"]
# A caller's own id is kept when it looks like one (a proxy's, a load balancer's).
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# At DEBUG these libraries log SQL parameters (sqlalchemy, aiosqlite), Bot API parameters
# with chat ids and texts (telegram), or form fields (multipart): never below these levels.
LIBRARY_FLOORS = {
    "sqlalchemy": "WARNING",
    "aiosqlite": "INFO",
    "asyncpg": "INFO",
    "telegram": "INFO",
    "httpcore": "INFO",
    "multipart": "INFO",
    "python_multipart": "INFO",
    "twilio": "WARNING",
}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(levelname)s %(name)s %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds the current request's id (or None, outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class PathOnlyFilter(logging.Filter):
    """uvicorn's access log without query strings (a phone number could be in one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            client, method, full_path, version, status = args
            path = str(full_path).split("?", 1)[0]
            record.args = (client, method, path, version, status)
            record.method, record.path, record.status = method, path, status
        return True


def log_config(level: str, log_format: LogFormat) -> dict[str, Any]:
    """A logging.config.dictConfig for every process (uvicorn applies it in each worker)."""
    if log_format == "json":
        formatter: dict[str, Any] = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
            # uvicorn's copy of the message with terminal colours
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    quiet = {
        name: {"level": max(floor, level, key=logging.getLevelName)}
        for name, floor in LIBRARY_FLOORS.items()
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,  # module loggers are made at import time
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "path_only": {"()": PathOnlyFilter},
        },
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_id"],
            },
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            **quiet,
            # uvicorn's own handlers would print a second, unstructured copy
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {
                "level": level,
                "handlers": [],
                "propagate": True,
                "filters": ["path_only"],
            },
        },
    }


def configure_logging(level: str, log_format: LogFormat) -> None:
    """Apply `log_config` to this process."""
    logging.config.dictConfig(log_config(level, log_format))


class RequestIds:
    """ASGI middleware: gives each HTTP request an id, for its log records and its answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _GIVEN_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
