"""SMS segments per answer, per language, over whole resident journeys replayed on SMS.

    python -m bench.segments [--json]

Builds a demo database (SQLite, in a temporary folder), then replays the same journeys in
each of the seven languages through the real conversation service and built-in NLU, as an
SMS resident: the menu, opening hours, events, a SPID booking, a need, news, loneliness,
a scam, thanks, STOP. Every reply is rendered as the SMS channel renders it (numbered
options, the language's plain letters, GSM-7 or UCS-2) and its segments counted. Prints
per language the answers (an answer cut in two by bot/paging.py counts twice), mean and
max segments per answer, how many passed two, and the journey's total segments (what the
Casa pays). With --json the last line is one object; --show N prints every answer of N
segments or more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # also runnable as `python bench/segments.py`

from actions.db import create_engine, create_session_factory, transaction  # noqa: E402
from actions.demo import load_demo  # noqa: E402
from actions.migrate import upgrade_async  # noqa: E402
from bot.gsm import sms_text  # noqa: E402
from bot.i18n import RTL_LANGUAGES  # noqa: E402
from bot.messages import Inbound  # noqa: E402
from bot.runtime.turns import Conversations  # noqa: E402
from bot.text import numbered  # noqa: E402
from nlu.builtin import BuiltinNLU  # noqa: E402
from nlu.gazetteer import load_gazetteer  # noqa: E402

ROME = ZoneInfo("Europe/Rome")
START = datetime(2026, 11, 25, 10, 0, tzinfo=ROME)  # a Wednesday morning, the Case open
# greeting, a need in words, loneliness, a scam, thanks: the words of each language.
WORDS = {
    "it": (
        "buongiorno",
        "Mi serve aiuto per la spesa il sabato",
        "mi sento solo",
        "mi hanno chiesto il codice che mi è arrivato",
        "grazie",
    ),
    "en": (
        "hello",
        "I need help with the shopping on Saturday",
        "I feel so lonely",
        "someone asked me for the code I got by text",
        "thank you",
    ),
    "ar": (
        "مرحبا",
        "أحتاج مساعدة في التسوق يوم السبت",
        "أشعر بالوحدة",
        "طلبوا مني الكود اللي وصلني",
        "شكرا",
    ),
    "ro": (
        "bună ziua",
        "Am nevoie de ajutor la cumpărături sâmbăta",
        "mă simt singură",
        "mi-au cerut codul primit prin SMS",
        "mulțumesc",
    ),
    "sq": (
        "mirëdita",
        "Më duhet ndihmë për pazarin të shtunën",
        "ndihem shumë e vetmuar",
        "më kërkuan kodin që më erdhi",
        "faleminderit",
    ),
    "uk": (
        "добрий день",
        "Мені потрібна допомога з покупками в суботу",
        "мені самотньо",
        "мене просили назвати код з смс",
        "дякую",
    ),
    "zh": ("你好", "我周六需要有人帮忙买东西", "我很孤独", "有人让我告诉他验证码", "谢谢"),
}


def journey(language: str) -> list[str]:
    """The messages of one resident: by digits where residents use them, in words elsewhere."""
    hello, need, lonely, scam, thanks = WORDS[language]
    return [
        hello,
        "4",
        "1",
        "0",
        "1",
        "1",
        "0",
        "2",
        "1",
        "1",
        "1",
        "0",
        "3",
        "1",
        need,
        "1",
        "2",
        "5",
        "1",
        lonely,
        "2",
        scam,
        "2",
        thanks,
        "0",
        "STOP",
    ]


async def replay(folder: Path, show: int | None = None) -> dict[str, list[int]]:
    """Every journey on its own SMS number; the segments of every answer, per language.

    With `show`, every answer of at least that many segments is printed with its message."""
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    async with transaction(sessions) as session:
        await load_demo(session, now=START, zone=ROME)
    nlu = BuiltinNLU.load(cache_dir=ROOT / "var" / "nlu-test", gazetteer=load_gazetteer())
    conversations = Conversations(sessions, nlu, ROME)
    segments: dict[str, list[int]] = {}
    for n, language in enumerate(WORDS):
        now, found = START, segments.setdefault(language, [])
        for text in journey(language):
            now += timedelta(seconds=30)
            inbound = Inbound(channel="sms", address=f"+39333000{n:04d}", text=text)
            outcome = await conversations.receive(inbound, now=now, deliver=False)
            rtl = outcome.language in RTL_LANGUAGES
            for reply in outcome.replies:
                sms = sms_text(numbered(reply, rtl=rtl), outcome.language)
                found.append(sms.segments)
                if show is not None and sms.segments >= show:
                    print(f"--- {language} {text!r}: {sms.segments} ({len(sms.text)} chars)")
                    print(sms.text)
    await engine.dispose()
    return segments


def main() -> None:
    """Replay, count and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object as the last line")
    parser.add_argument(
        "--show", type=int, metavar="N", help="print every answer of N segments or more"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        segments = asyncio.run(replay(Path(folder), args.show))
    rows = {
        language: {
            "answers": len(found),
            "mean": round(statistics.fmean(found), 2),
            "max": max(found),
            "over_two": sum(s > 2 for s in found),
            "total": sum(found),
        }
        for language, found in segments.items()
    }
    print(f"{'language':<9}{'answers':>8}{'mean':>7}{'max':>5}{'> 2':>5}{'total':>7}")
    for language, row in rows.items():
        print(
            f"{language:<9}{row['answers']:>8}{row['mean']:>7}{row['max']:>5}"
            f"{row['over_two']:>5}{row['total']:>7}"
        )
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
