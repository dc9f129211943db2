"""CSRF protection for the console's forms: one random token per login session."""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request, status

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(request: Request) -> str:
    """The session's token, made on first use; every form carries it in a hidden field."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def rotate_csrf_token(request: Request) -> str:
    """A fresh token, e.g. at login, so a token seen before logging in is worth nothing after."""
    request.session.pop(SESSION_KEY, None)
    return csrf_token(request)


async def verify_csrf(request: Request) -> None:
    """403 for an unsafe request whose token (form field or header) is not the session's."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None:
        sent = (await request.form()).get(FORM_FIELD)
    valid = (
        isinstance(expected, str)
        and isinstance(sent, str)
        and hmac.compare_digest(expected.encode(), sent.encode())
    )
    if not valid:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "the form has expired or was not sent from the console"
        )
