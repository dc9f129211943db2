"""A street and house number in a resident's message ("davanti al 23 di via Fratelli Rosselli")."""

from __future__ import annotations

import re

# Street words of Reggio Emilia's addresses, written so in every language
_STREET = re.compile(
    r"(?<!\w)(via|viale|v\.le|piazza|p\.zza|piazzale|corso|vicolo|largo|strada|borgo)\s+",
    re.IGNORECASE,
)
# Words that end a street name: "via Adua è buia", "via Roma e la piazza"
_ENDS = frozenset(
    {
        "è",
        "e",
        "ed",
        "che",
        "non",
        "da",
        "dal",
        "dalla",
        "is",
        "and",
        "per",
        "perché",
        "ma",
        "sono",
        "c'è",
        "ha",
        "hanno",
        "mi",
        "ci",
        "si",
        "il",
        "lo",
        "la",
        "le",
        "i",
        "gli",
        "un",
        "una",
        "con",
        "in",
        "sul",
        "sulla",
        "nel",
        "nella",
        "davanti",
        "vicino",
        "accanto",
        "dove",
        "where",
        "near",
    }
)
_NUMBER = re.compile(r"^\d{1,4}[a-zA-Z]?$")
# "al 23 di via ...", "numero 23 di via ..."
_NUMBER_BEFORE = re.compile(r"(?:al|numero|n\.?|civico)\s*(\d{1,4}[a-zA-Z]?)\s+(?:di|in)\s*$")
MAX_NAME_WORDS = 4


def street_of(text: str) -> str | None:
    """ "via Fratelli Rosselli 23" from the message, or None when it names no street."""
    found = _STREET.search(text)
    if found is None:
        return None
    name: list[str] = []
    number = None
    for word in text[found.end() :].split():
        bare = word.strip(".,;:!?")
        if _NUMBER.match(bare):
            number = bare
            break
        if bare.casefold() in _ENDS or len(name) == MAX_NAME_WORDS:
            break
        name.append(bare)
        if bare != word:  # a comma or full stop ends the name
            break
    while name and name[-1].casefold() in ("di", "del", "della"):
        name.pop()
    if not name:
        return None
    if number is None and (before := _NUMBER_BEFORE.search(text[: found.start()])):
        number = before.group(1)
    street = f"{found.group(1)} {' '.join(name)}"
    return f"{street} {number}" if number else street
