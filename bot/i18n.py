"""Gettext catalogs from locales/: a translator per language, Italian as the source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"
RTL_LANGUAGES = frozenset({"ar"})

Gettext = Callable[[str], str]


@lru_cache(maxsize=16)
def translations(language: str, domain: str = DOMAIN) -> NullTranslations:
    """The compiled catalog of `language` (the residents' messages, or another `domain` such as
    the staff console's); the Italian source text when there is none."""
    return Translations.load(str(LOCALES_DIR), [language], domain)


def gettext_for(language: str) -> Gettext:
    """A translate function for one language."""
    return translations(language).gettext


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for "mark only"
    """Mark a string for extraction; it is translated later, where the language is known."""
    return message


def format_day(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """A day in the resident's language, e.g. "giovedì 4 dicembre"."""
    return format_datetime(moment.astimezone(zone), "EEEE d MMMM", locale=language)


def format_clock(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """A time of day, 24-hour, e.g. "10:00"."""
    return format_time(moment.astimezone(zone), "HH:mm", locale=language)
