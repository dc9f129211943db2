"""The console as a busy custodian uses it, in chromium at desk and phone sizes, with axe-core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from actions import needs, residents
from actions.db import SessionFactory, transaction
from tests.conftest import NOW
from tests.console import test_browser
from tests.console.conftest import PASSWORD, add_staff, resident_waiting

browser, server = test_browser.browser, test_browser.server
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = [pytest.param(DESK, id="desk"), pytest.param(PHONE, id="phone")]


async def _context(browser: Browser, size: dict[str, int]) -> BrowserContext:
    # axe is injected as an inline script, which the console's CSP forbids to anyone else.
    return await browser.new_context(viewport=size, bypass_csp=True)  # type: ignore[arg-type]


async def _log_in(page: Page, server: str, email: str, path: str = "/console/inbox") -> None:
    await page.goto(f"{server}/console/login?next={path}")
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("button:has-text('Entra')")
    await expect(page).to_have_url(f"{server}{path}")


async def _axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of every rule and impact on the page as it is now."""
    await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


async def _sideways(page: Page) -> int:
    """How many pixels the page scrolls sideways (0: none)."""
    width: int = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


async def _say(sessions: SessionFactory, resident_id: int, text: str, minutes: int) -> None:
    async with transaction(sessions) as session:
        residents.log_message(
            session,
            resident_id=resident_id,
            channel="telegram",
            direction="in",
            text=text,
            now=NOW + timedelta(minutes=minutes),
        )


async def _focus_log(page: Page) -> None:
    """Count every time focus falls to nothing (the body): the user never does that by Tab."""
    await page.evaluate(
        """() => { window.focusLost = 0;
        document.addEventListener('focusout', (e) => { if (!e.relatedTarget) {
          setTimeout(() => {
            if (document.activeElement === document.body) window.focusLost++;
          }, 0);
        } }); }"""
    )


