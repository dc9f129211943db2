"""A clearly-marked demo of Reggio Emilia: real places, invented hours, people and events."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import (
    Casa,
    ChannelAddress,
    Event,
    EventTopic,
    Resident,
    SpidSlot,
    Subscription,
)
from actions.staff import create_staff, new_password

WEEKDAY_MORNINGS = [["09:00", "12:30"]]
WEEKDAY_FULL = [["09:00", "12:30"], ["15:00", "19:00"]]

# Real neighbourhoods and streets; hours and phone numbers are invented ("numero demo").
DEMO_CASE = (
    ("Ospizio", "Ospizio", "Via Emilia all'Ospizio 70", "0522 000101"),
    ("Rosta Nuova", "Rosta Nuova", "Via Fratelli Rosselli 12", "0522 000102"),
    ("Orologio", "Orologio", "Via Massenet 19", "0522 000103"),
    ("Santa Croce", "Santa Croce", "Via Adua 57", "0522 000104"),
    ("Pieve Modolena", "Pieve Modolena", "Via Emilia Ospizio 5", "0522 000105"),
    ("Buco Magico", "Buco del Signore", "Via Martiri di Cervarolo 74", "0522 000106"),
)

# (title, topics: the kind first, weekday, start hour, hours long, accessibility)
DEMO_WEEK = (
    (
        "Sportello di aiuto digitale",
        ("digital", "elderly", "free"),
        0,
        10,
        2,
        "Sala al piano terra, senza scalini.",
    ),
    ("Italiano per stranieri", ("language", "free"), 1, 17, 2, ""),
    ("Camminata di gruppo", ("walk", "elderly", "free"), 2, 9, 1, "Passo lento, adatto a tutti."),
    ("Pranzo insieme", ("food", "elderly"), 3, 12, 2, "Sala al piano terra, senza scalini."),
    ("Orto condiviso", ("garden", "children", "free"), 4, 16, 2, ""),
    ("Tombola", ("games", "elderly"), 5, 15, 2, "Sala al piano terra, senza scalini."),
    ("Coro del quartiere", ("music", "free"), 6, 17, 1, ""),
    ("Laboratorio per bambini", ("games", "children", "free"), 2, 16, 2, "Dai 5 agli 11 anni."),
    ("Musica per piccoli", ("music", "children"), 5, 10, 1, "Dai 2 ai 5 anni, con un adulto."),
    (
        "Ginnastica dolce per anziani",
        ("other", "elderly"),
        1,
        10,
        1,
        "Sedie per chi ne ha bisogno.",
    ),
    ("Corso di inglese", ("language",), 3, 18, 2, ""),
)


@dataclass(frozen=True)
class DemoAccounts:
    """The staff accounts created, with their passwords in clear (printed once)."""

    accounts: tuple[tuple[str, str, str], ...]  # (email, role, password)


async def is_empty(session: AsyncSession) -> bool:
    """True when no Casa di Quartiere exists yet."""
    return not await session.scalar(select(func.count(Casa.id)))


async def load_demo(session: AsyncSession, *, now: datetime, zone: ZoneInfo) -> DemoAccounts:
    """Case di Quartiere, three weeks of events and SPID slots, and two staff accounts."""
    case = []
    for index, (name, quartiere, street, phone) in enumerate(DEMO_CASE):
        hours = {str(d): WEEKDAY_FULL if d in (1, 3) else WEEKDAY_MORNINGS for d in range(5)}
        hours["5"] = WEEKDAY_MORNINGS if index % 2 else []
        case.append(
            Casa(
                name=name,
                quartiere=quartiere,
                address=f"{street}, Reggio Emilia",
                phone=f"{phone} (numero demo)",
                opening_hours=hours,
                is_demo=True,
            )
        )
    session.add_all(case)
    await session.flush()
    today = now.astimezone(zone).date()
    for offset in range(21):
        day = today + timedelta(days=offset)
        for index, casa in enumerate(case):
            _add_day(session, casa, index, day, zone)
    custodian_password, admin_password = new_password(), new_password()
    await create_staff(
        session,
        email="custode.ospizio@demo.portineria.it",
        role="custodian",
        password=custodian_password,
        casa_id=case[0].id,
        now=now,
        display_name="Custode Ospizio (demo)",
    )
    await create_staff(
        session,
        email="admin@demo.portineria.it",
        role="admin",
        password=admin_password,
        now=now,
        display_name="Amministrazione (demo)",
    )
    return DemoAccounts(
        (
            ("custode.ospizio@demo.portineria.it", "custodian", custodian_password),
            ("admin@demo.portineria.it", "admin", admin_password),
        )
    )


def _add_day(session: AsyncSession, casa: Casa, index: int, day: date, zone: ZoneInfo) -> None:
    """One Casa's events and SPID slots on one day (each Casa keeps its own weekly rhythm)."""
    for title, (topic, *more), weekday, hour, length, access in DEMO_WEEK:
        if (weekday + index) % 7 == day.weekday() and (index + weekday) % 3 != 2:
            start = datetime.combine(day, time(hour), tzinfo=zone)
            session.add(
                Event(
                    casa_id=casa.id,
                    title=title,
                    topic=topic,
                    more_topics=[EventTopic(topic=t) for t in more],
                    starts_at=start,
                    ends_at=start + timedelta(hours=length),
                    accessibility=access,
                    description="Evento demo.",
                )
            )
    if day.weekday() in ((index % 5), (index + 2) % 5):
        for hour in (9, 10, 11):
            start = datetime.combine(day, time(hour), tzinfo=zone)
            session.add(SpidSlot(casa_id=casa.id, starts_at=start, seats=3))


async def load_demo_residents(
    session: AsyncSession,
    *,
    count: int,
    now: datetime,
    seed: int = 7,
    channels: Sequence[str] = ("telegram", "whatsapp", "sms"),
) -> None:
    """`count` subscribed demo residents over channels, languages and neighbourhoods (bulk)."""
    quartieri = [q for _n, q, _s, _p in DEMO_CASE]
    languages = ("it", "it", "it", "en", "ar", "ro", "sq", "uk", "zh")
    rng = random.Random(seed)
    first = (await session.scalar(select(func.count(Resident.id)))) or 0
    for chunk_start in range(0, count, 5000):
        numbers = range(first + chunk_start, first + min(count, chunk_start + 5000))
        people = [
            {
                "language": rng.choice(languages),
                "language_confirmed": True,
                "quartiere": rng.choice(quartieri),
                "consent_contact": True,
                "is_demo": True,
                "created_at": now,
            }
            for _ in numbers
        ]
        ids = (
            await session.scalars(
                insert(Resident).returning(Resident.id, sort_by_parameter_order=True), people
            )
        ).all()
        addresses, subscriptions = [], []
        for number, resident_id, person in zip(numbers, ids, people, strict=True):
            channel = channels[number % len(channels)]
            address = (
                str(900_000_000 + number) if channel == "telegram" else (f"+39399{number:07d}")
            )
            addresses.append(
                {
                    "resident_id": resident_id,
                    "channel": channel,
                    "address": address,
                    "opted_out": False,
                    "unreachable": False,
                    "last_inbound_at": now,
                }
            )
            subscriptions.append(
                {"resident_id": resident_id, "quartiere": person["quartiere"], "created_at": now}
            )
        await session.execute(insert(ChannelAddress), addresses)
        await session.execute(insert(Subscription), subscriptions)
