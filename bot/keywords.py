"""Words that work from anywhere, in every language: back to the menu, a person, stop."""

from __future__ import annotations

import re
import unicodedata

MENU = "menu"
HUMAN = "human"
STOP = "stop"
START = "start"
MORE = "more"
YES = "yes"
NO = "no"

# Carrier keywords (Twilio) and their equivalents; matched on the whole message only, so
# "non so come fare il menu" is not a command.
COMMANDS: dict[str, frozenset[str]] = {
    MENU: frozenset(
        {
            "0",
            "menu",
            "menù",
            "inizio",
            "indietro",
            "torna al menu",
            "back",
            "main menu",
            "قائمة",
            "القائمة",
            "meniu",
            "meny",
            "menyja",
            "меню",
            "菜单",
            "主菜单",
        }
    ),
    HUMAN: frozenset(
        {
            "operatore",
            "operatrice",
            "persona",
            "una persona",
            "custode",
            "umano",
            "operator",
            "human",
            "agent",
            "person",
            "موظف",
            "انسان",
            "إنسان",
            "شخص",
            "operatorul",
            "operatori",
            "оператор",
            "людина",
            "人工",
            "客服",
            "真人",
        }
    ),
    STOP: frozenset(
        {
            "stop",
            "stopall",
            "unsubscribe",
            "توقف",
            "ستوب",
            "стоп",
            "停止",
            "退订",
        }
    ),
    START: frozenset({"start", "unstop", "/start"}),
    YES: frozenset(
        {
            "si",
            "sì",
            "s",
            "ok",
            "va bene",
            "certo",
            "confermo",
            "yes",
            "y",
            "نعم",
            "ايوا",
            "da",
            "po",
            "так",
            "是",
            "是的",
            "好",
        }
    ),
    NO: frozenset({"no", "n", "non", "nope", "لا", "nu", "jo", "ні", "不", "不是", "不要"}),
    MORE: frozenset(
        {
            "altri",
            "altro",
            "ancora",
            "more",
            "next",
            "المزيد",
            "mai mult",
            "më shumë",
            "ще",
            "більше",
            "更多",
        }
    ),
}


WITHDRAW = "withdraw"
COMMANDS[WITHDRAW] = frozenset(
    {
        "annulla",
        "lascia stare",
        "non serve più",
        "cancel request",
        "never mind",
        "إلغاء",
        "anulează",
        "anuloj",
        "скасувати",
        "取消",
    }
)

# Words of immediate danger to health or safety, in every language: answered with 112 first.
EMERGENCY_WORDS = (
    "emergenza",
    "ambulanza",
    "infarto",
    "non respira",
    "incendio",
    "fuoco",
    "sono caduto",
    "sono caduta",
    "sto morendo",
    "mi vuole picchiare",
    "violenza",
    "sanguina",
    "svenuto",
    "svenuta",
    "mi voglio uccidere",
    "suicid",
    "emergency",
    "ambulance",
    "heart attack",
    "not breathing",
    "fire",
    "bleeding",
    "fainted",
    "i fell",
    "kill myself",
    "طوارئ",
    "إسعاف",
    "اسعاف",
    "حريق",
    "نزيف",
    "urgență",
    "ambulanța",
    "incendiu",
    "urgjencë",
    "urgjence",
    "ambulanc",
    "zjarr",
    "швидк",
    "пожеж",
    "не дихає",
    "кровотеч",
    "急救",
    "救护车",
    "着火",
    "火灾",
    "救命",
)


def is_emergency(text: str) -> bool:
    """True when the message speaks of an immediate danger."""
    cleaned = normalize(text)
    return any(word in cleaned for word in EMERGENCY_WORDS)


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
