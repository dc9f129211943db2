"""Recording a SPID session's outcomes on a phone, and the month's report counting them, with
the console on a manual clock (in this process) so that the test sets the day."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from actions.clock import ManualClock
from actions.db import SessionFactory
from tests.console import test_browser
from tests.console.conftest import add_staff
from tests.console.test_console_browser import PHONE, _axe, _context, _log_in
from tests.console.test_help_given import SESSION_AT, _booked, app_later
from tests.support.processes import serving_app

browser = test_browser.browser
pytestmark = pytest.mark.processes  # a real browser, slow like the process tests


async def test_a_custodian_records_a_session_on_a_phone_and_the_month_counts_it(
    database: tuple[str, str | None], demo_sessions: SessionFactory, browser: Browser
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    booked = await _booked(
        demo_sessions,
        [
            ("telegram", "111"),
            ("sms", "+393331112223"),
            ("whatsapp", "+393334445556"),
            ("sms", "+393337778889"),
        ],
    )
    app = app_later(database)
    clock = app.state.clock
    assert isinstance(clock, ManualClock)
    outcomes = [
        ("came", "È venuto", "75_plus", ""),
        ("spid_activated", "SPID attivato", "65_74", ""),
        ("another_visit", "Serve un'altra visita", "", "Manca la tessera sanitaria"),
        ("no_show", "Non è venuto", "", ""),
    ]
    async with serving_app(app) as server:
        context = await _context(browser, PHONE)
        page = await context.new_page()
        await _log_in(page, server, "anna@ospizio.it", "/console/help/record")
        assert await _axe(page) == []
        for booking, (outcome, said, age, note) in zip(booked, outcomes, strict=True):
            card = page.locator(f"#booking-{booking.id}")
            await card.locator(f"input[value={outcome}]").check()
            if age:
                await card.locator("select").select_option(age)
            if note:
                await card.locator("input[name=note]").fill(note)
            await card.locator("button[type=submit]").click()
            await expect(page.locator(".flash.ok")).to_contain_text(f"{booking.code}: {said}")
            await expect(page.locator(f"#booking-{booking.id} .badge")).to_have_text(said)
        assert await _axe(page) == []

        # The report opens on the clock's month: the session's.
        await page.goto(f"{server}/console/help")
        await expect(page.locator("#f-month")).to_have_value(f"{SESSION_AT:%Y-%m}")
        await expect(page.locator("#people-helped")).to_have_text("3")
        await expect(page.locator("#no-shows")).to_have_text("1")
        outcome_table = page.locator("table.report").first
        for _, said, _, _ in outcomes:
            said_once = page.get_by_role("rowheader", name=said, exact=True)
            await expect(outcome_table.locator("tr", has=said_once).locator("td")).to_have_text("1")
        age_table = page.locator("table.report").nth(1)
        await expect(age_table).to_contain_text("75 anni e più")
        await expect(age_table).to_contain_text("da 65 a 74 anni")
        assert await _axe(page) == []

        # A month on, the report opens on the new month, empty; the session's month stays.
        clock.set(SESSION_AT.replace(month=SESSION_AT.month % 12 + 1, day=3))
        await page.goto(f"{server}/console/help")
        await expect(page.locator("#people-helped")).to_have_text("0")
        await page.goto(f"{server}/console/help?month={SESSION_AT:%Y-%m}")
        await expect(page.locator("#people-helped")).to_have_text("3")
        await context.close()
