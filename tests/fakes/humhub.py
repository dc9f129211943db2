"""A fake HumHub (Hamlet) REST API: spaces, calendars and posts, as humhub/rest documents them.

Lists come in pages (`total`, `page`, `pages`, `links`, `results`; page 1 first, a page past
the last answered with the last, as Yii does), every call needs the Bearer token, an unknown
content container is a 404. Times are written as HumHub's calendar module stores them: a timed
entry in the server's system zone, whatever zone its author typed it in; an all-day entry as
days, ending at the next midnight. Switches make it fail the ways a real server does.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakes.server import Answer, FakeServer, Recorded

TOKEN = "fake-hamlet-token-0123456789abcdef"
STAMP = "%Y-%m-%d %H:%M:%S"


@dataclass
class Entry:
    """A calendar entry as its author typed it: a local time in the author's zone."""

    id: int
    title: str
    start: datetime  # naive: the author's wall clock in `zone`
    end: datetime
    zone: str = "Europe/Rome"
    description: str = ""
    closed: bool = False
    all_day: bool = False
    old_all_day_end: bool = False  # HumHub before 1.x kept 23:59 of the last day
    raw: dict[str, Any] | None = None  # sent as it is instead (a broken entry)


@dataclass
class Space:
    """A space and its content container."""

    id: int
    name: str
    container_id: int
    entries: list[Entry] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)  # newest first


@dataclass
class Switches:
    """Ways to fail: each off by default."""

    down: bool = False  # every call answers 503
    refuse: int | None = None  # 401 or 403 to every call
    slow: float = 0.0  # seconds to wait before answering (after doing the work)
    bad_json_page: int | None = None  # this page of a list is not JSON
    fail_from_call: int | None = None  # calls from this number on (1 = first) answer 500


