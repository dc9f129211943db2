"""A community manager sends an announcement from a real browser and watches it go out."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Dialog, expect
from sqlalchemy import select

from actions.db import SessionFactory, transaction
from actions.demo import load_demo_residents
from actions.models import ChannelAddress, Delivery, Subscription
from tests.conftest import NOW
from tests.console import test_browser
from tests.console.conftest import PASSWORD, SECRET, add_staff
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.support import channels as support
from tests.support.processes import environment, serving

pytestmark = pytest.mark.processes

browser, fake_telegram = test_browser.browser, support.fake_telegram
TEXT = "Sabato festa in cortile alla Casa di Quartiere, dalle 16."


@pytest.fixture
async def sending_server(
    database: tuple[str, str | None],
    demo_sessions: SessionFactory,
    fake_telegram: FakeTelegram,
    tmp_path: Path,
) -> AsyncIterator[str]:
    """`portineria serve` sending Telegram to the fake (on PostgreSQL through Redis's budget)."""
    extra = {
        "PORTINERIA_SECRET_KEY": SECRET,
        "PORTINERIA_TELEGRAM_TOKEN": TOKEN,
        "PORTINERIA_TELEGRAM_API_URL": fake_telegram.url,
    }
    if database[1] is not None:  # PostgreSQL: the web server sends only with a shared budget
        extra["PORTINERIA_REDIS_URL"] = await support.require_redis()
    with serving(environment(database, **extra), tmp_path / "serve.log") as base:
        yield base


async def test_compose_preview_send_and_watch_the_statistics(
    sending_server: str,
    browser: Browser,
    demo_sessions: SessionFactory,
    fake_telegram: FakeTelegram,
) -> None:
    async with transaction(demo_sessions) as session:
        await load_demo_residents(session, count=90, now=NOW - timedelta(days=2))
        chats = (
            await session.scalars(
                select(ChannelAddress.address)
                .join(Subscription, Subscription.resident_id == ChannelAddress.resident_id)
                .where(ChannelAddress.channel == "telegram")
            )
        ).all()
    fake_telegram.blocked.add(int(chats[0]))  # one resident blocked the bot
    await add_staff(demo_sessions, "marta@comune.it", "community_manager")
    server = sending_server
    page = await browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: test_browser._note_problem(m, problems))
    page.on("pageerror", lambda e: problems.append(str(e)))
    questions: list[str] = []

    async def accept(dialog: Dialog) -> None:
        questions.append(dialog.message)
        await dialog.accept()

    page.on("dialog", accept)

    await page.goto(f"{server}/console/broadcasts")
    await page.fill("#email", "marta@comune.it")
    await page.fill("#password", PASSWORD)
    await page.click("button:has-text('Entra')")
    await expect(page).to_have_url(f"{server}/console/broadcasts")
    await page.click("text=Nuovo annuncio")
    await page.fill("#text_it", TEXT)
    await page.select_option("#channel", "telegram")
    await page.click("button:has-text('Anteprima')")

    await expect(page).to_have_url(re.compile(r"/console/broadcasts/\d+/preview$"))
    await expect(page.locator("#reach-total")).to_have_text(str(len(chats)))
    await page.click(f"button:has-text('Invia adesso a {len(chats)} residenti')")
    assert questions == [f"Inviare l'annuncio a {len(chats)} residenti adesso?"]

    await expect(page).to_have_url(re.compile(r"/console/broadcasts/\d+$"))
    await expect(page.locator(".flash")).to_contain_text(f"{len(chats)} messaggi in coda")
    await page.evaluate("window.marker = 'same page'")  # gone if the page reloads
    # The page follows the sending by itself until every message is out.
    progress = page.locator("#progress")
    await expect(progress).to_have_attribute("data-state", "done", timeout=60_000)
    totals = progress.locator("#totals")
    await expect(totals.locator('[data-count="sent"]')).to_have_text(str(len(chats) - 1))
    await expect(totals.locator('[data-count="failed"]')).to_have_text("1")
    await expect(progress.locator("svg.bar rect").first).to_be_visible()
    await expect(progress.locator(".reasons")).to_contain_text("Telegram, non consegnato")
    await expect(progress.locator("button:has-text('Annulla')")).to_have_count(0)
    assert await page.evaluate("window.marker") == "same page"

    assert sorted(m["chat_id"] for m in fake_telegram.sent()) == sorted(chats[1:])
    assert {m["text"] for m in fake_telegram.sent()} == {TEXT}
    async with demo_sessions() as session:
        statuses = (await session.scalars(select(Delivery.status))).all()
    assert sorted(statuses) == ["failed"] + ["sent"] * (len(chats) - 1)
    assert not problems, problems
