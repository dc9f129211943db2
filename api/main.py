"""The FastAPI app factory."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from actions.clock import SYSTEM_CLOCK, Clock
from actions.errors import DomainError
from api import console, docs, media, operations, webhooks
from api.body_limit import BodySizeLimit
from api.login_limits import LoginLimits
from api.logs import RequestIds
from api.routes import bookings, broadcasts, handoffs, needs
from api.runtime import channels_running, embedded_sender, jobs_running
from api.settings import Settings, load_settings
from api.store import open_store


def create_app(
    settings: Settings, *, telegram_polling: bool = False, clock: Clock = SYSTEM_CLOCK
) -> FastAPI:
    """A new app for these settings: each test, worker and server builds its own; `clock`
    is the time every route, webhook, sender and job reads (tests drive a manual one)."""
    store = open_store(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with (
            channels_running(app, settings, store, telegram_polling=telegram_polling),
            jobs_running(
                settings,
                store,
                here=embedded_sender(settings) and not settings.web_only,
                clock=clock,
            ),
        ):
            # What startup built (modules, the NLU model) lives as long as the process: kept
            # out of the collector's full passes, which otherwise pause every request.
            gc.freeze()
            yield
        await store.engine.dispose()

    public = settings.public_docs  # else api/docs.py serves them to staff only
    app = FastAPI(
        title="Portineria",
        summary="The messaging front door of the Case di Quartiere of Reggio Emilia.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs" if public else None,
        redoc_url="/redoc" if public else None,
        openapi_url="/openapi.json" if public else None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.clock = clock

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # A path id no row can have (api.deps.Id) names nothing: 404, as an unknown id does,
        # on a console page for the console (the HTTP error handler words it).
        wrong = [error for error in exc.errors() if error["loc"][:1] == ("path",)]
        if not wrong:
            return await request_validation_exception_handler(request, exc)
        name = str(wrong[0]["loc"][-1]).removesuffix("_id")
        not_found = StarletteHTTPException(404, f"no {name} {wrong[0].get('input')}")
        return await app.exception_handlers[StarletteHTTPException](request, not_found)

    # Webhooks first: routes are matched in order, and these are called the most.
    app.include_router(webhooks.router)
    app.include_router(operations.router)
    app.include_router(media.router)
    app.include_router(handoffs.router)
    app.include_router(needs.router)
    app.include_router(bookings.router)
    app.include_router(broadcasts.router)
    if not public:
        app.include_router(docs.router)
    _add_console(app, settings)
    # Added last, so outermost: every request has an id, and no oversized body is read.
    app.add_middleware(BodySizeLimit)
    app.add_middleware(RequestIds)
    return app


def app_from_environment() -> FastAPI:
    """`serve --workers N`: each worker process builds its app from the environment."""
    return create_app(load_settings())


def _add_console(app: FastAPI, settings: Settings) -> None:
    """The staff console and its login session (a signed cookie, SameSite=Lax)."""
    if "secret_key" not in settings.model_fields_set:
        logging.getLogger(__name__).warning(
            "PORTINERIA_SECRET_KEY is not set: console logins end when this process stops"
        )
    app.add_middleware(
        ConsoleOnly,
        middleware=SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="portineria_console",
        max_age=12 * 3600,  # a working day: then log in again
        same_site="lax",
        https_only=settings.public_url.scheme == "https",
    )
    app.state.login_limits = LoginLimits(settings.redis_url)
    console.install(app)


class ConsoleOnly:
    """ASGI middleware that runs `middleware` for the console's paths (and the docs) only:
    webhooks and the bearer-token API have no login cookie to read (and they are most of the
    traffic)."""

    def __init__(self, app: ASGIApp, *, middleware: Callable[..., ASGIApp], **options: Any):
        self.plain = app
        self.wrapped = middleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The docs read the login too, when they are for staff only (PUBLIC_DOCS=false).
        path = scope.get("path", "")
        for_console = scope["type"] == "http" and (
            path.startswith(console.PREFIX) or path in docs.PATHS
        )
        await (self.wrapped if for_console else self.plain)(scope, receive, send)
