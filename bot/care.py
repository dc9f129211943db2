"""Care before procedure: danger, scams and loneliness, found in a message before the NLU.

Pure and precompiled: the phrases of bot/care_words.py are folded and compiled once, into one
regular expression per category; a message is folded the same way and searched. Whole words
only ("fire" is not in "Firenze"), inflections by `*`, accents and doubled letters ignored
(residents type "e caduto", "cadutto", "sofoca"), SMS shorthand expanded ("nn" -> "non").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from bot.care_words import PERSONS, PHRASES, WAIT_PHRASES

DANGER = "danger"
SELF_HARM = "self_harm"
SCAM = "scam"
LONELY = "lonely"
# Checked in this order: the first category that matches decides.
ORDER = (
    "self_harm",
    "fall",
    "unresponsive",
    "chest",
    "breath",
    "gas",
    "fire",
    "violence",
    "medical",
    "scam",
    "lonely",
)
KIND_OF = {"self_harm": SELF_HARM, "scam": SCAM, "lonely": LONELY}
# A scam phrase about the Casa's own booking code is a resident asking for it, not a scam.
NOT_SCAM = re.compile(
    r"(?<!\w)(prenotazion\w*|booking|rezervar\w*|rezervim\w*|бронюван\w*|حجز\w*)|预约"
)
# Words that residents shorten in SMS, as a whole word.
SHORTHAND = {
    "nn": "non",
    "sn": "sono",
    "x": "per",
    "xke": "perche",
    "xche": "perche",
    "k": "che",
    "ke": "che",
    "cmq": "comunque",
    "qlcn": "qualcuno",
    "qlc": "qualcosa",
    "dv": "dove",
}
_CJK = re.compile(r"[\u3400-\u9fff]")
SCRIPTS = {
    "it": "latin",
    "en": "latin",
    "ro": "latin",
    "sq": "latin",
    "ar-latn": "latin",
    "ar": "arabic",
    "uk": "cyrillic",
    "zh": "cjk",
}
_SCRIPT_LETTERS = {
    "latin": re.compile(r"[a-z]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "cjk": _CJK,
}
_SHORT = re.compile(r"(?<!\w)(?:" + "|".join(sorted(SHORTHAND, key=len, reverse=True)) + r")(?!\w)")
# Accents, and the Arabic vowel signs and hamza that NFKD separates from their letters.
_MARKS = re.compile(r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+")
_NOT_WORD = re.compile(r"[^\w\s]+")
# Doubled consonants made single ("cadutto", "sofoca", "ambulanza"); vowels are kept, so
# "feel" stays apart from "fell".
_DOUBLE = re.compile(r"([b-df-hj-np-tv-z])\1+")
_SPACES = re.compile(r"\s+")
_ARABIC = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None, "ۀ": "ه"})
_GAP = r"(?:\s+\S+){0,3}"
_TOKENS = re.compile(r"\([^)]*\)\??|~|\S+")


@dataclass(frozen=True)
class Concern:
    """What a message is about: a kind (danger, self_harm, scam, lonely) and its category."""

    kind: str
    category: str
    language: str | None = None  # the language of the phrase found (Darija in Latin: "ar")


def fold(text: str, *, shorthand: bool = True) -> str:
    """Lower case, no accents or punctuation, doubled consonants single, shorthand expanded."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC)
    bare = _MARKS.sub("", unicodedata.normalize("NFKD", folded))
    bare = _NOT_WORD.sub(" ", bare)
    if shorthand:
        bare = _SHORT.sub(lambda m: SHORTHAND[m.group()], bare)
    return _SPACES.sub(" ", _DOUBLE.sub(r"\1", bare)).strip()


def _word(word: str) -> str:
    """One word of a phrase: folded, with `*` at either end standing for any letters."""
    head, tail = word.startswith("*"), word.endswith("*")
    core = re.escape(fold(word.strip("*"), shorthand=False))
    return (r"\w*" if head else "") + core + (r"\w*" if tail else "")


def _alternative(text: str, cjk: bool) -> str:
    """An alternative of words, e.g. "dati della carta", as a regex."""
    joiner = "" if cjk else r"\s+"
    return joiner.join(_word(w) for w in text.split())


def _phrase(phrase: str) -> str:
    """A phrase of the small syntax as a regular expression."""
    cjk = bool(_CJK.search(phrase))
    sep, gap = ("", ".{0,8}") if cjk else (r"\s+", _GAP + r"\s+")
    out, pending_gap = "", False
    for token in _TOKENS.findall(phrase):
        if token == "~":
            pending_gap = True
            continue
        optional = token.endswith("?") and len(token) > 1
        body = token[:-1] if optional else token
        if body.startswith("("):
            inner = "|".join(_alternative(a, cjk) for a in body[1:-1].split("|"))
            piece = f"(?:{inner})"
        else:
            piece = _word(body)
        lead = "" if not out else (gap if pending_gap else sep)
        out += f"(?:{lead}{piece})?" if optional and out else lead + piece
        pending_gap = False
    return out


