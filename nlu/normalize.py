"""Text normalisation: residents' phone spelling made regular for the classifiers."""

from __future__ import annotations

import re
import unicodedata

# Whole-token SMS shorthand, Italian first (the richest), then the common English ones
SHORTHAND = {
    "x": "per",
    "xke": "perché",
    "xké": "perché",
    "xkè": "perché",
    "xche": "perché",
    "xché": "perché",
    "xchè": "perché",
    "xk": "perché",
    "pk": "perché",
    "perke": "perché",
    "nn": "non",
    "cmq": "comunque",
    "ke": "che",
    "k": "che",
    "qnd": "quando",
    "qndo": "quando",
    "qnt": "quanto",
    "qlc": "qualcosa",
    "qlcs": "qualcosa",
    "qc": "qualcosa",
    "dv": "dove",
    "sn": "sono",
    "cm": "come",
    "tt": "tutto",
    "msg": "messaggio",
    "msgs": "messaggi",
    "xò": "però",
    "xo": "però",
    "grz": "grazie",
    "grazi": "grazie",
    "tnx": "thanks",
    "thx": "thanks",
    "pls": "please",
    "plz": "please",
    "u": "you",
    "ur": "your",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2morrow": "tomorrow",
    "appt": "appointment",
    "pt": "pentru",
    "ms": "mersi",
    "dmn": "domani",
    "dom": "domani",
    "risp": "rispondi",
}
_TOKEN = re.compile(r"\w+", re.UNICODE)
_REPEAT = re.compile(r"(\w)\1{2,}", re.UNICODE)
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def clean(text: str) -> str:
    """Lower-cased, shorthand expanded, letter runs squeezed: what the encoder sees."""
    text = unicodedata.normalize("NFKC", text).casefold()
    # "ciaooooo" and "grazieeee" are the same word: keep two letters, not the whole run
    text = _REPEAT.sub(r"\1\1", text)
    text = _TOKEN.sub(lambda m: SHORTHAND.get(m.group(), m.group()), text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """`clean` plus accents and punctuation removed: the n-gram models' view."""
    decomposed = unicodedata.normalize("NFKD", clean(text))
    # residents type "perche", "citta", "lunedi": the marks carry no meaning for the n-grams
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _PUNCT.sub(" ", bare)).strip()


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit (not only emoji or punctuation)."""
    return any(c.isalnum() for c in text)


def align_fold(text: str) -> str:
    """Lower case without accents, one character for one: spans found in it index `text`."""
    out = []
    for char in text:
        lower = char.lower()
        decomposed = unicodedata.normalize("NFKD", lower)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(bare if len(bare) == 1 else lower if len(lower) == 1 else char)
    return "".join(out)
