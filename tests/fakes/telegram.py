"""A fake Telegram Bot API: the methods Portineria calls, with 429/403/5xx on demand."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from tests.fakes.server import Answer, FakeServer, Recorded

TOKEN = "123456789:AAFakeTokenForTestsOnly-abcdefghijklmno"
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Portineria",
    "username": "PortineriaBot",
}


@dataclass(frozen=True)
class Failure:
    """A scripted error answer for the next calls of one method."""

    method: str
    status: int
    description: str
    retry_after: int | None = None


# The date the fake stamps on the messages it "sends" (tests/conftest.py's NOW): the product
# reads no date from them, and a test double reads no wall clock.
SENT_AT = 1795597200
SENDS = ("sendMessage", "sendDocument")  # the calls that deliver a message to a chat


class FakeTelegram(FakeServer):
    """Speaks /bot<TOKEN>/<method>; records calls; blocked chats answer 403.

    With `per_second` it enforces the bot-wide flood limit as Telegram does: messages are
    counted on arrival in a sliding one-second window, and one more gets 429 with
    `retry_after`. `arrivals` holds the arrival time of every message let through, `throttled`
    the number of 429s answered for it. Clearing `answering` holds every message's answer
    (the provider is slow) until it is set again.
    """

    def __init__(
        self, token: str = TOKEN, *, per_second: int | None = None, retry_after: int = 1
    ) -> None:
        super().__init__(self._answer)
        self.token = token
        self.per_second = per_second
        self.retry_after = retry_after
        self.arrivals: list[float] = []
        self.throttled = 0
        self.answering = threading.Event()
        self.answering.set()
        self._window: deque[float] = deque()
        self._flood_lock = threading.Lock()
        self.blocked: set[int] = set()
        self.failures: deque[Failure] = deque()
        self.webhook: dict[str, str] = {}
        self.updates: list[dict[str, Any]] = []
        self._ids = itertools.count(1000)
        self._updates_changed = threading.Condition()

    def fail(
        self,
        status: int,
        description: str,
        *,
        method: str = "sendMessage",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with this error."""
        self.failures.extend([Failure(method, status, description, retry_after)] * times)

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (long polling)."""
        with self._updates_changed:
            self.updates.append(update)
            self._updates_changed.notify_all()

    def calls(self, method: str) -> list[Recorded]:
        """The recorded calls of one Bot API method."""
        return [r for r in self.requests if r.path.endswith("/" + method)]

    def sent(self) -> list[dict[str, str]]:
        """The fields of every sendMessage call that succeeded."""
        return [
            request.fields
            for request, answer in list(self.exchanges)
            if request.path.endswith("/sendMessage") and answer.status == 200
        ]

    def _answer(self, request: Recorded) -> Answer:
        prefix, _, method = request.path.rpartition("/")
        if prefix != f"/bot{self.token}":
            return _error(401, "Unauthorized")
        for failure in list(self.failures):
            if failure.method == method:
                self.failures.remove(failure)
                params = {"retry_after": failure.retry_after} if failure.retry_after else None
                return _error(failure.status, failure.description, params)
        handler = getattr(self, "_" + method, None)
        if handler is None:
            return _error(404, "Not Found")
        if method in SENDS:
            if not self._within_limit():
                seconds = self.retry_after
                return _error(
                    429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
                )
            self.answering.wait(timeout=60)
        return handler(request.fields)

    def _within_limit(self) -> bool:
        """Count this message in the sliding window, or refuse it (the clock read under the
        lock, so concurrent requests are judged in the order they are counted)."""
        with self._flood_lock:
            now = time.monotonic()
            if self.per_second is not None:
                while self._window and self._window[0] <= now - 1.0:
                    self._window.popleft()
                if len(self._window) >= self.per_second:
                    self.throttled += 1
                    return False
                self._window.append(now)
            self.arrivals.append(now)
            return True

    def _getMe(self, _fields: dict[str, str]) -> Answer:  # noqa: N802 - Bot API names
        return _ok(BOT_USER)

    def _sendMessage(self, fields: dict[str, str]) -> Answer:  # noqa: N802
        chat_id = int(fields["chat_id"])
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        message = {
            "message_id": next(self._ids),
            "date": SENT_AT,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            "text": fields["text"],
        }
        if "reply_markup" in fields:
            message["reply_markup"] = json.loads(fields["reply_markup"])
        return _ok(message)

    def _sendDocument(self, fields: dict[str, str]) -> Answer:  # noqa: N802
        chat_id = int(fields["chat_id"])
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        message = {
            "message_id": next(self._ids),
            "date": SENT_AT,
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "document": {
                "file_id": f"doc{chat_id}",
                "file_unique_id": f"u{chat_id}",
                "file_name": "eventi.ics",
            },
        }
        return _ok(message)

    def _answerCallbackQuery(self, _fields: dict[str, str]) -> Answer:  # noqa: N802
        return _ok(True)

    def _setWebhook(self, fields: dict[str, str]) -> Answer:  # noqa: N802
        self.webhook = fields
        return _ok(True)

    def _deleteWebhook(self, _fields: dict[str, str]) -> Answer:  # noqa: N802
        self.webhook = {}
        return _ok(True)

    def _getWebhookInfo(self, _fields: dict[str, str]) -> Answer:  # noqa: N802
        info = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }
        return _ok(info)

    def _getUpdates(self, fields: dict[str, str]) -> Answer:  # noqa: N802
        offset = int(fields.get("offset") or 0)
        # Long polling, shortened: tests should not wait the real 25 s.
        deadline = time.monotonic() + min(float(fields.get("timeout") or 0), 1.0)
        with self._updates_changed:
            while True:
                found = [u for u in self.updates if u["update_id"] >= offset]
                left = deadline - time.monotonic()
                if found or left <= 0:
                    return _ok(found)
                self._updates_changed.wait(left)


def _ok(result: Any) -> Answer:
    return Answer(200, {"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> Answer:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Answer(status, body)
