"""The console in English for a staff member who chooses it: every page, remembered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Browser, expect

from actions import help_records
from actions.db import SessionFactory, transaction
from actions.models import StaffUser
from tests.console import test_browser
from tests.console.conftest import add_staff, resident_waiting
from tests.console.test_console_browser import DESK, _axe, _context, _log_in
from tests.console.test_help_given import SESSION_AT, _booked, app_later
from tests.support.processes import serving_app

browser = test_browser.browser
pytestmark = pytest.mark.processes  # a real browser, slow like the process tests


async def test_an_admin_switches_to_english_and_every_page_follows(
    database: tuple[str, str | None], demo_sessions: SessionFactory, browser: Browser
) -> None:
    admin = await add_staff(demo_sessions, "admin@ospizio.it", "admin")
    waiting = await resident_waiting(demo_sessions, text="Vorrei parlare con qualcuno")
    [booking] = await _booked(demo_sessions, [("sms", "+393331112223")])
    async with transaction(demo_sessions) as session:
        await help_records.record_outcome(
            session,
            booking_id=booking.id,
            outcome="spid_activated",
            note="",
            age_band="75_plus",
            staff_id=admin,
            now=SESSION_AT + timedelta(hours=1),
        )
    async with serving_app(app_later(database)) as server:
        context = await _context(browser, DESK)
        page = await context.new_page()
        await _log_in(page, server, "admin@ospizio.it")
        await expect(page.locator("h1")).to_have_text("Conversazioni")

        # The queue.
        await page.click("#language-en")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator(".flash.ok")).to_have_text("The console is now in English.")
        await expect(page.locator("h1")).to_have_text("Conversations")
        card = page.locator(f"#card-{waiting.handoff_id}")
        await expect(card).to_contain_text("Asked for a person")
        await expect(page.locator("#waiting-count")).to_contain_text("waiting for a person")
        assert await _axe(page) == []

        # A conversation.
        await card.locator("a").click()
        await expect(page.locator("h1")).to_contain_text(f"Conversation no. {waiting.handoff_id}")
        await expect(page.locator("#act-claim")).to_have_text("I'll take it")
        await expect(page.locator("#current-title")).to_have_text("Current request")
        await expect(page.locator("#status-line")).to_contain_text("Waiting")
        await page.click("#act-claim")
        await expect(page.locator("#act-claim")).to_have_text("You have it")
        assert await _axe(page) == []

        # The month's report.
        await page.goto(f"{server}/console/help")
        await expect(page.locator("h1")).to_have_text("Help given: SPID")
        await expect(page.locator("main")).to_contain_text("people helped")
        outcome = page.get_by_role("rowheader", name="SPID activated", exact=True)
        await expect(outcome).to_have_count(1)
        await expect(page.locator("main")).to_contain_text("75 and over")
        assert await _axe(page) == []
        await context.close()

        # Remembered: the next login is in English too, and the switch leads back.
        async with demo_sessions() as session:
            assert (await session.get(StaffUser, admin)).language == "en"  # type: ignore[union-attr]
        context = await _context(browser, DESK)
        page = await context.new_page()
        await _log_in(page, server, "admin@ospizio.it", "/console/help")
        await expect(page.locator("h1")).to_have_text("Help given: SPID")
        await page.click("#language-it")
        await expect(page.locator("h1")).to_have_text("Aiuto dato: SPID")
        await expect(page).to_have_url(f"{server}/console/help")
        await context.close()