async def _tab_to(page: Page, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        if await page.evaluate("document.activeElement.id") == element_id:
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


async def _focused(page: Page) -> str:
    found: str = await page.evaluate("document.activeElement.id")
    return found


@pytest.mark.parametrize("size", SIZES)
async def test_a_new_handoff_is_inserted_and_announced_without_moving_focus(
    server: str, browser: Browser, demo_sessions: SessionFactory, size: dict[str, int]
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    first = await resident_waiting(demo_sessions, text="Vorrei parlare con una persona")
    context = await _context(browser, size)
    page = await context.new_page()
    await _log_in(page, server, "anna@ospizio.it")
    link = page.locator(f"#card-{first.handoff_id} a")
    await link.focus()
    await _focus_log(page)
    card = f"document.getElementById('card-{first.handoff_id}')"
    await page.evaluate(f"window.firstCard = {card}")

    second = await resident_waiting(demo_sessions, address="777", text="Aiuto con la bolletta")
    await expect(page.locator(f"#card-{second.handoff_id}")).to_contain_text(
        "Aiuto con la bolletta", timeout=15_000
    )
    await expect(page.locator("#announcer")).to_have_text("Nuova conversazione: Residente 777")
    # The same element, still focused: only the new card was inserted.
    assert await page.evaluate(f"window.firstCard === {card}")
    assert await page.evaluate("document.activeElement === window.firstCard.querySelector('a')")
    assert await page.evaluate("window.focusLost") == 0
    assert await page.get_attribute("#inbox", "aria-live") is None  # never re-read in full
    await expect(page).to_have_title("(2) Conversazioni · Portineria")
    await context.close()


async def test_keyboard_only_claim_answer_hand_back_and_close_while_messages_arrive(
    server: str, browser: Browser, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    first = await resident_waiting(demo_sessions, text="Vorrei parlare con una persona")
    second = await resident_waiting(demo_sessions, address="777", text="Aiuto con la bolletta")
    context = await _context(browser, DESK)
    page = await context.new_page()
    await _log_in(page, server, "anna@ospizio.it", f"/console/handoffs/{first.handoff_id}")
    await _focus_log(page)

    await _tab_to(page, "act-claim")
    await page.keyboard.press("Enter")
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "claimed")
    await expect(page.locator("#announcer")).to_have_text("Conversazione presa in carico.")
    assert await _focused(page) == "act-claim"
    await _say(demo_sessions, first.resident_id, "Grazie, aspetto", 2)
    await expect(page.locator("#current")).to_contain_text("Grazie, aspetto", timeout=15_000)
    await expect(page.locator("#announcer")).to_have_text("Nuovo messaggio da Residente 424242")
    assert await _focused(page) == "act-claim"

    await _tab_to(page, "reply-text")
    await page.keyboard.type("Buongiorno, sono Anna. La chiamo tra poco.")
    await _say(demo_sessions, first.resident_id, "Sono a casa", 3)
    await expect(page.locator("#current")).to_contain_text("Sono a casa", timeout=15_000)
    assert await _focused(page) == "reply-text"  # typing was not interrupted
    assert await page.input_value("#reply-text") == "Buongiorno, sono Anna. La chiamo tra poco."
    await page.keyboard.press("Tab")
    assert await _focused(page) == "act-reply"
    await page.keyboard.press("Enter")
    answer = page.locator("#current .msg.person").last
    await expect(answer).to_contain_text("Buongiorno, sono Anna.")
    await expect(answer.locator(".author")).to_have_text("anna")
    await expect(answer.locator(".badge")).to_contain_text("In coda")
    await expect(page.locator("#reply-text")).to_have_value("")
    assert await _focused(page) == "act-reply"

    await page.keyboard.press("Shift+Tab")
    await _tab_to(page, "act-release")  # wraps: Tab goes on until it reaches it
    await page.keyboard.press("Enter")
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "closed")
    await expect(page.locator("#status-line")).to_contain_text("Ridata al bot")
    assert await _focused(page) == "act-release"

    await page.goto(f"{server}/console/handoffs/{second.handoff_id}")
    await _focus_log(page)
    await _tab_to(page, "outcome")
    await page.keyboard.type("Richiamato al telefono")
    await _say(demo_sessions, second.resident_id, "Mi sente?", 4)
    await expect(page.locator("#current")).to_contain_text("Mi sente?", timeout=15_000)
    assert await _focused(page) == "outcome"
    await page.keyboard.press("Tab")
    assert await _focused(page) == "act-close"
    await page.keyboard.press("Enter")
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "closed")
    assert await _focused(page) == "act-close"
    assert await page.evaluate("window.focusLost") == 0
    await context.close()


async def test_the_transcript_says_who_wrote_and_what_a_digit_chose(
    server: str, browser: Browser, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions)
    async with transaction(demo_sessions) as session:
        old = NOW - timedelta(days=3)
        for text, direction in (("Ciao", "in"), ("Buongiorno!", "out")):
            residents.log_message(
                session,
                resident_id=waiting.resident_id,
                channel="telegram",
                direction=direction,
                text=text,
                now=old,
            )
        residents.log_message(
            session,
            resident_id=waiting.resident_id,
            channel="telegram",
            direction="out",
            text="Come posso aiutarla?",
            now=NOW + timedelta(minutes=1),
            options=["Eventi", "SPID", "Segnalare un bisogno"],
        )
    await _say(demo_sessions, waiting.resident_id, "3", 2)
    context = await _context(browser, PHONE)
    page = await context.new_page()
    await _log_in(page, server, "anna@ospizio.it", f"/console/handoffs/{waiting.handoff_id}")
    current = page.locator("#current")
    await expect(current).to_contain_text("3 - Segnalare un bisogno")
    await expect(current.locator(".msg.bot .author").first).to_have_text("Bot Portineria")
    await expect(current.locator(".msg.resident .author").first).to_have_text("Residente 424242")
    older = page.locator("#older details")
    await expect(older).to_have_count(1)
    assert await older.get_attribute("open") is None  # folded away
    # The actions come before the transcript, the answer box stays on screen on a phone.
    actions = await page.locator("#actions").bounding_box()
    transcript = await current.bounding_box()
    assert actions and transcript and actions["y"] < transcript["y"]
    box = await page.locator("#reply-text").bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"]
    assert await _sideways(page) == 0
    await context.close()


