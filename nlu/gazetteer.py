"""Neighbourhood names: the default gazetteer, merging the app's names, and fuzzy matching."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from nlu.normalize import align_fold
from nlu.types import Gazetteer

DEFAULT_GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.yml"
# words after which an everyday word ("bagno") is a place name: "a Bagno", "zona Canali"
PLACE_CUES = frozenset(
    (
        "a",
        "al",
        "alla",
        "all",
        "ad",
        "di",
        "del",
        "della",
        "dell",
        "da",
        "dal",
        "dalla",
        "in",
        "nel",
        "nella",
        "zona",
        "quartiere",
        "frazione",
        "verso",
        "vicino",
        "presso",
        "per",
        "at",
        "near",
        "to",
        "from",
        "ne",
        "te",
    )
)
# Chinese glues Latin names to its characters ("在Ospizio预约"): Han is not part of a word
_WORD = re.compile(r"[^\W\u3400-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


def load_gazetteer(path: Path = DEFAULT_GAZETTEER_PATH) -> Gazetteer:
    """The gazetteer in a YAML file (default: Reggio Emilia's, shipped in nlu/data)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names = {str(k): tuple(str(n) for n in v or ()) for k, v in document["neighbourhoods"].items()}
    cues = frozenset(str(n).lower() for n in document.get("needs_cue") or ())
    return Gazetteer(neighbourhoods=names, needs_cue=cues)


def merge_names(gazetteer: Gazetteer, extra: Mapping[str, Iterable[str]]) -> Gazetteer:
    """A gazetteer with more names (the app adds its Case di Quartiere from the database)."""
    merged = dict(gazetteer.neighbourhoods)
    for canonical, spellings in extra.items():
        known = merged.get(canonical, ())
        merged[canonical] = tuple(dict.fromkeys([*known, canonical.lower(), *spellings]))
    return Gazetteer(neighbourhoods=merged, needs_cue=gazetteer.needs_cue)


@dataclass(frozen=True)
class PlaceMatch:
    """A canonical place name and where it was written."""

    start: int
    end: int
    canonical: str


class PlaceMatcher:
    """Finds gazetteer names in text, tolerating a typo or two ("ospizzio", "rosta nuva")."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        entries: dict[str, str] = {}
        self._han: dict[str, str] = {}  # Chinese names, found as they are written
        for canonical, names in gazetteer.neighbourhoods.items():
            for name in (canonical, *names):
                folded = align_fold(name)
                if _HAN.search(folded):
                    self._han[folded] = canonical
                else:
                    entries[" ".join(_WORD.findall(folded))] = canonical
        self._aliases = list(entries)
        self._canonical = list(entries.values())
        self._needs_cue = np.array([a in gazetteer.needs_cue for a in self._aliases])
        self._edits = np.array([_allowed_edits(a) for a in self._aliases])
        self._sizes = np.array([a.count(" ") + 1 for a in self._aliases])
        self._longest = max((a.count(" ") + 1 for a in self._aliases), default=1)

    def find(self, text: str) -> list[PlaceMatch]:
        """Non-overlapping places, longest and closest first."""
        folded = align_fold(text)
        han = [
            PlaceMatch(i, i + len(name), canonical)
            for name, canonical in self._han.items()
            if (i := folded.find(name)) >= 0
        ]
        return sorted([*han, *self._find_words(text, folded)], key=lambda m: m.start)

    def _find_words(self, text: str, folded: str) -> list[PlaceMatch]:
        words = list(_WORD.finditer(folded))
        windows = [
            (i, j)
            for i in range(len(words))
            for j in range(i + 1, min(i + self._longest, len(words)) + 1)
        ]
        if not windows or not self._aliases:
            return []
        joined = [" ".join(w.group() for w in words[i:j]) for i, j in windows]
        distances = cdist(joined, self._aliases, scorer=OSA.distance, workers=1)
        candidates = []
        # a typo changes letters, not words: "a pieve modolena" is not a misspelt place
        sizes = np.array([[j - i] for i, j in windows])
        close = (distances <= self._edits) & (sizes == self._sizes)
        for row, col in zip(*np.nonzero(close), strict=True):
            i, j = windows[row]
            if self._needs_cue[col] and not _cued(text, words, i, distances[row, col]):
                continue
            if not _head_matches(self._aliases[col], joined[row]):
                continue
            candidates.append((-(j - i), int(distances[row, col]), i, j, self._canonical[col]))
        return _non_overlapping(sorted(candidates), words)


def _allowed_edits(alias: str) -> int:
    # short names and abbreviations ("s croce") must be exact: one letter changes the word
    if len(alias) < 5:
        return 0
    return 1 if len(alias) < 9 else 2


def _cued(text: str, words: list[re.Match[str]], i: int, distance: int) -> bool:
    if distance:
        return False
    capitalised = text[words[i].start()].isupper() and i > 0
    return capitalised or (i > 0 and words[i - 1].group() in PLACE_CUES)


def _non_overlapping(
    candidates: list[tuple[int, int, int, int, str]], words: list[re.Match[str]]
) -> list[PlaceMatch]:
    taken: set[int] = set()
    found = []
    for _, _, i, j, canonical in candidates:
        if taken.isdisjoint(range(i, j)):
            taken.update(range(i, j))
            found.append(PlaceMatch(words[i].start(), words[j - 1].end(), canonical))
    return found


def _head_matches(alias: str, window: str) -> bool:
    # "s croce" may be misspelt in "croce" but not in "s": "a croce" is no place
    head = alias.split(" ", 1)[0]
    return len(head) > 1 or window.split(" ", 1)[0] == head
