"""The real server's logs at DEBUG: one JSON object a line, ids, and no number, chat id or text."""

from __future__ import annotations

import asyncio
import json
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, SMS_FROM, WHATSAPP_FROM, FakeTwilio, sign
from tests.support import channels as support
from tests.support.channels import PUBLIC_URL, TELEGRAM_SECRET, require_redis
from tests.support.processes import PORTINERIA, environment, free_port, portineria

# On PostgreSQL too: asyncpg's errors and logs differ from aiosqlite's.
pytestmark = [pytest.mark.both_databases, pytest.mark.processes]

fake_telegram, fake_twilio = support.fake_telegram, support.fake_twilio

CHAT_ID, BLOCKED_CHAT_ID = 472918365, 472918366
SMS_NUMBER, WHATSAPP_NUMBER = "+393398765432", "+393471239876"
NAME = "Rosalba"
TEXTS = {
    "telegram": "ciao sono Ernestina",
    "blocked": "ciao sono Filomena",
    "sms": "ciao sono Gualtiero",
    "whatsapp": "ciao sono Ottavina",
}


@pytest.fixture
def server(
    database: tuple[str, str | None], fake_telegram: FakeTelegram, fake_twilio: FakeTwilio
) -> Iterator[tuple[str, Callable[[], str]]]:
    """`portineria serve` with JSON logs at DEBUG; (base URL, a function that stops it and
    returns everything it wrote to stderr)."""
    extra = {} if database[1] is None else {"PORTINERIA_REDIS_URL": asyncio.run(require_redis())}
    env = environment(
        database,
        PORTINERIA_LOG_FORMAT="json",
        PORTINERIA_LOG_LEVEL="DEBUG",
        PORTINERIA_PUBLIC_URL=PUBLIC_URL,
        PORTINERIA_TELEGRAM_TOKEN=TOKEN,
        PORTINERIA_TELEGRAM_SECRET_TOKEN=TELEGRAM_SECRET,
        PORTINERIA_TELEGRAM_API_URL=fake_telegram.url,
        PORTINERIA_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        PORTINERIA_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        PORTINERIA_TWILIO_SMS_FROM=SMS_FROM,
        PORTINERIA_TWILIO_WHATSAPP_FROM=WHATSAPP_FROM,
        PORTINERIA_TWILIO_API_URL=fake_twilio.url,
        **extra,
    )
    assert portineria("db", "upgrade", env=env).returncode == 0
    port = free_port()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [PORTINERIA, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )

        def stop() -> str:
            process.terminate()
            process.wait(timeout=30)
            stderr.seek(0)
            return stderr.read()

        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until(lambda: _answers(base), "the server did not start", timeout=120)
            yield base, stop
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/livez", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _wait_until(condition: Callable[[], bool], message: str, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def _telegram(base: str, update_id: int, chat_id: int, text: str) -> httpx.Response:
    user = {"id": chat_id, "is_bot": False, "first_name": NAME, "language_code": "it"}
    update = {
        "update_id": update_id,
        "message": {
            "message_id": 7,
            "date": 1795593600,
            "from": user,
            "chat": {"id": chat_id, "first_name": NAME, "type": "private"},
            "text": text,
        },
    }
    headers = {"x-telegram-bot-api-secret-token": TELEGRAM_SECRET}
    return httpx.post(f"{base}/webhooks/telegram", json=update, headers=headers, timeout=30)


def _twilio(base: str, sid: str, sender: str, text: str, *, signed: bool = True) -> httpx.Response:
    fields = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": sender, "Body": text}
    fields["To"] = WHATSAPP_FROM if sender.startswith("whatsapp:") else SMS_FROM
    fields["NumMedia"] = "0"
    signature = sign(PUBLIC_URL + "/webhooks/twilio", fields) if signed else "forged"
    headers = {"content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature}
    return httpx.post(
        f"{base}/webhooks/twilio", content=urlencode(fields), headers=headers, timeout=30
    )


def test_logs_are_json_with_ids_and_nothing_personal(
    server: tuple[str, Callable[[], str]], fake_telegram: FakeTelegram, fake_twilio: FakeTwilio
) -> None:
    base, stop = server
    fake_telegram.blocked.add(BLOCKED_CHAT_ID)  # the error path: the provider answers 403
    assert _telegram(base, 810000001, CHAT_ID, TEXTS["telegram"]).status_code == 200
    assert _telegram(base, 810000002, BLOCKED_CHAT_ID, TEXTS["blocked"]).status_code == 200
    assert _twilio(base, "SM" + "a" * 32, SMS_NUMBER, TEXTS["sms"]).status_code == 200
    whatsapp = "whatsapp:" + WHATSAPP_NUMBER
    assert _twilio(base, "SM" + "b" * 32, whatsapp, TEXTS["whatsapp"]).status_code == 200
    assert _twilio(base, "SM" + "c" * 32, SMS_NUMBER, "x", signed=False).status_code == 403
    assert httpx.get(f"{base}/livez", params={"from": SMS_NUMBER}).status_code == 200

    def all_sent() -> bool:
        telegram = {int(m["chat_id"]) for m in fake_telegram.sent()}
        refused = [r for r, a in fake_telegram.exchanges if a.status == 403]
        twilio = {m["To"] for m in fake_twilio.created()}
        return CHAT_ID in telegram and bool(refused) and {SMS_NUMBER, whatsapp} <= twilio

    _wait_until(all_sent, "the replies were not all sent", timeout=90)
    time.sleep(0.5)  # the sender logs each outcome right after recording it
    logs = stop()

    records = [json.loads(line) for line in logs.splitlines()]  # every line is one object
    assert records
    personal = [
        str(CHAT_ID),
        str(BLOCKED_CHAT_ID),
        SMS_NUMBER.lstrip("+"),
        WHATSAPP_NUMBER.lstrip("+"),
        NAME,
        *(text.split()[-1] for text in TEXTS.values()),  # the names written in the texts
        "Come posso aiutare",  # the bot's own reply texts
        TOKEN,
        AUTH_TOKEN,
    ]
    leaked = [word for word in personal if word in logs]
    assert not leaked, leaked

    def having(key: str) -> list[dict[str, Any]]:
        return [r for r in records if r.get(key) is not None]

    answered = [r for r in records if r["message"] == "message answered"]
    assert {r["channel"] for r in answered} == {"telegram", "sms", "whatsapp"}
    assert all(isinstance(r["resident_id"], int) for r in answered)
    assert all(isinstance(r["conversation_id"], int) for r in answered)
    assert all(r["request_id"] for r in answered)  # tied to the webhook call that brought it
    outcomes = {(r["channel"], r["status"]) for r in having("delivery_id") if "status" in r}
    assert ("telegram", "failed") in outcomes and ("sms", "sent") in outcomes
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    assert {"/webhooks/telegram", "/webhooks/twilio", "/livez"} <= {r["path"] for r in access}
