"""Announcements from the console: compose, preview, send or schedule, follow, cancel."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
from sqlalchemy import func, select, update

from actions import broadcasts
from actions.db import SessionFactory, transaction
from actions.demo import load_demo_residents
from actions.models import AuditEntry, Broadcast, ChannelAddress, Delivery, Resident, Subscription
from api.console.broadcast_form import LANGUAGE_NAMES
from tests.conftest import NOW, ROME
from tests.console.conftest import add_staff, log_in, post, token_of

ROAD_WORKS = "Lunedì lavori in via Roma: la Casa di Quartiere è aperta lo stesso."
TRANSLATED = "🚧 Monday: road works in via Roma. The Casa di Quartiere is open all the same."
LABELS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "sms": "SMS"}


async def _subscribers(sessions: SessionFactory) -> None:
    """90 subscribed residents, a third on each channel, silent for two days."""
    async with transaction(sessions) as session:
        await load_demo_residents(session, count=90, now=NOW - timedelta(days=2))


async def _ospizio(sessions: SessionFactory) -> dict[tuple[str, str], int]:
    """Addresses of the residents subscribed to Ospizio, per channel and language."""
    async with sessions() as session:
        rows = await session.execute(
            select(ChannelAddress.channel, Resident.language, func.count())
            .join(Resident)
            .join(Subscription, Subscription.resident_id == Resident.id)
            .where(Subscription.quartiere == "Ospizio")
            .group_by(ChannelAddress.channel, Resident.language)
        )
        return {(channel, language): count for channel, language, count in rows.all()}


async def _compose(console: httpx.AsyncClient, **fields: str) -> httpx.Response:
    return await post(console, "/console/broadcasts", **{"text_it": ROAD_WORKS, **fields})


def _broadcast_id(answer: httpx.Response) -> int:
    found = re.search(r"/console/broadcasts/(\d+)", answer.headers["location"])
    assert found, answer.headers.get("location")
    return int(found.group(1))


async def _audit(sessions: SessionFactory) -> list[str]:
    async with sessions() as session:
        return list((await session.scalars(select(AuditEntry.action))).all())


async def _send_everyone(console: httpx.AsyncClient) -> int:
    broadcast_id = _broadcast_id(await _compose(console))
    assert (await post(console, f"/console/broadcasts/{broadcast_id}/send")).status_code == 303
    return broadcast_id


async def test_compose_preview_and_send_creates_deliveries(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await _subscribers(demo_sessions)
    await add_staff(demo_sessions, "m@comune.it", "community_manager")
    await log_in(console, "m@comune.it")
    assert "Annunci" in (await console.get("/console/broadcasts")).text
    assert 'name="text_it"' in (await console.get("/console/broadcasts/new")).text

    # Every translation has an emoji: its SMS is UCS-2, 70 characters a segment, so two.
    translations = {f"text_{lang}": TRANSLATED for lang in ("en", "ar", "ro", "sq", "uk", "zh")}
    composed = await _compose(console, quartiere="Ospizio", **translations)
    assert composed.status_code == 303 and composed.headers["location"].endswith("/preview")
    broadcast_id = _broadcast_id(composed)
    async with demo_sessions() as session:
        assert (await session.scalar(select(func.count(Delivery.id)))) == 0  # nothing sent yet

    preview = await console.get(composed.headers["location"])
    assert preview.status_code == 200
    reached = await _ospizio(demo_sessions)
    total = sum(reached.values())
    assert f'<td id="reach-total">{total}</td>' in preview.text
    for channel in ("telegram", "whatsapp", "sms"):
        count = sum(n for (c, _l), n in reached.items() if c == channel)
        assert (
            f'<tr data-channel="{channel}"><th scope="row">{LABELS[channel]}</th><td>{count}</td>'
            in (preview.text)
        )
    segments = 0
    for (channel, language), count in reached.items():
        if channel == "sms":
            encoding, parts = ("GSM-7", 1) if language == "it" else ("UCS-2", 2)
            row = f"<td>{count}</td><td>{encoding}</td><td>{parts}</td></tr>"
            assert f'<th scope="row">{LANGUAGE_NAMES[language]}</th>{row}' in preview.text
            segments += count * parts
    assert "<td>GSM-7</td>" in preview.text and "<td>UCS-2</td>" in preview.text
    cost = f"{segments * 0.08:.2f}".replace(".", ",")
    assert f'<strong id="sms-segments">{segments}</strong>' in preview.text
    assert f'<strong id="sms-cost">{cost} €</strong>' in preview.text
    # Each channel sends at its own rate (SMS 1 a second by default): the slowest decides.
    rates = {"telegram": 30, "whatsapp": 80, "sms": 1}
    by_channel = {c: sum(n for (ch, _l), n in reached.items() if ch == c) for c in rates}
    seconds = max(by_channel[c] / rates[c] for c in rates)
    minutes = -(-seconds // 60)
    shown = "meno di un minuto" if seconds < 60 else f"circa {minutes:.0f} minut"
    assert shown in preview.text.split('id="send-time">')[1]
    whatsapp = sum(n for (c, _l), n in reached.items() if c == "whatsapp")
    assert f"Fuori dalla finestra di 24 ore: <strong>{whatsapp}</strong>" in preview.text
    assert f"vengono saltati</strong> ({whatsapp})" in preview.text

    sent = await post(console, f"/console/broadcasts/{broadcast_id}/send")
    assert sent.status_code == 303 and sent.headers["location"] == (
        f"/console/broadcasts/{broadcast_id}"
    )
    async with demo_sessions() as session:
        rows = (
            await session.execute(
                select(Delivery.channel, Delivery.payload).where(
                    Delivery.broadcast_id == broadcast_id
                )
            )
        ).all()
    assert len(rows) == total
    assert {p["text"] for _c, p in rows} <= {ROAD_WORKS, TRANSLATED}
    detail = await console.get(f"/console/broadcasts/{broadcast_id}")
    assert f"{total} messaggi in coda" in detail.text
    assert f'<strong data-count="pending">{total}</strong>' in detail.text
    assert 'hx-trigger="every 2s"' in detail.text  # it refreshes while sending
    listed = await console.get("/console/broadcasts")
    assert f'<tr id="broadcast-{broadcast_id}" data-state="sending">' in listed.text
    assert await _audit(demo_sessions) == ["staff.login", "broadcast.create", "broadcast.send"]


async def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await add_staff(demo_sessions, "a@comune.it", "admin")
    await log_in(console, "a@comune.it")
    yesterday = (NOW - timedelta(days=1)).date().isoformat()
    cases = [
        ({"text_it": " ", "text_en": "English only"}, "testo in italiano", "English only"),
        ({"when": "later", "day": yesterday, "time": "10:00"}, "già passati", ROAD_WORKS),
        ({"when": "later", "day": "", "time": ""}, "scelga giorno e ora", ROAD_WORKS),
        ({"whatsapp_variables": "1=Via Roma"}, "indichi il codice", "1=Via Roma"),
        ({"whatsapp_content_sid": "HX1", "whatsapp_variables": "Via Roma"}, "una per riga", "HX1"),
        ({"quartiere": "Atlantide"}, "Quartiere: scelta non valida", ROAD_WORKS),
    ]
    for fields, error, kept in cases:
        answer = await _compose(console, **fields)
        assert answer.status_code == 400, fields
        assert error in answer.text and kept in answer.text, fields
    async with demo_sessions() as session:
        assert (await session.scalar(select(func.count(Broadcast.id)))) == 0


async def test_schedule_for_later(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await _subscribers(demo_sessions)
    await add_staff(demo_sessions, "a@comune.it", "admin")
    await log_in(console, "a@comune.it")
    day = (NOW + timedelta(days=2)).date()
    composed = await _compose(
        console, channel="telegram", when="later", day=day.isoformat(), time="18:30"
    )
    broadcast_id = _broadcast_id(composed)
    preview = await console.get(composed.headers["location"])
    assert "Programma per" in preview.text and "18:30" in preview.text
    assert '<td id="reach-total">30</td>' in preview.text
    assert "Invia adesso" not in preview.text
    past = (NOW - timedelta(days=1)).date().isoformat()
    late = await post(
        console, f"/console/broadcasts/{broadcast_id}/schedule", day=past, time="09:00"
    )
    assert "già passati" in (await console.get(late.headers["location"])).text
    answer = await post(
        console, f"/console/broadcasts/{broadcast_id}/schedule", day=day.isoformat(), time="18:30"
    )
    assert answer.status_code == 303
    at = datetime(day.year, day.month, day.day, 18, 30, tzinfo=ROME)
    async with transaction(demo_sessions) as session:
        scheduled = await session.get(Broadcast, broadcast_id)
        assert scheduled is not None and scheduled.state == "scheduled"
        assert scheduled.scheduled_at is not None and scheduled.scheduled_at == at
        assert await broadcasts.due_broadcasts(session, now=at - timedelta(minutes=1)) == []
        assert await broadcasts.due_broadcasts(session, now=at) == [broadcast_id]
        assert (await session.scalar(select(func.count(Delivery.id)))) == 0
    detail = await console.get(f"/console/broadcasts/{broadcast_id}")
    assert "Programmato" in detail.text and "Annulla l'annuncio" in detail.text
    assert "broadcast.schedule" in await _audit(demo_sessions)


async def test_cancel_skips_what_is_not_sent(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await _subscribers(demo_sessions)
    await add_staff(demo_sessions, "a@comune.it", "admin")
    await log_in(console, "a@comune.it")
    broadcast_id = await _send_everyone(console)
    cancelled = await post(console, f"/console/broadcasts/{broadcast_id}/cancel")
    assert cancelled.status_code == 303
    detail = await console.get(f"/console/broadcasts/{broadcast_id}")
    assert "Messaggi non più inviati: 90" in detail.text
    assert '<section id="progress" data-state="cancelled"' in detail.text
    assert '<strong data-count="skipped">90</strong>' in detail.text
    assert "annuncio annullato (30)" in detail.text
    assert "Annulla l'annuncio" not in detail.text and "hx-trigger" not in detail.text
    again = await post(console, f"/console/broadcasts/{broadcast_id}/cancel")
    assert "Non fatto" in (await console.get(again.headers["location"])).text
    assert (await _audit(demo_sessions)).count("broadcast.cancel") == 1


async def test_a_custodian_may_not_send_a_broadcast(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await _subscribers(demo_sessions)
    async with transaction(demo_sessions) as session:
        draft = await broadcasts.create_broadcast(session, texts={"it": ROAD_WORKS}, now=NOW)
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await log_in(console, "c@ospizio.it")
    assert 'href="/console/broadcasts"' not in (await console.get("/console/inbox")).text
    for path in (
        "/console/broadcasts",
        "/console/broadcasts/new",
        f"/console/broadcasts/{draft.id}",
    ):
        answer = await console.get(path)
        assert answer.status_code == 403 and "Non permesso" in answer.text, path
    assert (await _compose(console)).status_code == 403
    for action in ("send", "cancel"):
        answer = await post(console, f"/console/broadcasts/{draft.id}/{action}")
        assert answer.status_code == 403, action
    async with demo_sessions() as session:
        assert (await session.scalar(select(func.count(Broadcast.id)))) == 1
        assert (await session.scalar(select(func.count(Delivery.id)))) == 0
        kept = await session.get(Broadcast, draft.id)
        assert kept is not None and kept.state == "draft"
    assert await _audit(demo_sessions) == ["staff.login"]


async def test_a_forged_token_sends_nothing(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await _subscribers(demo_sessions)
    await add_staff(demo_sessions, "a@comune.it", "admin")
    await log_in(console, "a@comune.it")
    draft_id = _broadcast_id(await _compose(console))
    forged = {"csrf_token": "forged", "text_it": ROAD_WORKS}
    assert (await console.post("/console/broadcasts", data=forged)).status_code == 403
    for action in ("send", "cancel"):
        answer = await console.post(f"/console/broadcasts/{draft_id}/{action}", data=forged)
        assert answer.status_code == 403, action
    async with demo_sessions() as session:
        assert (await session.scalar(select(func.count(Broadcast.id)))) == 1
        assert (await session.scalar(select(func.count(Delivery.id)))) == 0


async def test_anonymous_is_sent_to_the_login(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    for path in ("/console/broadcasts", "/console/broadcasts/new", "/console/broadcasts/1"):
        answer = await console.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == f"/console/login?next={path}"
    token = await token_of(console)  # a token of a session that never logged in
    refused = await console.post("/console/broadcasts", data={"csrf_token": token, "text_it": "x"})
    assert refused.status_code == 401


async def test_the_statistics_page_counts_per_channel_with_a_chart(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    await _subscribers(demo_sessions)
    await add_staff(demo_sessions, "a@comune.it", "admin")
    await log_in(console, "a@comune.it")
    broadcast_id = await _send_everyone(console)
    outcomes = [
        ("telegram", "delivered", None),
        ("sms", "failed", "invalid number"),
        ("whatsapp", "skipped", "free-form WhatsApp message outside the 24-hour window"),
    ]
    async with transaction(demo_sessions) as session:
        for channel, status, error in outcomes:
            await session.execute(
                update(Delivery)
                .where(Delivery.broadcast_id == broadcast_id, Delivery.channel == channel)
                .values(status=status, error=error)
            )
    progress = await console.get(f"/console/broadcasts/{broadcast_id}/progress")
    assert progress.status_code == 200 and "<html" not in progress.text
    assert '<section id="progress" data-state="done"' in progress.text
    assert "hx-trigger" not in progress.text  # finished: the page stops asking
    for channel, status, _error in outcomes:
        row = re.search(rf'<tr data-channel="{channel}">.*?</tr>', progress.text)
        assert row and re.search(rf'<td data-count="{status}"[^>]*>30</td>', row.group(0)), channel
    assert 'class="bar-chart"' in progress.text and "<rect" in progress.text
    assert (
        "Telegram: Consegnato: 30" in progress.text and "SMS: Non consegnato: 30" in progress.text
    )
    assert "invalid number (30)" in progress.text
    assert "fuori dalla finestra di 24 ore di WhatsApp, senza modello (30)" in progress.text
    detail = await console.get(f"/console/broadcasts/{broadcast_id}")
    assert '<strong data-count="delivered">30</strong>' in detail.text
    assert '<strong data-count="sent">30</strong>' in detail.text  # delivered ones were sent
    assert "Annulla l'annuncio" not in detail.text
    listed = await console.get("/console/broadcasts")
    row = re.search(rf'<tr id="broadcast-{broadcast_id}".*?</tr>', listed.text, re.S)
    assert row and "Concluso" in row.group(0)
    cells = re.sub(r'\s|data-label="[^"]*"', "", row.group(0))
    assert cells.endswith("<td>90</td><td>30</td><td>30</td><td>30</td><td>30</td></tr>")


async def test_a_manager_with_a_casa_sees_and_cancels_only_its_neighbourhoods(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    """Issue 21.6: a manager of Ospizio cancelled an admin's announcement for another Casa."""
    async with transaction(demo_sessions) as session:
        city = await broadcasts.create_broadcast(session, texts={"it": "A tutta la città"}, now=NOW)
        rosta = await broadcasts.create_broadcast(
            session, texts={"it": "Festa a Rosta"}, quartiere="Rosta Nuova", now=NOW
        )
        ours = await broadcasts.create_broadcast(
            session, texts={"it": "Festa all'Ospizio"}, quartiere="Ospizio", now=NOW
        )
    await add_staff(demo_sessions, "m@ospizio.it", "community_manager", "Ospizio")
    await log_in(console, "m@ospizio.it")
    listing = (await console.get("/console/broadcasts")).text
    assert "Festa all&#39;Ospizio" in listing or "Festa all'Ospizio" in listing
    assert "Festa a Rosta" not in listing and "A tutta la città" not in listing
    for other in (city.id, rosta.id):
        assert (await console.get(f"/console/broadcasts/{other}")).status_code == 404
        assert (await post(console, f"/console/broadcasts/{other}/cancel")).status_code == 404
    form = (await console.get("/console/broadcasts/new")).text
    assert "Rosta Nuova" not in form
    refused = await _compose(console, quartiere="")  # the whole city
    assert refused.status_code == 400 and "solo al quartiere Ospizio" in refused.text
    assert (await _compose(console, quartiere="Rosta Nuova")).status_code == 400
    assert (await _compose(console, quartiere="Ospizio")).status_code == 303
    assert (await post(console, f"/console/broadcasts/{ours.id}/cancel")).status_code == 303
    async with demo_sessions() as session:
        states = dict((await session.execute(select(Broadcast.id, Broadcast.state))).all())
    assert (states[city.id], states[rosta.id], states[ours.id]) == ("draft", "draft", "cancelled")