async def test_a_handoff_of_no_casa_reaches_every_custodian(
    server: str, browser: Browser, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    nowhere = await resident_waiting(demo_sessions, quartiere="", text="Non so a chi scrivere")
    context = await _context(browser, DESK)
    page = await context.new_page()
    await _log_in(page, server, "anna@ospizio.it")
    card = page.locator(f"#card-{nowhere.handoff_id}")
    await expect(card).to_contain_text("Tutte le Case")
    await card.locator("a").click()
    await page.click("#act-claim")
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "claimed")
    await context.close()


PAGES = (
    "/console/inbox",
    "/console/handoffs/{handoff}",
    "/console/needs",
    "/console/events",
    "/console/events/new",
    "/console/help?month=2026-11",
    "/console/help/record",
)
ADMIN_PAGES = (
    "/console/slots",
    "/console/broadcasts",
    "/console/overview",
    "/console/residents",
    "/console/audit",
)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ["custodian", "admin"])
async def test_every_page_passes_axe_and_never_scrolls_sideways(
    server: str, browser: Browser, demo_sessions: SessionFactory, size: dict[str, int], role: str
) -> None:
    email = f"{role}@ospizio.it"
    await add_staff(demo_sessions, email, role, "Ospizio" if role == "custodian" else None)
    waiting = await resident_waiting(demo_sessions)
    async with transaction(demo_sessions) as session:
        await needs.file_need(
            session,
            resident_id=waiting.resident_id,
            category="waste",
            description="Sacchi lasciati in strada",
            location="Via Roma",
            quartiere="Ospizio",
            consent_contact=True,
            now=NOW,
        )
    context = await _context(browser, size)
    page = await context.new_page()
    await _log_in(page, server, email)
    paths = PAGES + (ADMIN_PAGES if role == "admin" else ("/console/slots",))
    found = {}
    for path in paths:
        await page.goto(server + path.format(handoff=waiting.handoff_id))
        violations = await _axe(page)
        if violations:
            found[path] = violations
        sideways = await _sideways(page)
        if sideways:
            found[path + " sideways"] = [{"px": sideways}]
    assert not found, found
    await context.close()


async def test_the_needs_board_on_a_phone_shows_actions_and_the_contact_on_request(
    server: str, browser: Browser, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "anna@ospizio.it", "custodian", "Ospizio")
    waiting = await resident_waiting(demo_sessions, channel="sms", address="+393331234567")
    async with transaction(demo_sessions) as session:
        need = await needs.file_need(
            session,
            resident_id=waiting.resident_id,
            category="company",
            description="Vorrei compagnia il pomeriggio",
            location="",
            quartiere="Ospizio",
            consent_contact=True,
            now=NOW,
        )
    context = await _context(browser, PHONE)
    page = await context.new_page()
    await _log_in(page, server, "anna@ospizio.it", "/console/needs")
    row = page.locator(f"#need-{need.id}")
    await expect(row).to_contain_text("•••• 567")
    for name in ("Prendi in lavorazione", "Mostra il contatto"):
        box = await row.get_by_role("button", name=name).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
    assert await _sideways(page) == 0
    await row.get_by_role("button", name="Mostra il contatto").focus()
    await page.keyboard.press("Enter")
    call = row.locator('a[href="tel:+393331234567"]')
    await expect(call).to_be_visible()
    await expect(call).to_be_focused()  # focus moves from the button that went to the number
    await context.close()
