"""The Hamlet bridge against the fake HumHub over real HTTP: calendars in, needs out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from actions import hamlet
from actions.db import SessionFactory, transaction
from actions.models import Casa, Event, HamletPost, HamletSpace, Need
from bot.runtime.hamlet import HamletBridge, post_due_needs, remove_post, sync_spaces
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.fakes.humhub import TOKEN, Entry, FakeHumHub
from tests.support.chat import Resident

# On PostgreSQL too: the sync's claims and the posts' queue are written per dialect.
pytestmark = pytest.mark.both_databases

CONTAINER = 7


@pytest.fixture
def humhub() -> Iterator[FakeHumHub]:
    with FakeHumHub(system_zone="Europe/Rome") as fake:
        fake.add_space(3, "Casa di Quartiere Rosta Nuova", CONTAINER)
        yield fake


def bridge_to(fake: FakeHumHub, server_zone: str = "Europe/Rome") -> HamletBridge:
    return HamletBridge(
        url=fake.url,
        token=TOKEN,
        server_zone=ZoneInfo(server_zone),
        local_zone=ROME,
        every=timedelta(minutes=15),
        timeout=0.5,
    )


async def linked(sessions: SessionFactory, name: str = "Rosta Nuova") -> int:
    """A Casa of that name linked to the fake's space; its id."""
    async with transaction(sessions) as session:
        casa = Casa(name=name, quartiere=name, address="Via Rosselli 12", phone="0522 000102")
        session.add(casa)
        await session.flush()
        await hamlet.link_casa(session, name=name, container_id=CONTAINER, now=NOW)
        return casa.id


def day(days: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time `days` after NOW's day."""
    base = NOW.replace(tzinfo=None, hour=0, minute=0)
    return base + timedelta(days=days, hours=hour, minutes=minute)


def entries(count: int) -> list[Entry]:
    return [
        Entry(100 + i, f"Laboratorio {i}", day(1 + i % 20, 15), day(1 + i % 20, 17))
        for i in range(count)
    ]


async def hamlet_events(sessions: SessionFactory) -> dict[int, Event]:
    async with sessions() as session:
        rows = await session.scalars(select(Event).where(Event.source == "hamlet"))
        return {event.hamlet_id: event for event in rows if event.hamlet_id is not None}


async def test_a_calendar_of_three_pages_comes_in(
    sessions: SessionFactory, humhub: FakeHumHub
) -> None:
    await linked(sessions)
    humhub.spaces[CONTAINER].entries = entries(120)
    report = await sync_spaces(sessions, bridge_to(humhub), now=NOW, all_now=True)
    assert report.as_dict() == {
        "spaces": 1,
        "created": 120,
        "updated": 0,
        "removed": 0,
        "errors": [],
    }
    pages = [r.params for r in humhub.requests if r.path.endswith(f"/container/{CONTAINER}")]
    assert pages == [{"page": str(p), "limit": "50"} for p in (1, 2, 3)]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in humhub.requests)
    events = await hamlet_events(sessions)
    assert len(events) == 120
    first = events[100]
    assert first.starts_at == datetime(2026, 11, 26, 15, tzinfo=ROME)
    assert first.hamlet_url and first.hamlet_url.startswith(humhub.url + "/content/perma?id=")
    again = await sync_spaces(sessions, bridge_to(humhub), now=NOW, all_now=True)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)


