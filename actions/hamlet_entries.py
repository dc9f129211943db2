"""Hamlet's calendar entries read as events: their times, and their text made plain."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TITLE_LIMIT = 160
DESCRIPTION_LIMIT = 300  # within one SMS next to the title, day and place
STAMP = "%Y-%m-%d %H:%M:%S"


class BadEntry(ValueError):
    """A calendar entry without a title or with missing or impossible dates."""


@dataclass(frozen=True)
class Entry:
    """One calendar entry, with its times as moments."""

    hamlet_id: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    closed: bool
    url: str | None


def read_entry(raw: Any, *, server_zone: ZoneInfo, local_zone: ZoneInfo) -> Entry:
    """An entry from HumHub's JSON; BadEntry says what is wrong with it.

    A timed entry's "YYYY-MM-DD HH:MM:SS" is in the HumHub server's system zone
    (`server_zone`), whatever its `time_zone` (only the zone its author typed it in). An
    all-day entry holds days: they are days in the city (`local_zone`), ending at the
    next day's midnight (older HumHub versions wrote 23:59 of the last day).
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        raise BadEntry("an entry without an id")
    ident = raw["id"]
    title = plain_text(str(raw.get("title") or ""), TITLE_LIMIT)
    if not title:
        raise BadEntry(f"entry {ident} has no title")
    start, end = _stamp(raw, "start_datetime"), _stamp(raw, "end_datetime")
    all_day = bool(raw.get("all_day"))
    if all_day:
        last = end.date() if end.time() == time() else end.date() + timedelta(days=1)
        starts_at, ends_at = _midnight(start.date(), local_zone), _midnight(last, local_zone)
    else:
        starts_at, ends_at = start.replace(tzinfo=server_zone), end.replace(tzinfo=server_zone)
    if ends_at <= starts_at:
        raise BadEntry(f"entry {ident} ends before it starts")
    content = raw.get("content")
    metadata = content.get("metadata") if isinstance(content, dict) else None
    url = metadata.get("url") if isinstance(metadata, dict) else None
    return Entry(
        hamlet_id=ident,
        title=title,
        description=plain_text(str(raw.get("description") or ""), DESCRIPTION_LIMIT),
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        closed=bool(raw.get("closed")),
        url=url if isinstance(url, str) and url.startswith(("http://", "https://")) else None,
    )


def _stamp(raw: dict[str, Any], key: str) -> datetime:
    value = raw.get(key)
    try:
        return datetime.strptime(str(value), STAMP)
    except ValueError:
        raise BadEntry(f"entry {raw['id']} has no valid {key}: {value!r:.40}") from None


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


# HumHub's rich text is Markdown, with HTML from older editors and its own mention links.
_TAGS = re.compile(r"<[^>]*>")
_IMAGES = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINKS = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|~~|`+|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_LINE_MARKS = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+)", re.MULTILINE)
_SPACES = re.compile(r"\s+")


def plain_text(markup: str, limit: int) -> str:
    """Markdown or HTML as one line of plain text, cut at a word to at most `limit`."""
    text = _TAGS.sub(" ", markup.replace("<br", "\n<br").replace("</p>", "\n</p>"))
    text = _IMAGES.sub("", text)
    text = _LINKS.sub(r"\1", text)
    text = _LINE_MARKS.sub("", text)
    text = _MARKS.sub("", html.unescape(text))
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "..."  # three dots: an ellipsis character would make an SMS UCS-2
