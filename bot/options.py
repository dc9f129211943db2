"""The option matcher every list uses: a number, a name, an ordinal, a day and time, a yes or no."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz

from nlu.dates import find_date
from nlu.normalize import fold
from nlu.vocabulary import DAY_PARTS

# Ordinals in the seven languages, folded as `fold` folds the resident's text (no accents).
# fmt: off
_ORDINAL_WORDS: dict[int, tuple[str, ...]] = {
    1: (
        "primo", "prima", "first", "1st", "الاول", "الأول", "الاولى", "الأولى", "primul", "i pari",
        "e para", "перший", "перша", "перше", "第一",
    ),
    2: (
        "secondo", "seconda", "second", "2nd", "الثاني", "الثانية", "al doilea", "a doua",
        "i dyti", "e dyta", "другий", "друга", "друге", "第二",
    ),
    3: (
        "terzo", "terza", "third", "3rd", "الثالث", "الثالثة", "al treilea", "a treia", "i treti",
        "e treta", "третій", "третя", "третє", "第三",
    ),
    4: (
        "quarto", "quarta", "fourth", "4th", "الرابع", "الرابعة", "al patrulea", "a patra",
        "i katerti", "e katerta", "четвертий", "четверта", "четверте", "第四",
    ),
    5: (
        "quinto", "quinta", "fifth", "5th", "الخامس", "الخامسة", "al cincilea", "a cincea",
        "i pesti", "e pesta", "пятий", "п'ятий", "пята", "п'ята", "第五",
    ),
    6: (
        "sesto", "sesta", "sixth", "6th", "السادس", "السادسة", "al saselea", "a sasea",
        "i gjashti", "e gjashta", "шостий", "шоста", "第六",
    ),
    7: (
        "settimo", "settima", "seventh", "7th", "السابع", "السابعة", "al saptelea", "a saptea",
        "i shtati", "e shtata", "сьомий", "сьома", "第七",
    ),
    8: (
        "ottavo", "ottava", "eighth", "8th", "الثامن", "الثامنة", "al optulea", "a opta", "i teti",
        "e teta", "восьмий", "восьма", "第八",
    ),
    9: (
        "nono", "nona", "ninth", "9th", "التاسع", "التاسعة", "al noualea", "a noua", "i nenti",
        "e nenta", "девятий", "дев'ятий", "第九",
    ),
}
_LAST_WORDS = (
    "ultimo", "ultima", "last", "الاخير", "الأخير", "الاخيرة", "الأخيرة", "ultimul", "i fundit",
    "e fundit", "останній", "остання", "最后",
)
# "la 3", "numero 3", "the number 2", "номер 2", "رقم 2", "3号": a digit with a word pointing at it
_CUED_NUMBER = re.compile(
    r"(?:^|\s)(?:la|il|lo|l|numero|num|nr|n|opzione|scelta|the|number|no|option|numarul|"
    r"optiunea|numri|номер|варiант|варіант|رقم|الرقم)\s*(\d{1,2})(?!\d)|第?(\d{1,2})\s*[号個个]"
)

YES_WORDS = (
    "si", "certo", "certamente", "va bene", "ok", "okay", "d accordo", "daccordo", "confermo",
    "esatto", "giusto", "perfetto", "benissimo", "yes", "yeah", "yep", "sure", "of course", "fine",
    "alright", "all right", "correct", "confirm", "please", "نعم", "ايوا", "ايوه", "اكيد", "تمام",
    "موافق", "حسنا", "طيب", "اي", "اه", "ايه", "واخا", "صافي", "wakha", "iyeh", "da", "sigur",
    "desigur", "bine", "confirm", "in regula", "po",
    "sigurisht", "mire", "dakord", "ne rregull", "так", "звісно", "звичайно", "добре", "гаразд",
    "підтверджую", "авжеж", "ага", "是", "好", "对", "可以", "确认", "行", "要",
)
NO_WORDS = (
    "no", "non", "nope", "not", "dont", "no thanks", "لا", "كلا", "lla", "nu", "jo", "ні", "не",
    "ni", "不", "别", "算了", "没有",
)
# Words of a list's labels that tell nothing apart ("Casa di Quartiere Ospizio").
_PLAIN = frozenset({
    "and", "casa", "case", "con", "dalla", "degli", "della", "delle", "per", "quartiere", "the",
    "una", "uno", "via",
})
# fmt: on
_NAME_THRESHOLD = 80
# "prima" is also "before": an ordinal counts only in a short answer, shorter outside a form
_ORDINAL_WORDS_MAX = {True: 5, False: 3}
# "alle 10", "ore 10:30", "10:00", "at 9", "о 10", "الساعة 10", "10点"
_CLOCK = re.compile(
    r"(?:(?:^|\s)(?:alle|ale|ore|verso le|per le|at|la ora|ora|ne oren|oren|о|об|الساعة)\s*"
    r"(?P<h>[01]?\d|2[0-3])(?:[:.h](?P<m>[0-5]\d))?(?!\d))"
    r"|(?<!\d)(?P<h2>[01]?\d|2[0-3])[:.h](?P<m2>[0-5]\d)(?!\d)"
)
_AFTERNOON_UNTIL = 7
_PARTS = {fold(word): moment for word, moment in DAY_PARTS.items()}


@dataclass(frozen=True)
class Match:
    """The option picked (its index), or the options it could be when the words fit several."""

    index: int | None = None
    candidates: tuple[int, ...] = ()


def _fold_all(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold(w) for w in words))


_ORDINALS = [(n, _fold_all(words)) for n, words in _ORDINAL_WORDS.items()]
_LAST = _fold_all(_LAST_WORDS)
_YES = _fold_all(YES_WORDS)
_NO = _fold_all(NO_WORDS)


def _has(folded: str, word: str) -> bool:
    # Chinese is written without spaces: a word is any part of the text
    if not word.isascii() and all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return word in folded
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded) is not None


def yes_or_no(text: str) -> bool | None:
    """True for a yes ("sì grazie", "va bene", "так"), False for a no, None when unclear."""
    folded = fold(text)
    if len(folded.split()) > 6:
        return None
    no = any(_has(folded, w) for w in _NO)
    yes = any(_has(folded, w) for w in _YES)
    if no == yes:
        # "不好" holds 好: a Chinese no wins over the yes inside it
        return False if no and any(w in folded for w in ("不", "别")) else None
    return yes


def ordinal(text: str, count: int) -> int | None:
    """The position (1-based) an ordinal or a cued number names: "la terza", "the 2nd", "la 3"."""
    folded = fold(text)
    found = {n for n, words in _ORDINALS if any(_has(folded, w) for w in words)}
    if any(_has(folded, w) for w in _LAST):
        found.add(count)
    found |= {int(a or b) for a, b in _CUED_NUMBER.findall(folded)}
    found = {n for n in found if 1 <= n <= count}
    return found.pop() if len(found) == 1 else None


def _tokens(folded: str) -> list[str]:
    return [t for t in folded.split() if len(t) >= 3 and t not in _PLAIN]


def by_name(text: str, labels: Sequence[str]) -> Match:
    """The label the words name, fuzzily ("santa kroce"); several when they fit equally."""
    words = _tokens(fold(text))
    if not words:
        return Match()
    scores: list[tuple[float, float]] = []
    for label in labels:
        parts = _tokens(fold(label))
        best = [max(fuzz.ratio(p, w) for w in words) for p in parts] or [0.0]
        strong = [s for s in best if s >= _NAME_THRESHOLD]
        scores.append((max(best), sum(strong)))
    top = max(scores, default=(0.0, 0.0))
    if top[0] < _NAME_THRESHOLD:
        return Match()
    tied = tuple(i for i, s in enumerate(scores) if s == top)
    return Match(tied[0]) if len(tied) == 1 else Match(candidates=tied)


def by_place(place: object, labels: Sequence[str]) -> Match:
    """The label that is the place the gazetteer read in any script ("Оспіціо": Ospizio)."""
    folded = [fold(label) for label in labels]
    if isinstance(place, str) and fold(place) in folded:
        return Match(folded.index(fold(place)))
    return Match()


def by_time(text: str, times: Sequence[datetime | None], now: datetime) -> Match:
    """The slot a day and time name ("mercoledì alle 10"); several when only the day fits."""
    folded = fold(text)
    plain = _plain(text)
    clock = _CLOCK.search(plain)
    without_clock = _CLOCK.sub(" ", plain)
    day = find_date(without_clock, now=now, language=None) if without_clock.strip() else None
    if clock is None and day is None:
        return Match()
    part = next((p for p in _PARTS if _has(folded, p)), None)
    fits = []
    for i, moment in enumerate(times):
        if moment is None:
            continue
        at = moment.astimezone(now.tzinfo)
        if day is not None and at.date() not in _days(day.value.date(), now):
            continue
        if clock is not None and (at.hour, at.minute) != _clock_of(clock):
            continue
        if clock is None and part is not None and not _in_part(at.hour, _PARTS[part].hour):
            continue
        fits.append(i)
    if len(fits) == 1:
        return Match(fits[0])
    return Match(candidates=tuple(fits)) if fits else Match()


def _days(said: date, now: datetime) -> tuple[date, ...]:
    # "lunedì" said on a Monday is today for the NLU, but a slot list means the next one too
    return (said, said + timedelta(days=7)) if said == now.date() else (said,)


def _plain(text: str) -> str:
    # lower case without accents, but with the punctuation of "10:30" kept
    bare = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in bare if not unicodedata.combining(c)).split())


def _clock_of(found: re.Match[str]) -> tuple[int, int]:
    hour = int(found.group("h") or found.group("h2"))
    minute = int(found.group("m") or found.group("m2") or 0)
    # a Casa's sessions fall in the day: "alle 3" is 15:00
    return (hour + 12 if hour < _AFTERNOON_UNTIL else hour), minute


def _in_part(hour: int, part_hour: int) -> bool:
    # morning until 13, afternoon until 18, evening after
    bounds = {9: (0, 13), 15: (13, 18), 19: (18, 24)}
    low, high = bounds.get(part_hour, (0, 24))
    return low <= hour < high


def match_option(
    text: str,
    keys: Sequence[str],
    labels: Sequence[str],
    *,
    times: Sequence[datetime | None] = (),
    now: datetime | None = None,
    in_form: bool = True,
) -> Match:
    """Which of the options shown the words pick, trying yes/no, ordinals, times, then names."""
    if "yes" in keys and "no" in keys:
        answer = yes_or_no(text)
        if answer is not None:
            return Match(keys.index("yes" if answer else "no"))
    position = (
        ordinal(text, len(keys)) if len(text.split()) <= _ORDINAL_WORDS_MAX[in_form] else None
    )
    if position is not None:
        return Match(position - 1)
    if not in_form:
        return Match()
    if times and now is not None:
        # a slot's label is its day and time: the words are read as a day and time only
        found = by_time(text, times, now)
        days = {t.date() for t in times if t is not None}
        if found == Match() and len(days) == 1 and yes_or_no(text):
            return Match(0)  # "sì" to "mercoledì alle 9, 10 o 11?": the soonest, confirmed next
        return found
    if len(labels) == len(keys):
        return by_name(text, labels)
    return Match()
