"""Twilio SMS and WhatsApp, one module with a scheme: signature, form posts, sends, statuses."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.base import (
    Malformed,
    Parsed,
    Rendered,
    Sent,
    Template,
    WebhookRequest,
    reply_of,
)
from bot.channels.errors import MediaUnavailable, OutsideWindow, Rejected, transport_failure
from bot.channels.twilio_codes import send_error
from bot.channels.twilio_form import E164, parse_form
from bot.channels.twilio_http import TWILIO_API, HttpxTwilioClient
from bot.gsm import sms_text
from bot.text import numbered

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "x-twilio-signature"
WHATSAPP_WINDOW = timedelta(hours=24)
MAX_MEDIA_BYTES = 16 * 1024 * 1024  # WhatsApp's own limit for audio


class Form(dict[str, list[str]]):
    """Form fields with every value, in the shape Twilio's RequestValidator reads."""

    def getall(self, name: str) -> list[str]:
        """All values of one field."""
        return self[name]


def read_form(body: bytes) -> Form:
    """An application/x-www-form-urlencoded body; Malformed when it is not text."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("body is not UTF-8 form data") from None
    form = Form()
    for name, value in parse_qsl(text, keep_blank_values=True):
        form.setdefault(name, []).append(value)
    return form


class TwilioChannel:
    """SMS (scheme "sms") or WhatsApp (scheme "whatsapp") through one Twilio account."""

    def __init__(
        self,
        *,
        scheme: str,
        client: Client,
        auth_token: str,
        sender: str,
        status_callback: str | None,
        messaging_service_sid: str | None = None,
    ) -> None:
        self.name = scheme
        self.free_form_window = WHATSAPP_WINDOW if scheme == "whatsapp" else None
        self.client = client
        self.validator = RequestValidator(auth_token)
        self.sender = sender.removeprefix("whatsapp:")
        self.status_callback = status_callback
        self.messaging_service_sid = messaging_service_sid

    def verify(self, request: WebhookRequest) -> bool:
        """X-Twilio-Signature over the public URL and the form fields (constant-time compare)."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return False
        try:
            form = read_form(request.body)
        except Malformed:
            return False
        return bool(self.validator.validate(request.url, form, signature))

    def parse(self, request: WebhookRequest) -> Parsed:
        """An incoming SMS or WhatsApp message, or a status callback."""
        return Parsed(parse_form(read_form(request.body)))

    def render(
        self,
        payload: Mapping[str, Any],
        *,
        rtl: bool,
        in_window: bool,
        language: str | None = None,
    ) -> Rendered:
        """Numbered options; SMS in GSM-7 with its segment count; WhatsApp templates off-window."""
        if self.name == "sms":
            sms = sms_text(numbered(reply_of(payload), rtl=rtl), language)
            return Rendered(sms.text, segments=sms.segments, encoding=sms.encoding)
        if in_window:
            spoken = payload.get("voice_url")
            return Rendered(numbered(reply_of(payload), rtl=rtl), voice_url=spoken or None)
        template = payload.get("template")
        if not isinstance(template, Mapping) or not template.get("content_sid"):
            raise OutsideWindow("free-form WhatsApp message outside the 24-hour window")
        variables = {str(k): str(v) for k, v in dict(template.get("variables") or {}).items()}
        return Rendered("", template=Template(str(template["content_sid"]), variables))

    async def send(self, address: str, rendered: Rendered) -> Sent:
        """POST /Messages.json through the twilio Client."""
        if not E164.match(address):
            raise Rejected(f"not a phone number: {address!r}")
        prefix = "whatsapp:" if self.name == "whatsapp" else ""
        fields: dict[str, Any] = {"to": prefix + address}
        if self.messaging_service_sid:  # Twilio picks the number of its pool
            fields["messaging_service_sid"] = self.messaging_service_sid
        else:
            fields["from_"] = prefix + self.sender
        if self.status_callback:
            fields["status_callback"] = self.status_callback
        if rendered.template is not None:
            fields["content_sid"] = rendered.template.content_sid
            fields["content_variables"] = json.dumps(dict(rendered.template.variables))
        else:
            fields["body"] = rendered.text
        try:
            message = await self.client.messages.create_async(**fields)
        except TwilioRestException as exc:
            raise send_error(exc.status, exc.code, str(exc.msg)) from None
        except httpx.HTTPError as exc:
            raise transport_failure(exc, "Twilio") from None
        if rendered.voice_url is not None:
            # WhatsApp shows no text with an audio message: the voice note goes after it.
            fields.pop("body", None)
            try:
                await self.client.messages.create_async(**fields, media_url=[rendered.voice_url])
            except (TwilioRestException, httpx.HTTPError) as exc:  # the text went: no retry
                log.warning("voice note not sent: %s", type(exc).__name__)
        return Sent(str(message.sid), segments=rendered.segments)

    async def fetch_media(self, url: str) -> bytes:
        """A resident's media (MediaUrl0): fetched with the account's credentials (basic auth),
        sent only to Twilio's own API, never to another host a form could name."""
        http = self.client.http_client
        if not isinstance(http, HttpxTwilioClient):
            raise MediaUnavailable("no HTTP client to fetch media with")
        if not any(url.startswith(base + "/") for base in (TWILIO_API, http.api_url)):
            raise MediaUnavailable("media URL is not Twilio's")
        auth = (str(self.client.username), str(self.client.password))
        try:
            # Twilio answers with a redirect to its media store; httpx drops the credentials
            # when a redirect leaves the host.
            async with http.client.stream(
                "GET", http.target(url), auth=auth, follow_redirects=True
            ) as answer:
                if answer.status_code != 200:
                    raise MediaUnavailable(f"Twilio media answered {answer.status_code}")
                data = bytearray()
                async for chunk in answer.aiter_bytes():
                    data += chunk
                    if len(data) > MAX_MEDIA_BYTES:
                        raise MediaUnavailable("media too large")
                return bytes(data)
        except httpx.HTTPError as exc:
            raise MediaUnavailable(f"Twilio media not fetched: {type(exc).__name__}") from None

    async def close(self) -> None:
        """Close the HTTP connections."""
        http = self.client.http_client
        if isinstance(http, HttpxTwilioClient):
            await http.close()


def twilio_client(
    account_sid: str, auth_token: str, api_url: str, *, timeout: float = 10.0
) -> Client:
    """A twilio Client whose requests go to `api_url` over httpx."""
    return Client(account_sid, auth_token, http_client=HttpxTwilioClient(api_url, timeout=timeout))