async def test_changed_and_removed_entries_and_console_events_untouched(
    sessions: SessionFactory, humhub: FakeHumHub
) -> None:
    casa_id = await linked(sessions)
    calendar = humhub.spaces[CONTAINER].entries
    calendar += entries(4)
    await sync_spaces(sessions, bridge_to(humhub), now=NOW, all_now=True)
    async with transaction(sessions) as session:
        start = datetime(2026, 11, 27, 18, tzinfo=ROME)
        session.add(
            Event(
                casa_id=casa_id,
                title="Tombola",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
        )
    calendar[0].title, calendar[0].start = "Laboratorio di maglia", day(1, 16)
    del calendar[1]  # deleted on Hamlet
    calendar[1].closed = True  # closed on Hamlet (entry 102)
    report = await sync_spaces(sessions, bridge_to(humhub), now=NOW, all_now=True)
    assert (report.created, report.updated, report.removed) == (0, 1, 2)
    events = await hamlet_events(sessions)
    assert events[100].title == "Laboratorio di maglia"
    assert events[100].starts_at == datetime(2026, 11, 26, 16, tzinfo=ROME)
    assert events[101].cancelled and events[102].cancelled and not events[103].cancelled
    async with sessions() as session:
        tombola = await session.scalar(select(Event).where(Event.title == "Tombola"))
        assert tombola is not None and tombola.source == "console" and not tombola.cancelled


@pytest.mark.parametrize("system_zone", ["UTC", "Europe/Rome"])
async def test_times_authored_in_several_zones_are_told_at_rome_time(
    sessions: SessionFactory, nlu: NLU, system_zone: str
) -> None:
    with FakeHumHub(system_zone=system_zone) as fake:
        fake.add_space(3, "Rosta Nuova", CONTAINER).entries = [
            Entry(1, "Coro", day(1, 18), day(1, 19, 30), zone="Europe/Rome"),
            Entry(2, "Videochiamata", day(1, 14), day(1, 15), zone="America/New_York"),
            Entry(3, "Camminata", day(2, 9), day(2, 11), zone="Asia/Tokyo"),
            Entry(4, "Festa", day(3, 0), day(3, 0), all_day=True, zone="America/New_York"),
        ]
        await linked(sessions)
        report = await sync_spaces(sessions, bridge_to(fake, system_zone), now=NOW, all_now=True)
    assert report.errors == [] and report.created == 4
    resident = Resident(Conversations(sessions, nlu, ROME), NOW)
    await resident.says("menu")
    await resident.says("1")
    seen = resident.text
    await resident.says("1")  # the next ones (as many a page as fit two SMS segments)
    seen += resident.text
    assert "Coro\ngiovedì 26 novembre, 18:00" in seen
    assert "Videochiamata\ngiovedì 26 novembre, 20:00" in seen  # 14:00 in New York
    assert "Camminata\nvenerdì 27 novembre, 01:00" in seen  # 09:00 in Tokyo
    assert "Festa\nsabato 28 novembre, tutto il giorno" in seen


@pytest.mark.parametrize(
    "failure",
    ["down", "slow", "refused", "forbidden", "bad_json", "bad_dates", "missing_dates", "404"],
)
async def test_a_failing_sync_changes_nothing_and_the_next_run_completes(
    sessions: SessionFactory, humhub: FakeHumHub, failure: str
) -> None:
    await linked(sessions)
    calendar = humhub.spaces[CONTAINER].entries
    calendar += entries(120)
    await sync_spaces(sessions, bridge_to(humhub), now=NOW, all_now=True)
    before = await snapshot(sessions)
    calendar[:] = calendar[:60]  # half gone, on two pages: a failed read must remove none
    calendar[0].title = "Cambiato"
    switches = humhub.switches
    if failure == "down":
        switches.fail_from_call = humhub.calls + 2  # page 1 answers, page 2 is a 500
    elif failure == "slow":
        switches.slow = 1.0
    elif failure in ("refused", "forbidden"):
        switches.refuse = 401 if failure == "refused" else 403
    elif failure == "bad_json":
        switches.bad_json_page = 2
    elif failure == "bad_dates":
        stamps = {"start_datetime": "2026-02-30 10:00:00", "end_datetime": "2026-02-30 11:00:00"}
        calendar.append(Entry(999, "Rotto", day(1, 10), day(1, 11), raw={"title": "x", **stamps}))
    elif failure == "missing_dates":
        calendar.append(Entry(999, "Rotto", day(1, 10), day(1, 11), raw={"title": "Rotto"}))
    else:
        await relink(sessions, 404404)
    report = await sync_spaces(sessions, bridge_to(humhub), now=NOW, all_now=True)
    assert len(report.errors) == 1 and report.errors[0].startswith("Rosta Nuova: ")
    assert (report.created, report.updated, report.removed) == (0, 0, 0)
    assert await snapshot(sessions) == before
    async with sessions() as session:
        space = await session.scalar(select(HamletSpace))
        assert space is not None and space.failures == 1 and space.last_error
    humhub.switches = type(switches)()
    calendar[:] = [e for e in calendar if e.id != 999]
    await relink(sessions, CONTAINER)
    report = await sync_spaces(sessions, bridge_to(humhub), now=NOW, all_now=True)
    assert report.errors == [] and (report.updated, report.removed) == (1, 60)
    events = await hamlet_events(sessions)
    assert events[100].title == "Cambiato"
    assert sum(not e.cancelled for e in events.values()) == 60


async def snapshot(sessions: SessionFactory) -> dict[int, tuple[str, datetime, bool]]:
    return {
        i: (e.title, e.starts_at, e.cancelled) for i, e in (await hamlet_events(sessions)).items()
    }


async def relink(sessions: SessionFactory, container_id: int) -> None:
    async with transaction(sessions) as session:
        space = await session.scalar(select(HamletSpace))
        assert space is not None
        space.container_id = container_id


async def test_spaces_are_claimed_once_per_interval(
    sessions: SessionFactory, humhub: FakeHumHub
) -> None:
    await linked(sessions)
    bridge = bridge_to(humhub)
    assert (await sync_spaces(sessions, bridge, now=NOW)).spaces == 1
    assert (await sync_spaces(sessions, bridge, now=NOW + timedelta(minutes=14))).spaces == 0
    assert (await sync_spaces(sessions, bridge, now=NOW + timedelta(minutes=15))).spaces == 1


# --- needs to Hamlet ----------------------------------------------------------------------

NEED_TEXT = (
    "Mi chiamo Giovanna Bianchi, abito da sola e mi serve aiuto per la spesa il sabato. "
    "Chiamatemi al 333 123 4567 o scrivete a giovanna.b@example.org"
)


async def report_need(resident: Resident, *, share: str | None) -> None:
    for text in ("menu", "3", "1", NEED_TEXT, "1", "1"):
        await resident.says(text)
    if share is not None:
        assert "Hamlet" in resident.text and "senza il suo nome" in resident.text
        await resident.says(share)
    assert "Segnalazione numero B-" in resident.text


@pytest.fixture
def resident(sessions: SessionFactory, nlu: NLU) -> Resident:
    return Resident(Conversations(sessions, nlu, ROME), NOW)


async def test_a_need_shared_with_consent_is_posted_once_across_a_retry(
    sessions: SessionFactory, humhub: FakeHumHub, resident: Resident
) -> None:
    await linked(sessions)
    await report_need(resident, share="1")
    bridge = bridge_to(humhub)
    now = resident.now
    humhub.switches.slow = 1.0  # Hamlet makes the post but answers after the client gave up
    assert await post_due_needs(sessions, bridge, now=now) == 0
    assert len(humhub.posts(CONTAINER)) == 1
    humhub.switches.slow = 0
    assert await post_due_needs(sessions, bridge, now=now + timedelta(seconds=30)) == 0  # later
    # The retry finds the post the lost answer made, and posts nothing new.
    assert await post_due_needs(sessions, bridge, now=now + timedelta(minutes=1)) == 1
    assert await post_due_needs(sessions, bridge, now=now + timedelta(hours=2)) == 0
    posts = humhub.posts(CONTAINER)
    assert len(posts) == 1
    message = posts[0]["message"]
    assert "333" not in message and "4567" not in message and "example.org" not in message
    assert "Giovanna" not in message and "Bianchi" not in message
    assert "aiuto per la spesa il sabato" in message and "quartiere Rosta Nuova" in message
    async with sessions() as session:
        need = await session.scalar(select(Need))
        post = await session.scalar(select(HamletPost))
        assert need is not None and post is not None
        assert need.consent_hamlet and need.reference in message
        assert (post.state, post.post_id, post.attempts) == ("posted", posts[0]["id"], 2)
        assert post.url == posts[0]["content"]["metadata"]["url"]
    async with transaction(sessions) as session:
        await remove_post(session, bridge, need_id=need.id)
    assert humhub.posts(CONTAINER) == []
    async with sessions() as session:
        assert (await session.scalar(select(HamletPost.state))) == "removed"


async def test_hamlet_down_keeps_the_post_waiting(
    sessions: SessionFactory, humhub: FakeHumHub, resident: Resident
) -> None:
    await linked(sessions)
    await report_need(resident, share="sì")
    humhub.switches.down = True
    bridge = bridge_to(humhub)
    assert await post_due_needs(sessions, bridge, now=resident.now) == 0
    async with sessions() as session:
        post = await session.scalar(select(HamletPost))
        assert post is not None and post.state == "pending" and "503" in (post.error or "")
    humhub.switches.down = False
    assert await post_due_needs(sessions, bridge, now=resident.now + timedelta(hours=1)) == 1
    assert len(humhub.posts(CONTAINER)) == 1


async def test_no_post_without_consent_or_once_withheld(
    sessions: SessionFactory, humhub: FakeHumHub, resident: Resident
) -> None:
    await linked(sessions)
    await report_need(resident, share="2")
    async with sessions() as session:
        need = await session.scalar(select(Need))
        assert need is not None and not need.consent_hamlet and need.consent_contact
        assert await session.scalar(select(HamletPost)) is None
    await report_need(resident, share="1")
    async with sessions() as session:
        shared = await session.scalar(select(Need).where(Need.consent_hamlet.is_(True)))
        assert shared is not None
    async with transaction(sessions) as session:  # withheld before it is posted
        await remove_post(session, bridge_to(humhub), need_id=shared.id)
    assert await post_due_needs(sessions, bridge_to(humhub), now=NOW + timedelta(hours=1)) == 0
    assert humhub.posts(CONTAINER) == [] and not any(r.method == "POST" for r in humhub.requests)


async def test_no_question_where_the_casa_has_no_space(
    sessions: SessionFactory, resident: Resident
) -> None:
    async with transaction(sessions) as session:
        session.add(Casa(name="Rosta Nuova", quartiere="Rosta Nuova", address="x", phone="y"))
    await report_need(resident, share=None)
    async with sessions() as session:
        assert await session.scalar(select(HamletPost)) is None
