"""Oversized bodies are refused with 413 and a reason, without being read into memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from api.body_limit import API_MAX_BODY, WEBHOOK_MAX_BODY
from api.main import create_app
from api.settings import Settings

CHUNK = 1024


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'p.db'}")  # type: ignore[call-arg]
    return create_app(settings)


async def post(
    app: FastAPI, path: str, chunks: int, *, declared: int | None = None
) -> tuple[int, dict[str, Any], int]:
    """POST `chunks` KiB of JSON-ish bytes, streamed; (status, body, chunks the app pulled)."""
    pulled = 0
    headers = [(b"content-type", b"application/json")]
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


async def test_a_declared_length_over_the_webhook_limit_is_refused_unread(app: FastAPI) -> None:
    status, body, pulled = await post(app, "/webhooks/telegram", 100, declared=WEBHOOK_MAX_BODY + 1)
    assert status == 413
    assert body == {"detail": f"body too large: at most {WEBHOOK_MAX_BODY} bytes here"}
    assert pulled == 0


async def test_a_streamed_body_is_cut_off_once_past_the_api_limit(app: FastAPI) -> None:
    megabytes = 8
    status, body, pulled = await post(app, "/api/broadcasts", megabytes * 1024)
    assert status == 413
    assert "at most 1048576 bytes" in body["detail"]
    assert pulled == API_MAX_BODY // CHUNK + 1  # not one chunk more than needed to know


async def test_a_body_within_the_limit_reaches_the_route(app: FastAPI) -> None:
    # 60 KiB of spaces is no JSON: the route read it all and answered for itself.
    status, _body, pulled = await post(app, "/api/broadcasts", 60)
    assert status in (401, 422)
    assert pulled == 60
