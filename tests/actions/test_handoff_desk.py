"""The handoff desk's rules as one table, run through the REST API, the console and Telegram.

Each row: who acts, on a handoff in which state, doing what -> allowed (and the state after)
or refused (and why). Every front end must give the same answer and leave the same trace:
one audit entry `handoff.<operation>` with `via` for an allowed action, nothing for a refused
one.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from actions import staff
from actions.db import SessionFactory, transaction
from actions.models import AuditEntry, Casa, Conversation, Delivery, Handoff
from api.main import create_app
from api.settings import Settings
from bot.runtime.staffroom import StaffRoom
from tests.conftest import NOW
from tests.console.conftest import add_staff, log_in, post, resident_waiting
from tests.console.conftest import console as console  # noqa: PLC0414 - the fixture
from tests.support.channels import (  # noqa: F401 - fixtures
    PUBLIC_URL,
    Harness,
    fake_telegram,
    fake_twilio,
    harness,
)

# On PostgreSQL too: the rules' holder checks lock the handoff row (FOR UPDATE).
pytestmark = pytest.mark.both_databases

OSPIZIO_GROUP = -1001987654321
TELEGRAM_IDS = {
    "holder": 555000101,
    "colleague": 555000102,
    "admin": 555000103,
    "stranger": 555000104,
}
WHO = {  # actor -> (role, Casa)
    "holder": ("custodian", "Ospizio"),
    "colleague": ("custodian", "Ospizio"),
    "admin": ("admin", None),
    "stranger": ("custodian", "Orologio"),
}


@dataclass(frozen=True)
class Rule:
    """One row: `who` does `operation` on a handoff that is `state` -> `result`, `after`."""

    who: str  # holder | colleague | admin | stranger (a custodian of another Casa)
    state: str  # waiting | held (by the holder) | closed
    operation: str  # claim | reply | release | close | note | to_casa | to_colleague
    result: str  # done | not_found | held_by_another | invalid
    after: tuple[str, str | None] | None = None  # (status, holder) when done

    def __str__(self) -> str:
        return f"{self.who}-{self.operation}-{self.state}"

    @property
    def audited_as(self) -> str:
        return "transfer" if self.operation.startswith("to_") else self.operation


WAITING, HELD, CLOSED = ("waiting", None), ("claimed", "holder"), ("closed", None)
ENDED = ("closed", "holder")  # a closed handoff keeps who held it
RULES = (
    # Anyone of the Casa may act on a waiting handoff; answering it takes it.
    Rule("colleague", "waiting", "claim", "done", ("claimed", "colleague")),
    Rule("colleague", "waiting", "reply", "done", ("claimed", "colleague")),
    Rule("colleague", "waiting", "release", "done", CLOSED),
    Rule("colleague", "waiting", "close", "done", CLOSED),
    Rule("colleague", "waiting", "note", "done", WAITING),
    Rule("colleague", "waiting", "to_casa", "done", WAITING),
    Rule("colleague", "waiting", "to_colleague", "done", HELD),
    # Another Casa's custodian does not even learn that it exists.
    Rule("stranger", "waiting", "claim", "not_found"),
    Rule("stranger", "waiting", "reply", "not_found"),
    Rule("stranger", "held", "close", "not_found"),
    Rule("stranger", "waiting", "note", "not_found"),
    Rule("stranger", "waiting", "to_casa", "not_found"),
    # A held conversation is the holder's: they answer, end and pass it.
    Rule("holder", "held", "claim", "invalid"),
    Rule("holder", "held", "reply", "done", HELD),
    Rule("holder", "held", "release", "done", ENDED),
    Rule("holder", "held", "close", "done", ENDED),
    Rule("holder", "held", "to_colleague", "done", ("claimed", "colleague")),
    Rule("colleague", "held", "claim", "held_by_another"),
    Rule("colleague", "held", "reply", "held_by_another"),
    Rule("colleague", "held", "release", "held_by_another"),
    Rule("colleague", "held", "close", "held_by_another"),
    Rule("colleague", "held", "to_casa", "held_by_another"),
    Rule("colleague", "held", "note", "done", HELD),
    # An admin may end or pass someone's conversation (a custodian gone home), not answer in it.
    Rule("admin", "held", "reply", "held_by_another"),
    Rule("admin", "held", "close", "done", ENDED),
    Rule("admin", "held", "release", "done", ENDED),
    Rule("admin", "held", "to_casa", "done", WAITING),
    # A closed handoff takes notes only.
    Rule("holder", "closed", "claim", "invalid"),
    Rule("holder", "closed", "reply", "invalid"),
    Rule("holder", "closed", "release", "invalid"),
    Rule("holder", "closed", "close", "invalid"),
    Rule("holder", "closed", "to_casa", "invalid"),
    Rule("holder", "closed", "note", "done", ENDED),
)
TRANSFERS = ("to_casa", "to_colleague")  # not offered in the Telegram groups


@dataclass
class Desk:
    """The staff and Case of one test: ids by actor and by Casa name."""

    sessions: SessionFactory
    staff: dict[str, int]
    case: dict[str, int]
    rows: int = 0

    async def handoff(self, state: str) -> int:
        """A new resident of Ospizio waiting for a person, then put in `state`."""
        self.rows += 1
        waiting = await resident_waiting(self.sessions, address=str(880000 + self.rows))
        async with transaction(self.sessions) as session:
            handoff = await session.get_one(Handoff, waiting.handoff_id)
            if state in ("held", "closed"):
                handoff.status, handoff.claimed_by_staff_id = "claimed", self.staff["holder"]
            if state == "closed":
                handoff.status, handoff.outcome, handoff.closed_at = "closed", "fatto", NOW
            held = self.staff["holder"] if state == "held" else None
            await session.execute(
                update(Conversation)
                .where(Conversation.resident_id == waiting.resident_id)
                .values(held_by_staff_id=held)
            )
        return waiting.handoff_id

    def form(self, rule: Rule) -> dict[str, Any]:
        """The fields of the operation (the same values in JSON and in the console's forms)."""
        return {
            "reply": {"text": "Buongiorno, sono della Casa."},
            "close": {"outcome": "Risolto"},
            "note": {"text": "Richiamare domani"},
            "to_casa": {"casa_id": self.case["Orologio"]},
            "to_colleague": {
                "staff_id": self.staff["colleague" if rule.who == "holder" else "holder"]
            },
        }.get(rule.operation, {})


async def _desk(sessions: SessionFactory) -> Desk:
    ids = {}
    for who, (role, casa) in WHO.items():
        ids[who] = await add_staff(sessions, f"{who}@case.it", role, casa)
    async with sessions() as session:
        case = {name: id_ for name, id_ in await session.execute(select(Casa.name, Casa.id))}
    return Desk(sessions, ids, case)


Act = Callable[[Rule, int], Awaitable[str]]


async def _check_every_rule(desk: Desk, act: Act, via: str, rules: tuple[Rule, ...]) -> None:
    """Run each row through one front end; the result, the state and the audit must match."""
    failures = []
    for rule in rules:
        handoff_id = await desk.handoff(rule.state)
        async with desk.sessions() as session:
            audited = await session.scalar(select(func.count()).select_from(AuditEntry))
            before = await session.get_one(Handoff, handoff_id)
            was = (before.status, before.claimed_by_staff_id, before.casa_id)
        result = await act(rule, handoff_id)
        async with desk.sessions() as session:
            handoff = await session.get_one(Handoff, handoff_id)
            now = (handoff.status, handoff.claimed_by_staff_id, handoff.casa_id)
            entries = (
                await session.scalars(select(AuditEntry).order_by(AuditEntry.id).offset(audited))
            ).all()
            relays = await session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.kind == "relay", Delivery.resident_id == handoff.resident_id)
            )
        trace = [
            (e.action, e.detail.get("via")) for e in entries if e.action.startswith("handoff.")
        ]
        if result != rule.result:
            failures.append(f"{rule}: {result}, not {rule.result}")
        elif rule.result != "done":
            if now != was or trace or relays:
                failures.append(f"{rule}: refused but changed {was} -> {now}, {trace}")
        else:
            status, holder = rule.after or (None, None)
            expected = (status, desk.staff[holder] if holder else None)
            if now[:2] != expected:
                failures.append(f"{rule}: {now[:2]}, not {expected}")
            if trace != [(f"handoff.{rule.audited_as}", via)]:
                failures.append(f"{rule}: audit {trace}")
            if (relays == 1) != (rule.operation == "reply"):
                failures.append(f"{rule}: {relays} answers queued")
            if rule.operation == "to_casa" and handoff.casa_id != desk.case["Orologio"]:
                failures.append(f"{rule}: still in Casa {handoff.casa_id}")
    assert not failures, "\n".join(failures)


