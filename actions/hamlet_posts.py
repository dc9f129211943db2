"""Needs shared on the Casa's Hamlet space, with consent, never with a name or a number."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from actions.errors import InvalidTransition, NotFound
from actions.hamlet_entries import plain_text
from actions.models import HamletPost, HamletSpace, Need
from actions.places import casa_for_quartiere

LEASE = timedelta(minutes=2)  # a worker posting holds the row this long
MAX_BACKOFF_MINUTES = 60  # a failing post is tried again at least every hour, never dropped
DESCRIPTION_LIMIT = 600

PHONE_GONE, EMAIL_GONE, NAME_GONE = "[numero tolto]", "[e-mail tolta]", "[nome tolto]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# What phonenumbers does not take for a number: long runs of digits, spaced or dotted.
_DIGITS = re.compile(r"(?:\+|\b)\d(?:[\s.-]?\d){8,}\b")
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+"
# Words after which a capitalised word is a person's name, in the languages written in Latin
# letters; a name in another script is caught only when it is the resident's own.
_NAME_CUES = re.compile(
    r"(?i:\b(?:mi chiamo|il mio nome è|sono|signora|signor|signore|sig\.ra|sig\.|dott\.ssa|"
    r"dott\.|mio marito|mia moglie|mio figlio|mia figlia|mia madre|mio padre|"
    r"mia sorella|mio fratello|my name is|i am|i'm|numele meu este|mă numesc|quhem|"
    r"unë jam)\s+)"
    rf"({_CAPITALISED}(?:\s+{_CAPITALISED})?)"
)


def scrub(text: str, *, names: Iterable[str | None] = ()) -> str:
    """The text without phone numbers, e-mail addresses and the names it can tell."""
    text = _EMAIL.sub(EMAIL_GONE, text)
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "IT"))):
        text = text[: match.start] + PHONE_GONE + text[match.end :]
    text = _DIGITS.sub(PHONE_GONE, text)
    text = _NAME_CUES.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + NAME_GONE, text)
    for name in names:
        for word in (name or "").split():
            if len(word) >= 2:
                text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", NAME_GONE, text, flags=re.I)
    return text


def marker(reference: str) -> str:
    """The tag that identifies a need's post on Hamlet, so it is never posted twice."""
    return f"[Portineria {reference}]"


def compose(need: Need, *, category: str, casa_name: str, names: Iterable[str | None]) -> str:
    """The post: what is needed, where, the scrubbed description and the reference."""
    description = plain_text(scrub(need.description, names=names), DESCRIPTION_LIMIT)
    return "\n\n".join(
        [
            f"{category} - quartiere {need.quartiere}",
            description,
            f"Chi può dare una mano lo scriva qui o alla Casa di Quartiere {casa_name}.\n"
            + marker(need.reference),
        ]
    )


async def share_need(
    session: AsyncSession, *, need: Need, category: str, names: Iterable[str | None], now: datetime
) -> HamletPost | None:
    """Queue a need for its Casa's Hamlet space: only with consent and a linked space."""
    if not need.consent_hamlet or not need.quartiere:
        return None
    casa = await casa_for_quartiere(session, quartiere=need.quartiere)
    space = None if casa is None else await session.get(HamletSpace, casa.id)
    if casa is None or space is None:
        return None
    post = HamletPost(
        need_id=need.id,
        container_id=space.container_id,
        message=compose(need, category=category, casa_name=casa.name, names=names),
        state="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(post)
    await session.flush()
    return post


async def claim_due_posts(
    session: AsyncSession, *, now: datetime, limit: int = 10
) -> Sequence[HamletPost]:
    """Pending posts whose time has come, each leased to this worker for LEASE."""
    due = await session.scalars(
        select(HamletPost.id)
        .where(HamletPost.state == "pending", HamletPost.next_attempt_at <= now)
        .order_by(HamletPost.id)
        .limit(limit)
    )
    claimed = []
    for post_id in due.all():
        taken = await session.scalar(
            update(HamletPost)
            .where(
                HamletPost.id == post_id,
                HamletPost.state == "pending",
                HamletPost.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + LEASE, attempts=HamletPost.attempts + 1)
            .returning(HamletPost.id)
            .execution_options(synchronize_session=False)
        )
        if taken is not None:
            claimed.append(taken)
    if not claimed:
        return []
    rows = await session.scalars(select(HamletPost).where(HamletPost.id.in_(claimed)))
    return sorted(rows.all(), key=lambda post: post.id)


async def mark_posted(
    session: AsyncSession, *, post_id: int, answer: dict[str, Any], now: datetime
) -> HamletPost:
    """Remember Hamlet's post (its id and link): from now on it is never posted again."""
    post = await _post(session, post_id)
    content = answer.get("content")
    metadata = content.get("metadata") if isinstance(content, dict) else None
    url = metadata.get("url") if isinstance(metadata, dict) else None
    post.post_id, post.posted_at, post.error = int(answer["id"]), now, None
    post.url = url if isinstance(url, str) and url.startswith(("http://", "https://")) else None
    if post.state == "pending":
        post.state = "posted"
    return post


async def mark_failed(session: AsyncSession, *, post_id: int, error: str, now: datetime) -> None:
    """Try again later, after a pause that grows with the attempts (at most an hour)."""
    post = await _post(session, post_id)
    minutes = min(2 ** max(post.attempts - 1, 0), MAX_BACKOFF_MINUTES)
    post.error, post.next_attempt_at = error[:200], now + timedelta(minutes=minutes)


async def posts_of_needs(
    session: AsyncSession, *, need_ids: Iterable[int]
) -> dict[int, HamletPost]:
    """The Hamlet post of each of these needs that has one."""
    ids = list(need_ids)
    if not ids:
        return {}
    rows = await session.scalars(select(HamletPost).where(HamletPost.need_id.in_(ids)))
    return {post.need_id: post for post in rows}


async def withhold(session: AsyncSession, *, need_id: int) -> HamletPost:
    """Staff keep a need off Hamlet before it is posted."""
    post = await _post_of_need(session, need_id)
    if post.state != "pending":
        raise InvalidTransition(f"the post of need {need_id} is {post.state}, not waiting")
    post.state = "withheld"
    return post


def mark_removed(post: HamletPost) -> None:
    """The post was deleted from Hamlet (by staff, from the console)."""
    if post.state not in ("posted", "withheld"):
        raise InvalidTransition(f"the post is {post.state}: nothing to remove")
    post.state = "removed"


async def post_of_need(session: AsyncSession, *, need_id: int) -> HamletPost:
    """A need's Hamlet post, or NotFound."""
    return await _post_of_need(session, need_id)


async def _post_of_need(session: AsyncSession, need_id: int) -> HamletPost:
    post = await session.scalar(select(HamletPost).where(HamletPost.need_id == need_id))
    if post is None:
        raise NotFound(f"need {need_id} is not shared on Hamlet")
    return post


async def _post(session: AsyncSession, post_id: int) -> HamletPost:
    post = await session.get(HamletPost, post_id)
    if post is None:
        raise NotFound(f"no Hamlet post {post_id}")
    return post
