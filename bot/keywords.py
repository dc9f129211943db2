"""Words that work from anywhere, in every language: back to the menu, a person, stop."""

from __future__ import annotations

import re
import unicodedata

MENU = "menu"
HUMAN = "human"
STOP = "stop"
START = "start"
MORE = "more"

# Carrier keywords (Twilio) and their equivalents; matched on the whole message only, so
# "non so come fare il menu" is not a command.
COMMANDS: dict[str, frozenset[str]] = {
    MENU: frozenset({
        "0", "menu", "menù", "inizio", "indietro", "torna al menu", "back", "main menu",
        "قائمة", "القائمة", "meniu", "meny", "menyja", "меню", "菜单", "主菜单",
    }),
    HUMAN: frozenset({
        "operatore", "operatrice", "persona", "una persona", "custode", "umano", "operator",
        "human", "agent", "person", "موظف", "انسان", "إنسان", "شخص", "operatorul",
        "operatori", "оператор", "людина", "人工", "客服", "真人",
    }),
    STOP: frozenset({
        "stop", "stopall", "unsubscribe", "توقف", "ستوب", "стоп", "停止", "退订",
    }),
    START: frozenset({"start", "unstop", "/start"}),
    MORE: frozenset({
        "altri", "altro", "ancora", "more", "next", "المزيد", "mai mult", "më shumë",
        "ще", "більше", "更多",
    }),
}


def normalize(text: str) -> str:
    """Lowercase, trimmed, without trailing punctuation and repeated spaces."""
    folded = unicodedata.normalize("NFC", text).casefold().strip()
    folded = re.sub(r"\s+", " ", folded)
    return folded.strip(" .!?¡¿،؟。！？")


def command_of(text: str) -> str | None:
    """The command a whole message is, if any."""
    cleaned = normalize(text)
    return next((name for name, words in COMMANDS.items() if cleaned in words), None)


def digit_of(text: str) -> int | None:
    """The number a message is, e.g. "2", " 2.", "２" (full-width), "٢" (Arabic-Indic)."""
    cleaned = normalize(text)
    if len(cleaned) > 3 or not cleaned.isdecimal():
        return None
    return int("".join(str(unicodedata.decimal(ch)) for ch in cleaned))
