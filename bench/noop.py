"""The baseline of the load benchmark: FastAPI answering the webhook paths without doing anything.

python -m uvicorn bench.noop:app --workers 2
"""

from __future__ import annotations

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
