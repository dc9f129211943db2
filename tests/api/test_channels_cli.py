"""`portineria telegram set-webhook` and `portineria worker` as operators run them."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from actions import arrivals
from actions.db import SessionFactory, transaction
from actions.models import ChannelAddress, Resident
from actions.outbox import enqueue
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.support import channels as support
from tests.support.channels import PUBLIC_URL, TELEGRAM_SECRET, TelegramResident, Webhooks
from tests.support.processes import (
    ON_POSTGRES,
    PORTINERIA,
    environment,
    eventually,
    portineria,
    serving,
)

pytestmark = pytest.mark.processes

fake_telegram = support.fake_telegram


def _env(database: tuple[str, str | None], fake: FakeTelegram) -> dict[str, str]:
    return environment(
        database,
        PORTINERIA_TELEGRAM_TOKEN=TOKEN,
        PORTINERIA_TELEGRAM_SECRET_TOKEN=TELEGRAM_SECRET,
        PORTINERIA_TELEGRAM_API_URL=fake.url,
        PORTINERIA_PUBLIC_URL=PUBLIC_URL,
    )


def test_set_webhook_registers_the_public_url_and_the_secret(
    database: tuple[str, str | None], fake_telegram: FakeTelegram
) -> None:
    done = portineria("telegram", "set-webhook", "--json", env=_env(database, fake_telegram))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "url": PUBLIC_URL + "/webhooks/telegram",
        "pending_update_count": 0,
    }
    assert fake_telegram.webhook["secret_token"] == TELEGRAM_SECRET
    assert json.loads(fake_telegram.webhook["allowed_updates"]) == [
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    ]
    assert TOKEN not in done.stdout + done.stderr


def test_set_webhook_refused_is_one_line(
    database: tuple[str, str | None], fake_telegram: FakeTelegram
) -> None:
    fake_telegram.fail(
        400, "Bad Request: bad webhook: HTTPS url must be provided", method="setWebhook"
    )
    done = portineria("telegram", "set-webhook", env=_env(database, fake_telegram))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "https url must be provided" in done.stderr and "Traceback" not in done.stderr


@ON_POSTGRES
def test_worker_without_channels_says_so(database: tuple[str, str | None]) -> None:
    done = portineria("worker", env=environment(database))
    assert done.returncode == 2 and "no channel configured" in done.stderr


@ON_POSTGRES
async def test_worker_sends_the_outbox_and_stops_cleanly(
    database: tuple[str, str | None], sessions: SessionFactory, fake_telegram: FakeTelegram
) -> None:
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        address = ChannelAddress(
            channel="telegram",
            address="42",
            resident=Resident(created_at=now),
            last_inbound_at=now,
        )
        session.add(address)
        await session.flush()
        enqueue(session, address=address, payload={"text": "Promemoria"}, kind="reminder", now=now)
    worker = subprocess.Popen(
        [PORTINERIA, "worker"],
        env=_env(database, fake_telegram),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not fake_telegram.sent() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [m["text"] for m in fake_telegram.sent()] == ["Promemoria"]
    finally:
        worker.terminate()
        out, err = worker.communicate(timeout=15)
    assert worker.returncode == 0, err
    assert TOKEN not in out + err


@ON_POSTGRES
async def test_a_web_only_server_keeps_messages_for_the_worker_to_answer(
    database: tuple[str, str | None],
    sessions: SessionFactory,
    fake_telegram: FakeTelegram,
    tmp_path: Path,
) -> None:
    env = _env(database, fake_telegram)
    # Two web processes need no Redis when they send nothing.
    with serving(env, tmp_path / "serve.log", "--workers", "2", "--web-only") as base:
        async with httpx.AsyncClient(base_url=base) as client:
            giulia = TelegramResident(Webhooks(client), fake_telegram)
            assert (await giulia.says("ciao")).status_code == 200
        async with sessions() as session:  # kept, and no intake in the web processes
            assert await arrivals.waiting_count(session) == 1
        worker = subprocess.Popen(
            [PORTINERIA, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            await eventually(lambda: bool(giulia.received()), what="the worker to answer")
            async with sessions() as session:
                assert await arrivals.waiting_count(session) == 0
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert worker.returncode == 0
