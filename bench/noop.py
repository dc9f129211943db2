"""The baseline of the load benchmark: FastAPI answering the webhook paths without doing anything.

    python -m bench.noop PORT WORKERS

Served the way `portineria serve --workers N` serves Portineria (api.serving.run_workers).
"""

from __future__ import annotations

import sys

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.post("/webhooks/{channel}")
async def webhook(channel: str, request: Request) -> JSONResponse:
    """Read the body, as the real route does, and answer at once."""
    await request.body()
    return JSONResponse({"ok": True})


@app.get("/livez")
async def livez() -> dict[str, str]:
    """Up."""
    return {"status": "ok"}


if __name__ == "__main__":
    from api.serving import run_workers

    port, workers = (int(value) for value in sys.argv[1:3])
    run_workers("bench.noop:app", workers=workers, port=port, log_level="warning")
