"""A fake Twilio Messages API, and signed webhook posts as Twilio would make them."""

from __future__ import annotations

import base64
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

from twilio.request_validator import RequestValidator

from tests.fakes.server import Answer, FakeServer, Recorded

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "fake-twilio-auth-token-0123456789"
SMS_FROM = "+390522000000"
WHATSAPP_FROM = "whatsapp:+14155238886"


@dataclass(frozen=True)
class Failure:
    """A scripted error answer for the next message creation."""

    status: int
    code: int
    message: str


class FakeTwilio(FakeServer):
    """POST /2010-04-01/Accounts/<sid>/Messages.json with basic auth; opted-out numbers 21610."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        super().__init__(self._answer)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.opted_out: set[str] = set()
        self.failures: deque[Failure] = deque()
        self.media: dict[str, tuple[bytes, str]] = {}  # path -> (content, content type)

    def add_media(self, message_sid: str, content: bytes, content_type: str) -> str:
        """A resident's media (a WhatsApp voice note); its MediaUrl, served with basic auth."""
        media_sid = f"ME{len(self.media):032x}"
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{message_sid}/Media/{media_sid}"
        self.media[path] = (content, content_type)
        return self.url + path

    def fail(self, status: int, code: int, message: str, *, times: int = 1) -> None:
        """Answer the next `times` message creations with this error."""
        self.failures.extend([Failure(status, code, message)] * times)

    def created(self) -> list[dict[str, str]]:
        """The fields of every message Twilio accepted."""
        return [
            request.fields
            for request, answer in list(self.exchanges)
            if request.path.endswith("/Messages.json") and answer.status == 201
        ]

    def _answer(self, request: Recorded) -> Answer:
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        if request.headers.get("authorization") != "Basic " + base64.b64encode(expected).decode():
            return _error(401, 20003, "Authenticate")
        if request.method == "GET" and request.path in self.media:
            content, content_type = self.media[request.path]
            return Answer(200, content, {"content-type": content_type})
        if request.path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return _error(404, 20404, "The requested resource was not found")
        if self.failures:
            failure = self.failures.popleft()
            return _error(failure.status, failure.code, failure.message)
        fields = request.fields
        if "To" not in fields or not {"Body", "ContentSid", "MediaUrl"} & set(fields):
            return _error(400, 21619, "A text message body or media urls must be specified.")
        if fields["To"].removeprefix("whatsapp:") in self.opted_out:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        return Answer(201, _message(self.account_sid, fields))


def _message(account_sid: str, fields: dict[str, str]) -> dict[str, Any]:
    sid = "SM" + uuid.uuid4().hex
    return {
        "sid": sid,
        "account_sid": account_sid,
        "to": fields["To"],
        "from": fields.get("From"),
        "body": fields.get("Body", ""),
        "status": "queued",
        "num_segments": "1",
        "num_media": "0",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "date_created": "Wed, 25 Nov 2026 09:00:00 +0000",
        "date_updated": "Wed, 25 Nov 2026 09:00:00 +0000",
        "date_sent": None,
        "error_code": None,
        "error_message": None,
        "price": None,
        "price_unit": "USD",
        "messaging_service_sid": None,
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        "subresource_uris": {},
    }


def _error(status: int, code: int, message: str) -> Answer:
    info = f"https://www.twilio.com/docs/errors/{code}"
    return Answer(status, {"code": code, "message": message, "more_info": info, "status": status})


def sign(url: str, fields: dict[str, str], auth_token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature for a form post to `url`, computed with Twilio's own validator."""
    return str(RequestValidator(auth_token).compute_signature(url, fields))
