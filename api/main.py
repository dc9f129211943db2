"""The FastAPI app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from actions.errors import DomainError
from api.routes import handoffs, needs
from api.runtime import open_store
from api.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    """A new app for these settings: each test, worker and server builds its own."""
    store = open_store(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await store.engine.dispose()

    app = FastAPI(
        title="Portineria",
        summary="The messaging front door of the Case di Quartiere of Reggio Emilia.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)

    @app.get("/health", tags=["operations"], summary="Liveness and database check")
    async def health() -> JSONResponse:
        try:
            async with store.sessions() as session:
                await session.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            return JSONResponse(
                {"status": "unavailable", "database": type(exc).__name__}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    app.include_router(handoffs.router)
    app.include_router(needs.router)
    return app
