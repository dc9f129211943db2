"""The staff web console under /console/: server-rendered pages, plain forms, a little htmx."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from actions.errors import InvalidTransition
from api.console import (
    accounts,
    audio,
    auditlog,
    auth,
    broadcasts,
    conversations,
    handoff,
    help_given,
    needs,
    overview,
    residents,
    schedule,
)
from api.console.web import (
    SECURITY_HEADERS,
    ActionFailed,
    LoginRequired,
    flash,
    redirect,
    templates_of,
    texts,
)

PREFIX = "/console"
ROUTERS = (
    auth,
    conversations,
    handoff,
    audio,
    needs,
    schedule,
    help_given,
    broadcasts,
    overview,
    residents,
    auditlog,
    accounts,
)


def install(app: FastAPI) -> None:
    """Add the console's pages, static files and error pages to the app."""
    static = Path(__file__).parent / "static"
    app.mount(f"{PREFIX}/static", StaticFiles(directory=static), name="console-static")
    for module in ROUTERS:
        app.include_router(module.router, include_in_schema=False)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(ActionFailed, _action_failed)
    app.add_exception_handler(StarletteHTTPException, _http_error)


async def _login_required(request: Request, _exc: Exception) -> Response:
    if request.method == "GET" and "text/event-stream" not in request.headers.get("accept", ""):
        return redirect(f"{PREFIX}/login?next={quote(request.url.path)}")
    return PlainTextResponse("log in first", status_code=status.HTTP_401_UNAUTHORIZED)


async def _action_failed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ActionFailed)
    # The actions speak English to developers; staff get the gist in their words, detail after.
    _ = texts(request)
    if isinstance(exc.__cause__, InvalidTransition):
        text = _("Non fatto: lo stato è cambiato nel frattempo ({why}).", why=exc)
    else:
        text = _("Non fatto: {why}", why=exc)
    if request.headers.get("hx-request") == "true":
        # An action done in place says why in the page's error box; the page stays as it is.
        html = templates_of(request).get_template("_action_error.html").render(text=text)
        headers = {**SECURITY_HEADERS, "HX-Retarget": "#action-error", "HX-Reswap": "innerHTML"}
        return HTMLResponse(html, headers=headers)
    flash(request, text, "error")
    return redirect(exc.back)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Console pages get a page a person can read; everything else FastAPI's JSON."""
    assert isinstance(exc, StarletteHTTPException)
    if not request.url.path.startswith(f"{PREFIX}/") or exc.status_code < 400:
        return await http_exception_handler(request, exc)
    return templates_of(request).TemplateResponse(
        request,
        "error.html",
        {"status_code": exc.status_code, "detail": exc.detail},
        status_code=exc.status_code,
        headers=exc.headers,
    )
