"""SMS text: GSM-7 where possible (160 characters a segment) and the segment count."""

from __future__ import annotations

import math
from dataclasses import dataclass

# GSM 03.38 default alphabet (without the escape) and its extension table (two septets each).
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENDED = frozenset("^{}\\[~]|€\f")
# One character outside the alphabet turns the whole message into UCS-2 (70 a segment):
# swap the usual offenders, above all the capital accented vowels of Italian, for
# the spelling Italians use on old phones.
LOOKALIKES = str.maketrans(
    {
        "È": "E'",
        "À": "A'",
        "Ì": "I'",
        "Ò": "O'",
        "Ù": "U'",
        "ç": "Ç",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "•": "-",
    }
)


# Per language, the letters outside GSM-7 that a reader understands without their mark, so a
# whole message stays GSM-7 (160 characters a segment, not 70): Romanian writes ș ț ă â î
# as s t a a i on every phone keyboard without them; Albanian ë ç as e c. Italian needs
# only LOOKALIKES (its accented small letters are GSM-7). Arabic, Ukrainian and Chinese have
# no plain equivalent and stay UCS-2; English has nothing to swap.
PLAIN_LETTERS: dict[str, dict[int, str]] = {
    "ro": str.maketrans("ăâîșşțţĂÂÎȘŞȚŢ", "aaissttAAISSTT"),
    "sq": str.maketrans("ëçËÇ", "ecEC"),
}


@dataclass(frozen=True)
class SmsText:
    """The text to send, its encoding and how many segments it bills."""

    text: str
    encoding: str  # "GSM-7" | "UCS-2"
    segments: int


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 alphabet or its extension."""
    return all(ch in BASIC or ch in EXTENDED for ch in text)


def sms_text(text: str, language: str | None = None) -> SmsText:
    """GSM-7 when the language's plain letters and the lookalikes are enough, else UCS-2."""
    plain = PLAIN_LETTERS.get(language or "")
    swapped = (text.translate(plain) if plain else text).translate(LOOKALIKES)
    if is_gsm7(swapped):
        septets = sum(2 if ch in EXTENDED else 1 for ch in swapped)
        segments = 1 if septets <= 160 else math.ceil(septets / 153)
        return SmsText(swapped, "GSM-7", segments)
    # Arabic, Chinese, Ukrainian...: nothing to gain by swapping, keep what was written.
    units = len(text.encode("utf-16-le")) // 2
    segments = 1 if units <= 70 else math.ceil(units / 67)
    return SmsText(text, "UCS-2", segments)