class FakeHumHub(FakeServer):
    """/api/v1/space, /api/v1/calendar/container/{id}, /api/v1/post/container/{id},
    DELETE /api/v1/post/{id}."""

    def __init__(self, *, system_zone: str = "Europe/Rome", token: str = TOKEN) -> None:
        super().__init__(self._answer)
        self.token = token
        self.system_zone = ZoneInfo(system_zone)
        self.spaces: dict[int, Space] = {}
        self.switches = Switches()
        self.calls = 0
        self._next_post = 100
        self._state = threading.Lock()

    def add_space(self, space_id: int, name: str, container_id: int) -> Space:
        """A space with an empty calendar."""
        self.spaces[container_id] = Space(space_id, name, container_id)
        return self.spaces[container_id]

    def posts(self, container_id: int) -> list[dict[str, Any]]:
        """The posts of a container, newest first."""
        return list(self.spaces[container_id].posts)

    def _answer(self, request: Recorded) -> Answer:
        with self._state:
            self.calls += 1
            answer = self._route(request, self.calls)
        if self.switches.slow:
            time.sleep(self.switches.slow)
        return answer

    def _route(self, request: Recorded, call: int) -> Answer:
        flags = self.switches
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _error(401, "Invalid token!")
        if flags.refuse:
            return _error(flags.refuse, "You are not allowed to access this resource!")
        if flags.down:
            return _error(503, "Service Unavailable")
        if flags.fail_from_call is not None and call >= flags.fail_from_call:
            return _error(500, "Internal server error")
        path = request.path.removeprefix("/api/v1")
        if request.method == "GET" and path == "/space":
            return self._page(request, [self._space(s) for s in self.spaces.values()])
        if match := re.fullmatch(r"/calendar/container/(\d+)", path):
            space = self.spaces.get(int(match[1]))
            if space is None or request.method != "GET":
                return _error(404, "Content container not found!")
            return self._page(request, [self._entry(e, space) for e in space.entries])
        if match := re.fullmatch(r"/post/container/(\d+)", path):
            space = self.spaces.get(int(match[1]))
            if space is None:
                return _error(404, "Content container not found!")
            if request.method == "POST":
                return self._create_post(request, space)
            return self._page(request, list(space.posts))
        if request.method == "DELETE" and (match := re.fullmatch(r"/post/(\d+)", path)):
            for space in self.spaces.values():
                for post in list(space.posts):
                    if post["id"] == int(match[1]):
                        space.posts.remove(post)
                        return Answer(200, {"code": 200, "message": "Post successfully deleted!"})
            return _error(404, "Post not found")
        return _error(404, "Page not found.")

    def _page(self, request: Recorded, items: list[dict[str, Any]]) -> Answer:
        params = request.params
        limit = min(max(int(params.get("limit", 20)), 1), 50)
        pages = math.ceil(len(items) / limit)
        page = min(max(int(params.get("page", 1)), 1), max(pages, 1))  # Yii clamps the page
        if self.switches.bad_json_page == page:
            return Answer(200, b'{"total": 3, "page": ' + str(page).encode() + b', "results": [')
        base = request.path
        return Answer(
            200,
            {
                "total": len(items),
                "page": page,
                "pages": pages,
                "links": {
                    "self": f"{base}?page={page}&per-page={limit}",
                    "next": f"{base}?page={page + 1}&per-page={limit}",
                    "last": f"{base}?page={pages}&per-page={limit}",
                },
                "results": items[(page - 1) * limit : page * limit],
            },
        )

    def _create_post(self, request: Recorded, space: Space) -> Answer:
        data = json.loads(request.body or b"{}").get("data") or {}
        message = data.get("message")
        if not isinstance(message, str) or not message.strip():
            return _error(400, "Invalid post!")
        self._next_post += 1
        post = {
            "id": self._next_post,
            "message": message,
            "content": self._content(
                self._next_post + 1000, space, "humhub\\modules\\post\\models\\Post"
            ),
        }
        space.posts.insert(0, post)
        return Answer(200, post)

    def _space(self, space: Space) -> dict[str, Any]:
        slug = space.name.lower().replace(" ", "-")
        return {
            "id": space.id,
            "guid": f"guid-{space.id}",
            "name": space.name,
            "description": "",
            "url": f"{self.url}/s/{slug}/",
            "contentcontainer_id": space.container_id,
            "visibility": 2,
            "join_policy": 2,
            "status": 1,
            "tags": [],
        }

    def _entry(self, entry: Entry, space: Space) -> dict[str, Any]:
        if entry.raw is not None:
            return {"id": entry.id, **entry.raw}
        if entry.all_day:
            start = datetime.combine(entry.start.date(), datetime.min.time())
            last: date = entry.end.date()
            end = (
                datetime.combine(last, datetime.min.time()).replace(hour=23, minute=59)
                if entry.old_all_day_end
                else datetime.combine(last + timedelta(days=1), datetime.min.time())
            )
        else:  # the author's wall clock, stored in the system's zone
            author = ZoneInfo(entry.zone)
            start = entry.start.replace(tzinfo=author).astimezone(self.system_zone)
            end = entry.end.replace(tzinfo=author).astimezone(self.system_zone)
        return {
            "id": entry.id,
            "title": entry.title,
            "description": entry.description,
            "start_datetime": start.strftime(STAMP),
            "end_datetime": end.strftime(STAMP),
            "all_day": int(entry.all_day),
            "participation_mode": 2,
            "recurring": None,
            "color": "#6fdbe8",
            "allow_decline": 1,
            "allow_maybe": 1,
            "time_zone": entry.zone,
            "participant_info": "",
            "closed": int(entry.closed),
            "max_participants": None,
            "content": self._content(
                entry.id + 5000, space, "humhub\\modules\\calendar\\models\\CalendarEntry"
            ),
        }

    def _content(self, content_id: int, space: Space, model: str) -> dict[str, Any]:
        return {
            "metadata": {
                "id": content_id,
                "object_model": model,
                "visibility": 1,
                "url": f"{self.url}/content/perma?id={content_id}",
                "contentcontainer_id": space.container_id,
            },
            "topics": [],
        }


def _error(status: int, message: str) -> Answer:
    return Answer(status, {"code": status, "message": message})