@dataclass(frozen=True)
class _Gate:
    """Words one of which a message must have before the category's expression is tried."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    inside: tuple[str, ...]

    def opens(self, folded: str, words: set[str]) -> bool:
        """True when the message has one of the gate's words (a cheap test, in C)."""
        return (
            not words.isdisjoint(self.exact)
            or any(w.startswith(self.prefixes) for w in words)
            or any(part in folded for part in self.inside)
        )


@dataclass(frozen=True)
class _Category:
    name: str
    gate: _Gate
    pattern: re.Pattern[str]


def _key(phrase: str) -> list[str]:
    """The options of the phrase's most telling required word (its longest shortest option)."""
    best: list[str] = []
    for token in _TOKENS.findall(phrase):
        if token == "~" or (token.endswith("?") and len(token) > 1):
            continue
        alternatives = token[1:-1].split("|") if token.startswith("(") else [token]
        options = [max(a.split(), key=lambda w: len(w.strip("*"))) for a in alternatives]
        if not best or min(map(len, options)) >= min(map(len, best)):
            best = options
    return best


def _gate(phrases: list[str]) -> _Gate:
    exact: set[str] = set()
    prefixes: list[str] = []
    inside: list[str] = []
    for phrase in phrases:
        cjk = bool(_CJK.search(phrase))
        for word in _key(phrase):
            core = fold(word.strip("*"), shorthand=False)
            if cjk or word.startswith("*"):
                inside.append(core)
            elif word.endswith("*"):
                prefixes.append(core)
            else:
                exact.add(core)
    return _Gate(frozenset(exact), tuple(prefixes), tuple(inside))


TABLES = {"care": (PHRASES, ORDER), "wait": (WAIT_PHRASES, ("wait",))}


@cache
def _patterns(script: str, table: str = "care") -> tuple[_Category, ...]:
    """One gate and one compiled expression per category, for the languages of a script."""
    source, order = TABLES[table]
    compiled = []
    for category in order:
        by_language = {
            language: [p.replace("{P}", PERSONS.get(language, "")) for p in listed]
            for language, listed in source[category].items()
            if SCRIPTS[language] == script
        }
        phrases = [p for listed in by_language.values() for p in listed]
        if phrases:
            # One named group per language: the match says which language it was written in.
            body = "|".join(
                f"(?P<{language.replace('-', '_')}>" + "|".join(_phrase(p) for p in listed) + ")"
                for language, listed in by_language.items()
            )
            if script != "cjk":  # boundaries once, outside: tried only at a word's start
                body = rf"(?<!\w)(?:{body})(?!\w)"
            compiled.append(_Category(category, _gate(phrases), re.compile(body)))
    return tuple(compiled)


def _scripts(folded: str) -> list[str]:
    """The scripts a folded message is written in: only their phrases are tried."""
    found = [name for name, letters in _SCRIPT_LETTERS.items() if letters.search(folded)]
    return found


def concern_of(text: str) -> Concern | None:
    """The first concern a message speaks of (danger before scams before loneliness)."""
    folded = fold(text)
    if not folded:
        return None
    words = set(folded.split())
    found: dict[str, str] = {}
    for script in _scripts(folded):
        for c in _patterns(script):
            match = c.gate.opens(folded, words) and c.pattern.search(folded)
            if match and c.name not in found:
                found[c.name] = str(match.lastgroup)
    if "scam" in found and NOT_SCAM.search(folded):
        del found["scam"]
    if not found:
        return None
    category = min(found, key=ORDER.index)
    language = found[category].removesuffix("_latn")
    return Concern(KIND_OF.get(category, DANGER), category, language)


def asks_about_wait(text: str) -> bool:
    """True when the message asks how long the wait for a person is, or who will answer."""
    folded = fold(text)
    words = set(folded.split())
    return any(
        c.gate.opens(folded, words) and c.pattern.search(folded)
        for script in _scripts(folded)
        for c in _patterns(script, "wait")
    )


def is_danger(text: str) -> bool:
    """True when the message speaks of an immediate danger to someone (self-harm included)."""
    concern = concern_of(text)
    return concern is not None and concern.kind in (DANGER, SELF_HARM)


def warm() -> None:
    """Compile every expression now (at start-up), not on the first resident's message."""
    for script in _SCRIPT_LETTERS:
        for table in TABLES:
            _patterns(script, table)
