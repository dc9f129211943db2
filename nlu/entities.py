"""Entity extraction: dates, neighbourhoods, need categories and language names."""

from __future__ import annotations

import re
from datetime import datetime

from nlu.dates import find_date
from nlu.gazetteer import PlaceMatcher
from nlu.normalize import align_fold
from nlu.types import Entity, Gazetteer
from nlu.vocabulary import LANGUAGE_NAMES, NEED_WORDS, PERSON_PATTERNS, pattern

_NEEDS = [(category, pattern(words)) for category, words in NEED_WORDS.items()]
# "she is alone and cannot do her shopping" is shopping: company only when nothing else fits
_NEEDS_CONCRETE = [(category, regex) for category, regex in _NEEDS if category != "company"]
_COMPANY = [(category, regex) for category, regex in _NEEDS if category == "company"]
_LANGUAGES = [(code, pattern(names)) for code, names in LANGUAGE_NAMES.items()]
# folded as the text is: "моєї" is written "моєі" there
_PERSONS = [re.compile(align_fold(p).replace("(?p<", "(?P<")) for p in PERSON_PATTERNS]


class EntityExtractor:
    """All the built-in extractors behind one call."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._places = PlaceMatcher(gazetteer)

    def extract(self, text: str, *, now: datetime, language: str | None) -> tuple[Entity, ...]:
        """Entities in text order; dates resolved in `now`'s time zone."""
        found: list[Entity] = []
        if date := find_date(text, now=now, language=language):
            found.append(Entity("date", date.value.isoformat(), date.start, date.end))
            if date.days > 1:  # "questa settimana": from that date, for so many days
                found.append(Entity("date_days", date.days, date.start, date.end))
        found.extend(
            Entity("neighbourhood", place.canonical, place.start, place.end)
            for place in self._places.find(text)
        )
        folded = align_fold(text)
        found.extend(
            _first("need_category", _NEEDS_CONCRETE, folded)
            or _first("need_category", _COMPANY, folded)
        )
        found.extend(_first("language", _LANGUAGES, folded))
        found.extend(_person(text, folded))
        return tuple(sorted(found, key=lambda e: (e.start, e.entity)))


def _first(name: str, table: list, folded: str) -> list[Entity]:
    # the earliest mention wins: "la luce della strada" is lighting, not street
    hits = [(m.start(), m.end(), value) for value, regex in table if (m := regex.search(folded))]
    if not hits:
        return []
    start, end, value = min(hits)
    return [Entity(name, value, start, end)]


def _person(text: str, folded: str) -> list[Entity]:
    # matched on the folded text, kept in the resident's spelling ("mia moglie", "لزوجتي")
    for regex in _PERSONS:
        if found := regex.search(folded):
            start, end = found.span("who")
            return [Entity("person", text[start:end], start, end)]
    return []
