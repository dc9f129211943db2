"""The API's documentation for staff only (PORTINERIA_PUBLIC_DOCS=false): /docs, /redoc and
/openapi.json answer a console login or an API token, and nobody else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from actions import staff
from actions.models import StaffUser
from api.console.web import SESSION_STAFF, SESSION_VERSION, session_holds
from api.deps import Session

router = APIRouter(include_in_schema=False)
PATHS = ("/docs", "/redoc", "/openapi.json")
TITLE = "Portineria"


async def _staff(request: Request, session: Session) -> StaffUser | None:
    """The staff member behind the console's login cookie or a bearer token, if any."""
    found = request.scope.get("session", {})
    staff_id = found.get(SESSION_STAFF)
    if isinstance(staff_id, int):
        user = await session.get(StaffUser, staff_id)
        if session_holds(user, found.get(SESSION_VERSION)):
            return user
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        return await staff.staff_by_token(session, token=token.strip())
    return None


def _log_in_first(request: Request) -> Response:
    if request.url.path == "/openapi.json":
        return JSONResponse({"detail": "log in or send a valid token"}, status_code=401)
    return RedirectResponse("/console/login", status_code=303)


@router.get("/openapi.json")
async def openapi(request: Request, session: Session) -> Response:
    """The OpenAPI schema, for staff."""
    if await _staff(request, session) is None:
        return _log_in_first(request)
    return JSONResponse(request.app.openapi())


@router.get("/docs")
async def swagger(request: Request, session: Session) -> Response:
    """Swagger UI, for staff."""
    if await _staff(request, session) is None:
        return _log_in_first(request)
    page: HTMLResponse = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{TITLE} API")
    return page


@router.get("/redoc")
async def redoc(request: Request, session: Session) -> Response:
    """ReDoc, for staff."""
    if await _staff(request, session) is None:
        return _log_in_first(request)
    page: HTMLResponse = get_redoc_html(openapi_url="/openapi.json", title=f"{TITLE} API")
    return page
