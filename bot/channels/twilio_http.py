"""The twilio Client's HTTP layer on httpx: one connection pool, and a configurable API URL."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

TWILIO_API = "https://api.twilio.com"
_logger = logging.getLogger(__name__)


class HttpxTwilioClient(AsyncHttpClient):
    """Sends the twilio library's requests with httpx to `api_url` (Twilio's, or a local fake)."""

    def __init__(self, api_url: str = TWILIO_API, *, timeout: float = 10.0) -> None:
        super().__init__(_logger, is_async=True, timeout=timeout)
        self.api_url = api_url.rstrip("/")
        self.client = httpx.AsyncClient(timeout=timeout)

    def target(self, url: str) -> str:
        # The library builds absolute api.twilio.com URLs; tests and proxies need another host.
        if url.startswith(TWILIO_API):
            return self.api_url + url[len(TWILIO_API) :]
        return url

    async def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """One HTTP request; transport failures raise httpx.HTTPError."""
        answer = await self.client.request(
            method.upper(),
            self.target(uri),
            params=_plain(params),
            data=_plain(data),
            headers=headers,
            auth=auth,
            timeout=timeout or self.timeout,
            follow_redirects=allow_redirects,
        )
        return Response(answer.status_code, answer.text, answer.headers)

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()


def _plain(values: dict[str, object] | None) -> dict[str, Any] | None:
    # httpx wants str values (or lists of them); the library hands ints and bools too.
    if not values:
        return None
    return {k: v if isinstance(v, list) else str(v) for k, v in values.items()}
