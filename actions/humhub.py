"""A small client of HumHub's REST API (/api/v1), the platform Hamlet runs on."""

from __future__ import annotations

import contextlib
from typing import Any

import httpx

PAGE_LIMIT = 50  # HumHub's largest page
MAX_PAGES = 200  # 10,000 entries: a calendar claiming more is not believed
POST_PAGES_SEARCHED = 10  # a retried post is looked for among the space's newest 500
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class HumHubError(Exception):
    """Hamlet gave no usable answer; the message says why, in words fit for a log."""


class NotThere(HumHubError):
    """Hamlet answered 404: no such content container, post or entry."""


class HumHub:
    """Bearer-authenticated calls to one HumHub; every failure is a HumHubError."""

    def __init__(
        self, base_url: str, token: str, *, timeout: httpx.Timeout | float = TIMEOUT
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
        )

    async def __aenter__(self) -> HumHub:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    async def spaces(self) -> list[dict[str, Any]]:
        """Every space the token's account sees (id, name, contentcontainer_id, url...)."""
        return await self._all_pages("/space")

    async def calendar_entries(self, container_id: int) -> list[dict[str, Any]]:
        """Every calendar entry of a content container, all pages."""
        return await self._all_pages(f"/calendar/container/{container_id}")

    async def create_post(self, container_id: int, message: str) -> dict[str, Any]:
        """Post a message to a container's stream; HumHub's Post (id, message, content)."""
        post = await self._call(
            "POST", f"/post/container/{container_id}", json={"data": {"message": message}}
        )
        if not isinstance(post, dict) or not isinstance(post.get("id"), int):
            raise HumHubError("Hamlet accepted the post but gave no post id")
        return post

    async def find_post(self, container_id: int, marker: str) -> dict[str, Any] | None:
        """The newest post of a container whose message holds `marker`, if any."""
        path = f"/post/container/{container_id}"
        for page in range(1, POST_PAGES_SEARCHED + 1):
            body = await self._page(path, page)
            for post in body["results"]:
                if isinstance(post, dict) and marker in str(post.get("message", "")):
                    return post
            if page >= body["pages"]:
                return None
        return None

    async def delete_post(self, post_id: int) -> None:
        """Delete a post; one already gone counts as deleted."""
        with contextlib.suppress(NotThere):
            await self._call("DELETE", f"/post/{post_id}")

    async def _all_pages(self, path: str) -> list[dict[str, Any]]:
        first = await self._page(path, 1)
        results, total, pages = list(first["results"]), first["total"], first["pages"]
        if pages > MAX_PAGES:
            raise HumHubError(f"Hamlet claims {pages} pages at {path}")
        for page in range(2, pages + 1):
            results += (await self._page(path, page))["results"]
        ids = [item.get("id") for item in results if isinstance(item, dict)]
        # An item added or deleted while the pages were read shifts the others between
        # pages: one could be missed, and a missing entry would be taken as deleted.
        if len(ids) != total or len(set(ids)) != total:
            raise HumHubError(f"the list at {path} changed while it was read: try again")
        return results

    async def _page(self, path: str, page: int) -> dict[str, Any]:
        body = await self._call("GET", path, params={"page": page, "limit": PAGE_LIMIT})
        shaped = (
            isinstance(body, dict)
            and isinstance(body.get("results"), list)
            and isinstance(body.get("total"), int)
            and isinstance(body.get("pages"), int)
        )
        if not shaped:
            raise HumHubError(f"page {page} of {path} is not a HumHub list")
        return body

    async def _call(self, method: str, path: str, **options: Any) -> Any:
        try:
            response = await self._client.request(method, path, **options)
        except httpx.TimeoutException:
            raise HumHubError(f"Hamlet did not answer in time ({method} {path})") from None
        except httpx.HTTPError as exc:
            raise HumHubError(f"Hamlet unreachable: {type(exc).__name__}") from None
        status = response.status_code
        if status in (401, 403):
            raise HumHubError(f"Hamlet refused the token ({status}): check PORTINERIA_HAMLET_TOKEN")
        if status == 404:
            raise NotThere(f"Hamlet has no {path} (404)")
        if status >= 400:
            raise HumHubError(f"Hamlet answered {status} to {method} {path}")
        try:
            return response.json()
        except ValueError:
            raise HumHubError(f"Hamlet's answer to {method} {path} is not JSON") from None
