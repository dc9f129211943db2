"""Listening to voice notes: speed, memory and accuracy end to end (espeak-ng -> Whisper -> NLU).

    python -m bench.voice [--json] [--quick]

Runs on one core (the process pinned to CPU 0, CTranslate2 with one thread). Speed: model
load time, RSS added by the model, CPU seconds per second of audio, and the time from a
20-second note's arrival to the turn's answer (decode, transcribe, NLU). Accuracy: the
requests in bench/data/voice_requests.yml, said by espeak-ng at two speeds in each language,
heard with the language as hint (as for a resident whose language is known): the intent the
NLU reads from the transcript, and the word error rate of the transcript (characters for
Chinese, which has no spaces). espeak-ng's voice is harder than a person's: the figures are
published as they are.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.runtime.listening import Listener, assemble_base_model  # noqa: E402
from bot.runtime.speaking import encode_ogg_opus, synthesize  # noqa: E402

REQUESTS = ROOT / "bench" / "data" / "voice_requests.yml"
MODEL_DIR = ROOT / "var" / "stt" / "whisper-base"
SPEEDS = (175, 130)  # espeak-ng's default words per minute, and a slower, older speaker
LONG_NOTE_SECONDS = 20.0


def rss_mb() -> float:
    """This process's resident memory, MB."""
    with open("/proc/self/status") as status:
        line = next(row for row in status if row.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def words_of(text: str, language: str) -> list[str]:
    """Casefolded words without punctuation; Chinese: characters."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    cleaned = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in folded)
    if language == "zh":
        return [ch for ch in cleaned if not ch.isspace()]
    return re.findall(r"\w+", cleaned)


def error_rate(reference: list[str], heard: list[str]) -> tuple[int, int]:
    """(edits, reference length): the Levenshtein distance over words."""
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(reference, start=1):
        current = [i]
        for j, other in enumerate(heard, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1], len(reference)


def note(text: str, language: str, speed: int) -> bytes:
    """An OGG/Opus voice note of `text`, as a phone would send it."""
    pcm, rate = synthesize(text, language, speed=speed)
    return encode_ogg_opus(pcm, rate)


def long_note(requests: list[dict[str, str]]) -> bytes:
    """About 20 seconds of Italian requests, one after the other."""
    pcm, rate = b"", 22_050
    for request in requests * 4:
        said, rate = synthesize(request["text"], "it")
        pcm += said + b"\0\0" * (rate // 2)
        if len(pcm) / 2 / rate >= LONG_NOTE_SECONDS:
            break
    return encode_ogg_opus(pcm[: int(LONG_NOTE_SECONDS * rate) * 2], rate)


def load_nlu() -> Any:
    from nlu.builtin import BuiltinNLU
    from nlu.gazetteer import load_gazetteer

    return BuiltinNLU.load(cache_dir=ROOT / "var" / "nlu-bench", gazetteer=load_gazetteer())


def speed_figures(listener: Listener, nlu: Any, requests: list[dict[str, str]]) -> dict[str, Any]:
    """CPU per second of audio, and a 20-second note from arrival to the turn's answer."""
    audio = long_note(requests)
    listener.hear(note("ciao", "it", 175), language="it")  # warm-up: VAD model, caches
    cpu, wall = time.process_time(), time.perf_counter()
    heard = listener.hear(audio, language="it")
    heard_cpu = time.process_time() - cpu
    nlu.parse(heard.text[:500], now=datetime.now(UTC))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"  20 s note heard as {heard.text!r}", flush=True)
    return {
        "note_seconds": round(heard.seconds, 1),
        "cpu_seconds_per_audio_second": round(heard_cpu / heard.seconds, 3),
        "answer_cpu_seconds_20s_note": round(cpu, 2),
        # Wall time on a shared machine: with other work on the core it is longer than the CPU.
        "answer_wall_seconds_20s_note": round(wall, 2),
        "answer_goal_seconds": 8,
    }


def accuracy(
    listener: Listener, nlu: Any, data: dict[str, list[dict[str, str]]], speeds: tuple[int, ...]
) -> dict[str, Any]:
    """Intent accuracy and WER per language, over every request at every speed."""
    figures: dict[str, Any] = {}
    for language, requests in data.items():
        right = edits = length = total = 0
        for request in requests:
            for speed in speeds:
                heard = listener.hear(note(request["text"], language, speed), language=language)
                intent = (
                    nlu.parse(heard.text, now=datetime.now(UTC)).intent.name
                    if heard.clear
                    else None
                )
                right += intent == request["intent"]
                e, n = error_rate(
                    words_of(request["text"], language), words_of(heard.text, language)
                )
                edits, length, total = edits + e, length + n, total + 1
                print(f"  {language} {speed} wpm  {intent or '-':<14} {heard.text!r}", flush=True)
        typed = sum(
            nlu.parse(r["text"], now=datetime.now(UTC)).intent.name == r["intent"] for r in requests
        )
        figures[language] = {
            "notes": total,
            "intent_accuracy": round(right / total, 3),
            "typed_intent_accuracy": round(typed / len(requests), 3),
            "cer" if language == "zh" else "wer": round(edits / max(length, 1), 3),
        }
    return figures


def main(argv: list[str]) -> None:
    """Print the figures; with --json the last line is one JSON object."""
    parser = argparse.ArgumentParser(prog="bench.voice")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one speed, two requests a language")
    parser.add_argument("--languages", help="e.g. ro,sq (default: all seven)")
    parser.add_argument("--core", type=int, default=0, help="the CPU to run on (default 0)")
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[args.core]})  # one core
    data = yaml.safe_load(REQUESTS.read_text(encoding="utf-8"))
    if args.languages:
        data = {language: data[language] for language in args.languages.split(",")}
    speeds = SPEEDS[:1] if args.quick else SPEEDS
    if args.quick:
        data = {language: requests[:2] for language, requests in data.items()}
    nlu = load_nlu()
    before = rss_mb()
    started = time.perf_counter()
    listener = Listener(assemble_base_model(MODEL_DIR), threads=1)
    load_seconds = time.perf_counter() - started
    loaded = rss_mb()
    figures: dict[str, Any] = {"model": "whisper-base int8", "load_seconds": round(load_seconds, 2)}
    figures.update(speed_figures(listener, nlu, data.get("it") or next(iter(data.values()))))
    figures["rss_added_mb"] = round(rss_mb() - before, 1)
    figures["rss_added_by_loading_mb"] = round(loaded - before, 1)
    figures["rss_goal_mb"] = 400
    for name, value in figures.items():
        print(f"{name:<32} {value}", flush=True)
    figures["languages"] = accuracy(listener, nlu, data, speeds)
    print(f"{'language':<10}{'notes':>6}{'intent (voice)':>16}{'intent (typed)':>16}{'WER':>8}")
    for language, row in figures["languages"].items():
        wer = row.get("wer", row.get("cer"))
        print(
            f"{language:<10}{row['notes']:>6}{row['intent_accuracy']:>16.0%}"
            f"{row['typed_intent_accuracy']:>16.0%}{wer:>8.2f}"
            + ("  (characters)" if language == "zh" else "")
        )
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1:])
