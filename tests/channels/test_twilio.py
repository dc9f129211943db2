"""Twilio SMS and WhatsApp with the real twilio Client against the fake Messages API."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlencode

import pytest

from bot.channels.base import DeliveryStatus, Ignored, Malformed, Rendered, WebhookRequest
from bot.channels.errors import (
    ConnectionFailed,
    Misconfigured,
    OutsideWindow,
    RecipientUnreachable,
    Rejected,
    Throttled,
)
from bot.channels.twilio import TwilioChannel, twilio_client
from bot.messages import Inbound, Media
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, SMS_FROM, WHATSAPP_FROM, FakeTwilio, sign

CALLBACK = "https://portineria.example.org/webhooks/twilio"
SID = "SM" + "a" * 32


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
async def sms(fake: FakeTwilio) -> AsyncIterator[TwilioChannel]:
    client = twilio_client(ACCOUNT_SID, AUTH_TOKEN, fake.url)
    channel = TwilioChannel(
        scheme="sms",
        client=client,
        auth_token=AUTH_TOKEN,
        sender=SMS_FROM,
        status_callback=CALLBACK,
    )
    yield channel
    await channel.close()


@pytest.fixture
async def whatsapp(fake: FakeTwilio) -> AsyncIterator[TwilioChannel]:
    client = twilio_client(ACCOUNT_SID, AUTH_TOKEN, fake.url)
    channel = TwilioChannel(
        scheme="whatsapp",
        client=client,
        auth_token=AUTH_TOKEN,
        sender=WHATSAPP_FROM,
        status_callback=CALLBACK,
    )
    yield channel
    await channel.close()


def test_sms_is_a_numbered_list_in_gsm7_with_segments(sms: TwilioChannel) -> None:
    payload = {"text": "È aperta. Cosa le serve?", "options": ["Orari", "Un’altra cosa"]}
    rendered = sms.render(payload, rtl=False, in_window=True)
    assert rendered.text == "E' aperta. Cosa le serve?\n1 Orari\n2 Un'altra cosa"
    assert (rendered.encoding, rendered.segments) == ("GSM-7", 1)


def test_arabic_sms_keeps_its_direction_marks(sms: TwilioChannel) -> None:
    rendered = sms.render({"text": "مرحبا", "options": ["نعم"]}, rtl=True, in_window=True)
    assert rendered.text == "\u200fمرحبا\n\u200f1 نعم" and rendered.encoding == "UCS-2"


def test_whatsapp_outside_the_window_needs_a_template(whatsapp: TwilioChannel) -> None:
    text = {"text": "Notizie dal quartiere"}
    assert whatsapp.render(text, rtl=False, in_window=True).text == "Notizie dal quartiere"
    with pytest.raises(OutsideWindow):
        whatsapp.render(text, rtl=False, in_window=False)
    templated = {
        **text,
        "template": {"content_sid": "HX" + "b" * 32, "variables": {"1": "Ospizio"}},
    }
    rendered = whatsapp.render(templated, rtl=False, in_window=False)
    assert rendered.template is not None and rendered.template.variables == {"1": "Ospizio"}


async def test_sms_send_posts_the_exact_form(sms: TwilioChannel, fake: FakeTwilio) -> None:
    sent = await sms.send("+393331234567", Rendered("Ciao", segments=1))
    [call] = fake.requests
    assert call.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    credentials = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert call.headers["authorization"] == f"Basic {credentials}"
    assert call.fields == {
        "To": "+393331234567",
        "From": SMS_FROM,
        "Body": "Ciao",
        "StatusCallback": CALLBACK,
    }
    assert sent.provider_message_id.startswith("SM") and sent.segments == 1


async def test_sms_through_a_messaging_service_sends_its_sid_instead_of_from(
    fake: FakeTwilio,
) -> None:
    service = "MG" + "c" * 32
    client = twilio_client(ACCOUNT_SID, AUTH_TOKEN, fake.url)
    pool = TwilioChannel(
        scheme="sms",
        client=client,
        auth_token=AUTH_TOKEN,
        sender="",
        status_callback=None,
        messaging_service_sid=service,
    )
    try:
        await pool.send("+393331234567", Rendered("Ciao", segments=1))
    finally:
        await pool.close()
    [call] = fake.requests
    assert call.fields == {"To": "+393331234567", "MessagingServiceSid": service, "Body": "Ciao"}


async def test_whatsapp_send_uses_the_scheme_and_templates(
    whatsapp: TwilioChannel, fake: FakeTwilio
) -> None:
    await whatsapp.send("+393331234567", Rendered("Ciao"))
    rendered = whatsapp.render(
        {"text": "", "template": {"content_sid": "HX" + "c" * 32, "variables": {"1": "x"}}},
        rtl=False,
        in_window=False,
    )
    await whatsapp.send("+393331234567", rendered)
    free, templated = fake.created()
    assert free["To"] == "whatsapp:+393331234567" and free["From"] == WHATSAPP_FROM
    assert templated["ContentSid"] == "HX" + "c" * 32
    assert templated["ContentVariables"] == '{"1": "x"}' and "Body" not in templated


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (400, 21610, RecipientUnreachable),
        (400, 21211, RecipientUnreachable),
        (429, 20429, Throttled),
        (401, 20003, Misconfigured),
        (400, 21606, Misconfigured),
        (400, 63016, OutsideWindow),
        (400, 21617, Rejected),
        (400, 99999, Rejected),
        (503, 20500, ConnectionFailed),
    ],
)
async def test_error_codes_are_typed(
    sms: TwilioChannel, fake: FakeTwilio, status: int, code: int, error: type[Exception]
) -> None:
    fake.fail(status, code, "scripted")
    with pytest.raises(error) as raised:
        await sms.send("+393331234567", Rendered("Ciao"))
    assert raised.value.code == str(code)  # type: ignore[attr-defined]
    if code == 21610:
        assert raised.value.opted_out  # type: ignore[attr-defined]


async def test_an_unreachable_api_is_a_connection_failure() -> None:
    client = twilio_client(ACCOUNT_SID, AUTH_TOKEN, "http://127.0.0.1:9")
    channel = TwilioChannel(
        scheme="sms", client=client, auth_token=AUTH_TOKEN, sender=SMS_FROM, status_callback=None
    )
    with pytest.raises(ConnectionFailed):
        await channel.send("+393331234567", Rendered("Ciao"))
    await channel.close()


def _post(fields: dict[str, str], signature: str | None = None) -> WebhookRequest:
    headers = {"x-twilio-signature": signature if signature is not None else sign(CALLBACK, fields)}
    return WebhookRequest(CALLBACK, headers, urlencode(fields).encode())


def test_signature_is_checked_against_the_public_url(sms: TwilioChannel) -> None:
    fields = {"MessageSid": SID, "From": "+393331234567", "Body": "ciao"}
    assert sms.verify(_post(fields))
    assert not sms.verify(_post(fields, signature=sign("http://127.0.0.1/webhooks/twilio", fields)))
    assert not sms.verify(_post(fields, signature=""))
    assert not sms.verify(_post({**fields, "Body": "changed"}, signature=sign(CALLBACK, fields)))
    assert not sms.verify(WebhookRequest(CALLBACK, {"x-twilio-signature": "x"}, b"\xff\xfe"))


def test_whatsapp_message_with_media_and_location(sms: TwilioChannel) -> None:
    fields = {
        "MessageSid": "MM" + "d" * 32,
        "From": "whatsapp:+393331234567",
        "Body": "",
        "NumMedia": "1",
        "MediaUrl0": "https://api.twilio.com/media/ME1",
        "MediaContentType0": "audio/ogg",
        "Latitude": "44.69",
        "Longitude": "10.63",
        "ProfileName": "Giulia",
    }
    parsed = sms.parse(_post(fields)).event
    assert parsed == Inbound(
        channel="whatsapp",
        address="+393331234567",
        text="",
        media=(
            Media("voice", "https://api.twilio.com/media/ME1", "audio/ogg"),
            Media("location", "geo:44.69,10.63"),
        ),
        provider_message_id="MM" + "d" * 32,
        display_name="Giulia",
    )


@pytest.mark.parametrize(
    ("body", "opt_out", "text"),
    [
        ("Stop", "", "STOP"),
        ("cancel", "", "STOP"),
        ("Basta", "STOP", "STOP"),
        ("unstop", "", "START"),
        ("sì", "", "sì"),
        ("HELP", "HELP", "HELP"),
    ],
)
def test_carrier_keywords_reach_the_conversation_as_stop_and_start(
    sms: TwilioChannel, body: str, opt_out: str, text: str
) -> None:
    fields = {"MessageSid": SID, "From": "+393331234567", "Body": body}
    if opt_out:
        fields["OptOutType"] = opt_out
    event = sms.parse(_post(fields)).event
    assert isinstance(event, Inbound) and event.text == text


def test_status_callbacks(sms: TwilioChannel) -> None:
    def status(value: str, code: str = "") -> object:
        fields = {"MessageSid": SID, "MessageStatus": value, "SmsStatus": value}
        if code:
            fields["ErrorCode"] = code
        return sms.parse(_post(fields)).event

    assert status("delivered") == DeliveryStatus(SID, "delivered")
    assert status("read") == DeliveryStatus(SID, "delivered")
    assert status("undelivered", "21610") == DeliveryStatus(
        SID, "failed", "21610", unreachable=True, opted_out=True
    )
    assert status("failed", "30003") == DeliveryStatus(SID, "failed", "30003")
    assert isinstance(status("weird"), Ignored)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"MessageSid": "nope", "From": "+393331234567"},
        {"MessageSid": SID},
        {"MessageSid": SID, "From": "+39abc"},
        {"MessageSid": SID, "From": "+393331234567", "NumMedia": "many"},
    ],
)
def test_unreadable_posts_are_malformed(sms: TwilioChannel, fields: dict[str, str]) -> None:
    with pytest.raises(Malformed):
        sms.parse(_post(fields))