# --- the REST API ---------------------------------------------------------------------------

API_RESULTS = {200: "done", 201: "done", 404: "not_found", 403: "held_by_another", 409: "invalid"}
PATHS = {"to_casa": "transfer", "to_colleague": "transfer", "note": "notes"}


@pytest.fixture
async def api(
    database: tuple[str, str | None], demo_sessions: SessionFactory
) -> AsyncIterator[httpx.AsyncClient]:
    url, schema = database
    app = create_app(Settings(database_url=url, database_schema=schema))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://portineria"
    ) as client:
        yield client


async def test_the_rules_through_the_rest_api(
    api: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    desk = await _desk(demo_sessions)
    tokens = {}
    async with transaction(demo_sessions) as session:
        for who in WHO:
            tokens[who] = await staff.issue_token(session, email=f"{who}@case.it")

    async def act(rule: Rule, handoff_id: int) -> str:
        answer = await api.post(
            f"/api/handoffs/{handoff_id}/{PATHS.get(rule.operation, rule.operation)}",
            json=desk.form(rule) or None,
            headers={"Authorization": f"Bearer {tokens[rule.who]}"},
        )
        assert answer.status_code in API_RESULTS, answer.text
        return API_RESULTS[answer.status_code]

    await _check_every_rule(desk, act, "api", RULES)


# --- the console ----------------------------------------------------------------------------


async def test_the_rules_through_the_console(
    console: httpx.AsyncClient, demo_sessions: SessionFactory
) -> None:
    desk = await _desk(demo_sessions)
    logged_in: list[str] = []

    async def act(rule: Rule, handoff_id: int) -> str:
        if logged_in != [rule.who]:
            if logged_in:
                await post(console, "/console/logout")
            assert (await log_in(console, f"{rule.who}@case.it")).status_code == 303
            logged_in[:] = [rule.who]
        operation = "transfer" if rule.operation in TRANSFERS else rule.operation
        operation = "notes" if operation == "note" else operation
        fields = {k: str(v) for k, v in desk.form(rule).items()}
        answer = await post(console, f"/console/handoffs/{handoff_id}/{operation}", **fields)
        if answer.status_code == 404:
            return "not_found"
        assert answer.status_code == 303, answer.text
        shown = (await console.get(answer.headers["location"])).text
        flashes = re.findall(r'<p class="flash error" role="alert">([^<]*)</p>', shown)
        if any("risponde già" in text for text in flashes):
            return "held_by_another"
        if any("lo stato è cambiato" in text for text in flashes):
            return "invalid"
        assert not flashes, flashes
        return "done"

    await _check_every_rule(desk, act, "console", RULES)


# --- the custodians' Telegram group ---------------------------------------------------------


@pytest.fixture
def staff_room() -> StaffRoom:
    """Handoffs of Ospizio go to its group."""
    return StaffRoom(None, PUBLIC_URL + "/console")


COMMANDS = {"claim": "/prendo", "release": "/rilascia", "close": "/chiudi", "note": "/nota"}
BOT = {"id": 123456789, "is_bot": True, "first_name": "Portineria"}
GROUP = {"id": OSPIZIO_GROUP, "title": "Custodi Ospizio", "type": "supergroup"}


async def test_the_rules_through_the_telegram_group(
    harness: Harness,  # noqa: F811 - the fixture imported above
    staff_room: StaffRoom,
) -> None:
    desk = await _desk(harness.sessions)
    async with transaction(harness.sessions) as session:
        await session.execute(
            update(Casa).where(Casa.name == "Ospizio").values(telegram_chat_id=OSPIZIO_GROUP)
        )
        for who in WHO:
            await staff.link_telegram(
                session, email=f"{who}@case.it", telegram_user_id=TELEGRAM_IDS[who]
            )
    update_id = 760000000

    async def act(rule: Rule, handoff_id: int) -> str:
        nonlocal update_id
        update_id += 1
        message: dict[str, Any] = {
            "message_id": update_id % 100000,
            "date": 1795593600,
            "from": {"id": TELEGRAM_IDS[rule.who], "is_bot": False, "first_name": rule.who},
            "chat": GROUP,
        }
        if rule.operation == "reply":  # an answer is a reply to the handoff's card
            message["text"] = desk.form(rule)["text"]
            message["reply_to_message"] = await _card(harness, staff_room, handoff_id)
        else:
            words = " ".join(str(v) for v in desk.form(rule).values())
            message["text"] = f"{COMMANDS[rule.operation]} {handoff_id} {words}".strip()
        got = await harness.hooks.telegram({"update_id": update_id, "message": message})
        assert got.status_code == 200, got.text
        async with harness.sessions() as session:
            said = await session.scalar(
                select(Delivery.payload).where(Delivery.idempotency_key == f"tg-{update_id}-answer")
            )
        text = said["text"] if said else ""
        if "Non trovo la richiesta" in text:
            return "not_found"
        if "la segue già" in text:
            return "held_by_another"
        if "è già" in text:  # "è già sua", "è già chiusa"
            return "invalid"
        assert "Non fatto" not in text, text
        return "done"

    rules = tuple(r for r in RULES if r.operation not in TRANSFERS)
    await _check_every_rule(desk, act, "telegram", rules)


async def _card(channels: Harness, room: StaffRoom, handoff_id: int) -> dict[str, Any]:
    """The handoff's card as the group received it (posted, then marked sent as the sender
    does, so the table does not wait on the group's 20-a-minute pace)."""
    async with transaction(channels.sessions) as session:
        await room.announce(session, await session.get_one(Handoff, handoff_id), now=NOW)
        await session.flush()
        card = await session.scalar(
            select(Delivery).where(Delivery.kind == "staff").order_by(Delivery.id.desc())
        )
        assert card is not None and card.payload["handoff_id"] == handoff_id
        card.status, card.provider_message_id = "sent", str(900000 + handoff_id)
    return {
        "message_id": 900000 + handoff_id,
        "date": 1795593600,
        "from": BOT,
        "chat": GROUP,
        "text": card.payload["text"],
    }
