"""A custodian in a real browser (Debian's chromium, headless) against `portineria serve`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, async_playwright, expect
from sqlalchemy import select

from actions import needs
from actions.clock import ManualClock
from actions.db import SessionFactory, transaction
from actions.models import Delivery, Handoff
from api.main import create_app
from api.settings import Settings
from tests.conftest import NOW
from tests.console.conftest import PASSWORD, SECRET, add_staff, resident_waiting
from tests.support.processes import serving_app

pytestmark = pytest.mark.processes

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
async def server(
    database: tuple[str, str | None], demo_sessions: SessionFactory
) -> AsyncIterator[str]:
    """The whole app (no channels configured) on the migrated demo database, served over
    HTTP on a free port by uvicorn in this process, its clock at the demo's time."""
    url, schema = database
    settings = Settings(database_url=url, database_schema=schema, secret_key=SECRET)
    async with serving_app(create_app(settings, clock=ManualClock(NOW))) as base:
        yield base


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless chromium driven by Playwright (never `playwright install`: Debian's build)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing (`make test` installs it)")
        pytest.skip("needs Debian's chromium: `make test` installs it")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


async def test_a_custodian_claims_answers_and_closes(
    server: str, browser: Browser, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    first = await resident_waiting(demo_sessions, text="Vorrei parlare con una persona")
    page = await browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: _note_problem(m, problems))
    page.on("pageerror", lambda e: problems.append(str(e)))

    await page.goto(f"{server}/console/")
    await expect(page).to_have_url(f"{server}/console/login?next=/console/inbox")
    await page.fill("#email", "anna@ospizio.it")
    await page.fill("#password", PASSWORD)
    await page.click("button:has-text('Entra')")
    await expect(page).to_have_url(f"{server}/console/inbox")
    card = page.locator(f'[data-handoff="{first.handoff_id}"]')
    await expect(card).to_contain_text("Vorrei parlare con una persona")

    # A second resident asks while the inbox is open: it appears without a reload.
    second = await resident_waiting(demo_sessions, address="777", text="Aiuto con la bolletta")
    await expect(page.locator(f'[data-handoff="{second.handoff_id}"]')).to_contain_text(
        "Aiuto con la bolletta", timeout=15_000
    )
    await expect(page).to_have_title("(2) Conversazioni · Portineria")

    await card.locator("a").click()
    await page.click("button:has-text('Prendo io')")
    status = page.locator("#conversation [data-status]")
    await expect(status).to_have_attribute("data-status", "claimed")
    await page.fill("#reply-text", "Buongiorno, sono Anna della Casa. La chiamo tra poco.")
    await page.click("button:has-text('Invia')")
    await expect(page.locator("#current .msg.person")).to_contain_text("Buongiorno, sono Anna")
    async with demo_sessions() as session:
        relay = await session.scalar(select(Delivery).where(Delivery.kind == "relay"))
        assert relay is not None and relay.channel == "telegram" and relay.address == "424242"
        assert relay.payload["text"] == "Buongiorno, sono Anna della Casa. La chiamo tra poco."

    await page.fill("#note-text", "Richiamare giovedì")
    await page.click("button:has-text('Aggiungi nota')")
    await expect(page.locator(".note")).to_contain_text("Richiamare giovedì")
    await page.fill("#outcome", "Richiamato al telefono")
    await page.click("button:has-text('Chiudi')")
    await expect(status).to_have_attribute("data-status", "closed")
    async with demo_sessions() as session:
        closed = await session.get(Handoff, first.handoff_id)
        assert closed is not None and closed.status == "closed"
        assert closed.outcome == "Richiamato al telefono"
    assert not problems, problems


async def test_the_needs_board_changes_a_row_in_place(
    server: str, browser: Browser, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions)
    async with transaction(demo_sessions) as session:
        need = await needs.file_need(
            session,
            resident_id=waiting.resident_id,
            category="waste",
            description="Sacchi lasciati in strada",
            location="",
            quartiere="Ospizio",
            consent_contact=False,
            now=NOW,
        )
    page = await browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: _note_problem(m, problems))
    await page.goto(f"{server}/console/needs")
    await page.fill("#email", "anna@ospizio.it")
    await page.fill("#password", PASSWORD)
    await page.click("button:has-text('Entra')")
    row = page.locator(f"#need-{need.id}")
    await page.evaluate("window.marker = 'same page'")  # gone if the page reloads
    await row.locator("button:has-text('Prendi in lavorazione')").click()
    await expect(row).to_have_attribute("data-status", "in_progress")
    await expect(row).to_contain_text("residente avvisato")
    assert await page.evaluate("window.marker") == "same page"
    assert not problems, problems


def _note_problem(message: ConsoleMessage, problems: list[str]) -> None:
    # Content-Security-Policy violations and script errors show up as console errors.
    if message.type == "error":
        problems.append(message.text)
