"""Dates and times in residents' words, resolved against the `now` passed in (never the clock)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateparser.languages.loader import default_loader
from dateparser.search import search_dates

from nlu.normalize import align_fold
from nlu.types import LANGUAGES
from nlu.vocabulary import DAY_PARTS, RELATIVE_DAYS, WEEK_WORDS, WEEKDAYS, pattern

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PART = r"(?:\s*(?P<part>" + "|".join(map(re.escape, DAY_PARTS)) + r")(?!\w))?"
_RELATIVE = [(re.compile(f"(?:{pattern(w).pattern}){_PART}"), d, t) for w, d, t in RELATIVE_DAYS]
_WEEKDAYS = [(re.compile(f"(?:{pattern(w).pattern}){_PART}"), day) for w, day in WEEKDAYS]
_WEEKS = [(pattern(words), kind) for words, kind in WEEK_WORDS]
_CLOCK = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:.h]([0-5]\d)(?!\d)")
_CUED_HOUR = re.compile(
    r"(?:(?<!\w)(?:alle|ore|verso le|per le|dalle|at|la ora|ora|ne oren|oren|о|об)"
    r"|الساعة)\s*([01]?\d|2[0-3])(?:\s*(am|pm))?(?!\w)|(?<!\w)(\d{1,2})\s*(am|pm)(?!\w)"
)
_ZH_HOUR = re.compile(
    r"(上午|早上|中午|下午|晚上)?(\d{1,2}|[一二三四五六七八九十]{1,3})[点點](半|(\d{1,2})分)?"
)
_ZH_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
# a Casa's appointments fall in the day: "alle 3" means 15:00
_AFTERNOON_UNTIL = 7
_DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "future",
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}
Span = tuple[int, int]


@dataclass(frozen=True)
class DateMatch:
    """A resolved date-time (midnight when only the day was said) and where it was written."""

    start: int
    end: int
    value: datetime
    days: int = 1  # "questa settimana", "weekend": the days the words cover, from `value`


def find_date(text: str, *, now: datetime, language: str | None) -> DateMatch | None:
    """The date-time a message speaks of (day and time joined), or None."""
    folded = align_fold(text).translate(_DIGITS)
    day = _find_day(folded, now.date())
    clock = _find_time(folded)
    if day is None and clock is None:
        return _find_absolute(text, now=now, language=language)
    spans = [found[0] for found in (day, clock) if found is not None]
    start, end = min(s[0] for s in spans), max(s[1] for s in spans)
    on = day[1] if day else now.date()
    at = clock[1] if clock else day[2] if day else None
    value = datetime.combine(on, at or time(0), tzinfo=now.tzinfo)
    if day is None and value < now:
        value += timedelta(days=1)  # "alle 10" said at 11 means tomorrow's
    return DateMatch(start, end, value, day[3] if day and not clock else 1)


def _find_day(folded: str, today: date) -> tuple[Span, date, time | None, int] | None:
    for regex, offset, implied in _RELATIVE:
        if match := regex.search(folded):
            return match.span(), today + timedelta(days=offset), _part(match) or implied, 1
    for regex, weekday in _WEEKDAYS:
        if match := regex.search(folded):
            ahead = (weekday - today.weekday()) % 7
            return match.span(), today + timedelta(days=ahead), _part(match), 1
    for regex, kind in _WEEKS:
        if match := regex.search(folded):
            first = _week_start(kind, today)
            return match.span(), first, None, 7 - first.weekday()  # through Sunday
    return None


def _part(match: re.Match[str]) -> time | None:
    return DAY_PARTS[match["part"]] if match["part"] else None


def _week_start(kind: str, today: date) -> date:
    if kind == "next_week":
        return today + timedelta(days=7 - today.weekday())
    if kind == "weekend":
        return today + timedelta(days=max(0, 5 - today.weekday()))
    return today


def _find_time(folded: str) -> tuple[Span, time] | None:
    if match := _CLOCK.search(folded):
        return match.span(), time(int(match[1]), int(match[2]))
    if match := _ZH_HOUR.search(folded):
        hour = int(match[2]) if match[2].isdigit() else _zh_number(match[2])
        if match[1] in ("下午", "晚上") and hour < 12:
            hour += 12
        minute = 30 if match[3] == "半" else int(match[4] or 0)
        return match.span(), time(hour % 24, min(minute, 59))
    if match := _CUED_HOUR.search(folded):
        hour, suffix = int(match[1] or match[3]), match[2] or match[4]
        if (suffix == "pm" and hour < 12) or (suffix is None and 1 <= hour <= _AFTERNOON_UNTIL):
            hour += 12
        return match.span(), time(hour % 24)
    return None


def _zh_number(chars: str) -> int:
    tens, ten, units = chars.partition("十")
    if not ten:
        return _ZH_NUMBERS[chars]
    return (_ZH_NUMBERS.get(tens, 1)) * 10 + _ZH_NUMBERS.get(units, 0)


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _find_absolute(text: str, *, now: datetime, language: str | None) -> DateMatch | None:
    folded = align_fold(text).translate(_DIGITS)
    if match := _ZH_DATE.search(folded):
        found = _next_date(now.date(), int(match[1]), int(match[2]))
        return DateMatch(*match.span(), _midnight(found, now)) if found else None
    # dateparser is slow-ish (ms): ask it only when a month name or a digit is there
    if not (_MONTHS.search(folded) or any(c.isdigit() for c in folded)):
        return None
    settings = {**_DATEPARSER_SETTINGS, "RELATIVE_BASE": now.replace(tzinfo=None)}
    found = search_dates(text, languages=[language or "it"], settings=settings) or []
    for surface, value in found:
        # dateparser also reads sums, ages and durations ("2+2", "80 anni") as dates: keep
        # a month name or a day/month within the coming year
        if not (_MONTHS.search(align_fold(surface)) or _DAY_MONTH.search(surface)):
            continue
        # A date with its year written out may be past (the engine says so politely).
        earliest = now.date() - timedelta(days=3660) if _YEAR.search(surface) else now.date()
        if earliest <= value.date() <= now.date() + timedelta(days=366):
            start = text.find(surface)
            return DateMatch(start, start + len(surface), _midnight(value.date(), now))
    return None


def _next_date(today: date, month: int, day: int) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


def _midnight(day: date, now: datetime) -> datetime:
    return datetime.combine(day, time(0), tzinfo=now.tzinfo)


def _month_names() -> list[str]:
    names = []
    for code in LANGUAGES:
        info = default_loader.get_locale(code).info
        for month in (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ):
            names.extend(n for n in info.get(month, ()) if len(n) >= 4 or not n.isascii())
    return names


_MONTHS = pattern(_month_names())
_DAY_MONTH = re.compile(r"\d{1,2}[/.-]\d{1,2}")
_ZH_DATE = re.compile(r"(\d{1,2})月(\d{1,2})[日号號]")
