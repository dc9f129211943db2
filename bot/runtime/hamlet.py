"""The Hamlet bridge's work: calendars in (every few minutes), consented needs out."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from actions import hamlet, hamlet_posts
from actions.db import SessionFactory, transaction
from actions.errors import DomainError, InvalidTransition
from actions.hamlet_entries import BadEntry, read_entry
from actions.humhub import HumHub, HumHubError
from actions.models import HamletPost, Need
from bot.flows.events import topic_of

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What a sync did, in the shape `portineria hamlet sync --json` prints."""

    spaces: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object."""
        return asdict(self)


@dataclass(frozen=True)
class HamletBridge:
    """How to reach Hamlet and read its times; a new client per round of work."""

    url: str
    token: str
    server_zone: ZoneInfo  # HumHub's system time zone: its stored times are in it
    local_zone: ZoneInfo  # the city's: all-day entries are its days
    every: timedelta  # between two syncs of a space
    timeout: float | None = None  # seconds a call may take (None: the client's default)

    def client(self) -> HumHub:
        """A client for one round; close it after."""
        if self.timeout is None:
            return HumHub(self.url, self.token)
        return HumHub(self.url, self.token, timeout=self.timeout)

    async def run(self, sessions: SessionFactory, now: datetime) -> None:
        """The scheduled jobs' step: sync the spaces that are due, post the waiting needs."""
        await sync_spaces(sessions, self, now=now)
        await post_due_needs(sessions, self, now=now)


async def sync_spaces(
    sessions: SessionFactory, bridge: HamletBridge, *, now: datetime, all_now: bool = False
) -> SyncReport:
    """Sync the linked spaces that are due (`all_now`: every one); one failing stops only itself."""
    async with transaction(sessions) as session:
        if all_now:
            spaces = list(await hamlet.linked_spaces(session))
            for space in spaces:
                space.next_sync_at = now + bridge.every
        else:
            spaces = await hamlet.claim_due_spaces(session, now=now, every=bridge.every)
        targets = [(space.casa_id, space.container_id, space.casa.name) for space in spaces]
    report = SyncReport(spaces=len(targets))
    if not targets:
        return report
    async with bridge.client() as client:
        for casa_id, container_id, name in targets:
            await _sync_one(sessions, client, bridge, (casa_id, container_id, name), now, report)
    return report


async def _sync_one(
    sessions: SessionFactory,
    client: HumHub,
    bridge: HamletBridge,
    target: tuple[int, int, str],
    now: datetime,
    report: SyncReport,
) -> None:
    casa_id, container_id, name = target
    try:
        # Everything is read and checked before anything is written: a failure part-way
        # leaves the events as they were.
        raw = await client.calendar_entries(container_id)
        entries = [
            read_entry(item, server_zone=bridge.server_zone, local_zone=bridge.local_zone)
            for item in raw
        ]
    except (HumHubError, BadEntry) as exc:
        reason = f"{name}: {exc}"
        log.warning("hamlet sync failed", extra={"casa_id": casa_id, "reason": str(exc)})
        async with transaction(sessions) as session:
            await hamlet.record_sync(session, casa_id=casa_id, now=now, error=str(exc))
        report.errors.append(reason)
        return
    async with transaction(sessions) as session:
        changes = await hamlet.apply_entries(
            session, casa_id=casa_id, entries=entries, now=now, topic_of=topic_of
        )
        await hamlet.record_sync(session, casa_id=casa_id, now=now)
    report.created += changes.created
    report.updated += changes.updated
    report.removed += changes.removed
    log.info(
        "hamlet sync done",
        extra={"casa_id": casa_id, "created": changes.created, "updated": changes.updated},
    )


async def post_due_needs(sessions: SessionFactory, bridge: HamletBridge, *, now: datetime) -> int:
    """Post the consented needs waiting for Hamlet; returns how many were posted."""
    async with transaction(sessions) as session:
        due = [
            (post.id, post.container_id, post.message, post.attempts, need.reference)
            for post in await hamlet_posts.claim_due_posts(session, now=now)
            if (need := await session.get(Need, post.need_id)) is not None
        ]
    if not due:
        return 0
    posted = 0
    async with bridge.client() as client:
        for post_id, container_id, message, attempts, reference in due:
            try:
                answer = await _post_once(client, container_id, message, attempts, reference)
            except HumHubError as exc:
                log.warning("hamlet post failed", extra={"post_id": post_id, "reason": str(exc)})
                async with transaction(sessions) as session:
                    await hamlet_posts.mark_failed(
                        session, post_id=post_id, error=str(exc), now=now
                    )
                continue
            async with transaction(sessions) as session:
                row = await hamlet_posts.mark_posted(
                    session, post_id=post_id, answer=answer, now=now
                )
                withheld = row.state == "withheld"
            if withheld:  # staff withheld it while it was being posted: take it down
                await _take_down(sessions, client, post_id, int(answer["id"]))
            posted += 1
    return posted


async def _post_once(
    client: HumHub, container_id: int, message: str, attempts: int, reference: str
) -> dict[str, Any]:
    """Post, unless an earlier attempt did (its answer lost): then that post is the one."""
    if attempts > 1:  # the claim counted this attempt already
        found = await client.find_post(container_id, hamlet_posts.marker(reference))
        if found is not None and isinstance(found.get("id"), int):
            log.info("hamlet post found from an earlier attempt", extra={"need": reference})
            return found
    return await client.create_post(container_id, message)


async def _take_down(
    sessions: SessionFactory, client: HumHub, post_id: int, hamlet_id: int
) -> None:
    try:
        await client.delete_post(hamlet_id)
    except HumHubError as exc:
        log.warning("hamlet post not removed", extra={"post_id": post_id, "reason": str(exc)})
        return
    async with transaction(sessions) as session:
        row = await session.get(HamletPost, post_id)
        if row is not None:
            hamlet_posts.mark_removed(row)


async def remove_post(session: AsyncSession, bridge: HamletBridge | None, *, need_id: int) -> None:
    """Staff take a need's post off Hamlet (DELETE), or keep a waiting one from going.

    Marked removed only once Hamlet deleted it: a failure (HumHubError) changes nothing here.
    """
    post = await hamlet_posts.post_of_need(session, need_id=need_id)
    if post.state == "pending":
        await hamlet_posts.withhold(session, need_id=need_id)
        return
    if post.state != "posted" or post.post_id is None:
        raise InvalidTransition(f"the post of need {need_id} is {post.state}")
    if bridge is None:
        raise DomainError("Hamlet is not configured (PORTINERIA_HAMLET_URL, _TOKEN)")
    async with bridge.client() as client:
        await client.delete_post(post.post_id)
    hamlet_posts.mark_removed(post)
