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
            "torna al menu",
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


# "indietro" inside a form goes back one question, keeping the answers; elsewhere, the menu.
BACK = "back"
COMMANDS[BACK] = frozenset(
    {
        "indietro",
        "torna indietro",
        "back",
        "go back",
        "رجوع",
        "ارجع",
        "الرجوع",
        "înapoi",
        "inapoi",
        "mbrapa",
        "prapa",
        "kthehu",
        "назад",
        "повернутися",
        "返回",
        "上一步",
    }
)

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

# Asking to be forgotten, and asking what is stored: matched inside longer messages too.
FORGET_PHRASES = (
    "cancella i miei dati",
    "cancellate i miei dati",
    "cancellare i miei dati",
    "dimenticami",
    "delete my data",
    "erase my data",
    "forget me",
    "احذف بياناتي",
    "امسح بياناتي",
    "sterge datele mele",
    "șterge datele mele",
    "stergeti datele mele",
    "fshini të dhënat e mia",
    "fshi të dhënat e mia",
    "fshini te dhenat e mia",
    "видаліть мої дані",
    "видалити мої дані",
    "删除我的数据",
    "删除我的资料",
)
MY_DATA_PHRASES = (
    "i miei dati",
    "quali dati",
    "my data",
    "what data",
    "بياناتي",
    "datele mele",
    "të dhënat e mia",
    "te dhenat e mia",
    "мої дані",
    "我的数据",
    "我的资料",
)


def privacy_request_of(text: str) -> str | None:
    """ "forget" or "my data" when the message asks for one of them."""
    cleaned = normalize(text)
    if any(phrase in cleaned for phrase in FORGET_PHRASES):
        return "forget"
    if any(phrase in cleaned for phrase in MY_DATA_PHRASES):
        return "my data"
    return None


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
