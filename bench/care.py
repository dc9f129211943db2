"""What the care checks (danger, self-harm, scams, loneliness; the wait) cost per message.

    python -m bench.care [--json]

Runs bot/care.py's `concern_of` and `asks_about_wait` over every example of the NLU data
(real-shaped resident messages in seven languages: the common path, where nothing is
found) and over a table of danger and scam messages, after compiling once. Prints the cost
per message per language (mean, p99, max, in microseconds). With --json the last line is
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # also runnable as `python bench/care.py`

from bot.care import asks_about_wait, concern_of, warm  # noqa: E402
from nlu.trainingdata import load_examples  # noqa: E402

CONCERNS = [
    "mio marito è caduto e non si alza",
    "Мій чоловік впав і не може встати",
    "راجلي طاح وما كينوضش",
    "mi hanno chiesto il codice che mi è arrivato",
    "soțul meu a căzut și nu se poate ridica",
    "我妈妈摔倒了，起不来",
    "nn ce la faccio piu a stare sempre da sola in casa",
]
ROUNDS = 5


def _cost(text: str) -> float:
    """Microseconds of both checks on one message (the best of a few rounds)."""
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        concern_of(text)
        asks_about_wait(text)
        best = min(best, time.perf_counter() - start)
    return best * 1e6


def main() -> None:
    """Time the checks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object as the last line")
    args = parser.parse_args()
    started = time.perf_counter()
    warm()
    compile_ms = (time.perf_counter() - started) * 1000
    costs: dict[str, list[float]] = defaultdict(list)
    found = 0
    for example in load_examples():
        costs[example.language or "?"].append(_cost(example.text))
        found += concern_of(example.text) is not None
    costs["concerns"] = [_cost(text) for text in CONCERNS]
    rows = {}
    for language, values in sorted(costs.items()):
        values.sort()
        rows[language] = {
            "messages": len(values),
            "mean_us": round(statistics.fmean(values), 1),
            "p99_us": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1),
            "max_us": round(values[-1], 1),
        }
    print(f"compile once: {compile_ms:.0f} ms; NLU examples with a concern: {found}")
    print(f"{'language':<10}{'messages':>9}{'mean µs':>10}{'p99 µs':>9}{'max µs':>9}")
    for language, row in rows.items():
        print(
            f"{language:<10}{row['messages']:>9}{row['mean_us']:>10}{row['p99_us']:>9}"
            f"{row['max_us']:>9}"
        )
    if args.json:
        print(
            json.dumps(
                {"compile_ms": round(compile_ms), "examples_with_concern": found, "languages": rows}
            )
        )


if __name__ == "__main__":
    main()
