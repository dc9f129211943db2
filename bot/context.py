"""What a turn may use: the clock, the translator, the NLU, the session and the resident."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import Resident
from bot.i18n import Gettext, format_clock, format_day, gettext_for
from nlu.types import NLU


@dataclass
class TurnContext:
    """Everything a flow may touch; time is passed in so a test controls the clock."""

    now: datetime
    zone: ZoneInfo
    nlu: NLU
    session: AsyncSession
    resident: Resident
    channel: str
    held: bool = False  # a person holds the conversation: the bot only relays
    forget: bool = False  # set by a flow: erase the resident once the turn is answered
    gettext: Gettext = field(init=False)

    def __post_init__(self) -> None:
        self.gettext = gettext_for(self.resident.language)

    @property
    def language(self) -> str:
        """The resident's language."""
        return self.resident.language

    def use_language(self, language: str) -> None:
        """Switch the resident (and this turn's replies) to another language."""
        self.resident.language = language
        self.gettext = gettext_for(language)

    def format_when(self, moment: datetime) -> str:
        """A day and time in the resident's language, e.g. "giovedì 4 dicembre, 10:00"."""
        day = format_day(moment, self.zone, self.language)
        return f"{day}, {format_clock(moment, self.zone, self.language)}"
