"""Rasa (DIET, `make rasa`) on the held-out set: accuracy, macro F1, per language, latency, memory.

    python -m bench.nlu_rasa [--url URL] [--train] [--json]

Uses the running server at --url (PORTINERIA_RASA_URL, else http://127.0.0.1:5005); when none
answers, runs nlu/rasa/setup.sh (install, train if the data changed, serve) first. --train
retrains from scratch to measure the training time. With --json the last line is one object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # also runnable as `python bench/nlu_rasa.py`

from nlu.rasa_backend import rank_intents  # noqa: E402
from nlu.trainingdata import Example, load_examples  # noqa: E402

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
HELDOUT_LANGUAGES = ROOT / "tests" / "nlu" / "heldout_languages.json"
PROJECT = ROOT / "var" / "rasa"
SETUP = ROOT / "nlu" / "rasa" / "setup.sh"
DEFAULT_URL = "http://127.0.0.1:5005"
WARM_UP = ("buongiorno", "hello", "مرحبا", "bună ziua", "përshëndetje", "привіт", "你好")


def ensure_server(url: str, *, train: bool) -> None:
    """Start (and if needed train) the Rasa server unless one already answers at url."""
    if not train and _status(url):
        return
    port = str(httpx.URL(url).port or 5005)
    command = ["bash", str(SETUP), "all", *(["--force"] if train else [])]
    # setup.sh prints its progress on stdout: keep our stdout for the figures
    subprocess.run(command, check=True, env={**os.environ, "RASA_PORT": port}, stdout=sys.stderr)


def _status(url: str) -> dict[str, Any] | None:
    try:
        response = httpx.get(f"{url}/status", timeout=2.0)
    except httpx.HTTPError:
        return None
    return response.json() if response.is_success else None


def evaluate(url: str, examples: list[Example], *, threshold: float) -> dict[str, Any]:
    """Parse every example through /model/parse; the figures as one dict."""
    gold, predicted, top, latencies = [], [], [], []
    with httpx.Client(timeout=30.0) as client:
        for text in WARM_UP:
            client.post(f"{url}/model/parse", json={"text": text}).raise_for_status()
        for example in examples:
            started = time.perf_counter()
            response = client.post(f"{url}/model/parse", json={"text": example.text})
            response.raise_for_status()
            answer = response.json()
            latencies.append((time.perf_counter() - started) * 1000)
            intent, ranking = rank_intents(answer, threshold)
            gold.append(example.intent)
            predicted.append(intent.name)
            top.append(ranking[0].name if ranking else intent.name)
    per_intent = f1_by_intent(gold, predicted)
    return {
        "accuracy": _accuracy(gold, predicted),
        "macro_f1": round(statistics.fmean(per_intent.values()), 4),
        "n": len(examples),
        "per_intent": per_intent,
        "per_language": per_language(examples, predicted),
        "latency_ms_p50": round(percentile(latencies, 50), 1),
        "latency_ms_p95": round(percentile(latencies, 95), 1),
        # without the threshold: what DIET ranks first, and how often the threshold said "unsure"
        "top_accuracy": _accuracy(gold, top),
        "fallback_rate": round(predicted.count("nlu_fallback") / max(len(predicted), 1), 4),
        "threshold": threshold,
    }


def f1_by_intent(gold: list[str], predicted: list[str]) -> dict[str, float]:
    """F1 of each gold intent (a fallback counts as a miss, never as a class of its own)."""
    hits = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    scores = {}
    for intent in sorted(gold_counts):
        precision = hits[intent] / predicted_counts[intent] if predicted_counts[intent] else 0.0
        recall = hits[intent] / gold_counts[intent]
        total = precision + recall
        scores[intent] = round(2 * precision * recall / total, 4) if total else 0.0
    return scores


def per_language(examples: list[Example], predicted: list[str]) -> dict[str, float]:
    """Accuracy by the language of each held-out text."""
    outcomes: dict[str, list[bool]] = defaultdict(list)
    for example, guess in zip(examples, predicted, strict=True):
        outcomes[example.language or "?"].append(example.intent == guess)
    return {lang: round(sum(ok) / len(ok), 4) for lang, ok in sorted(outcomes.items())}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, linearly interpolated (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _accuracy(gold: list[str], predicted: list[str]) -> float:
    right = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return round(right / max(len(gold), 1), 4)


def server_memory_mb(port: int) -> float | None:
    """Resident memory of the process listening on port, with its children (Linux /proc)."""
    pid = _listening_pid(port)
    if pid is None:
        return None
    pids = [pid, *_children(pid)]
    return round(sum(_rss_kb(p) for p in pids) / 1024, 1)


def _listening_pid(port: int) -> int | None:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # state 0A = LISTEN; local address is HEXIP:HEXPORT
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:
            continue
    return None


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found] + [g for c in found for g in _children(int(c))]


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1])


def training_record(model_file: str | None) -> dict[str, Any]:
    """What setup.sh wrote when it trained the served model (training time, examples)."""
    if not model_file:
        return {}
    record = PROJECT / "models" / (model_file.removesuffix(".tar.gz") + ".json")
    return json.loads(record.read_text()) if record.is_file() else {}


def run(
    url: str, *, heldout: Path, languages: Path | None, threshold: float, train: bool
) -> dict[str, Any]:
    """Train/serve if needed, evaluate, and gather every figure."""
    ensure_server(url, train=train)
    status = _status(url) or {}
    examples = load_examples(heldout, languages=languages)
    figures = evaluate(url, examples, threshold=threshold)
    record = training_record(status.get("model_file"))
    version = httpx.get(f"{url}/version", timeout=5.0).json().get("version")
    return {
        "backend": f"rasa {version} DIET",
        **figures,
        "train_seconds": record.get("train_seconds"),
        "train_examples": record.get("examples"),
        "memory_mb": server_memory_mb(httpx.URL(url).port or 5005),
        "model": status.get("model_file"),
        "url": url,
    }


def print_table(figures: dict[str, Any]) -> None:
    """The figures for a person."""
    rows = [
        ("backend", figures["backend"]),
        ("held-out examples", figures["n"]),
        (f"accuracy (threshold {figures['threshold']})", f"{figures['accuracy']:.3f}"),
        ("accuracy of the top intent", f"{figures['top_accuracy']:.3f}"),
        ("fallback rate", f"{figures['fallback_rate']:.3f}"),
        ("macro F1", f"{figures['macro_f1']:.3f}"),
        *((f"  accuracy {lang}", f"{acc:.3f}") for lang, acc in figures["per_language"].items()),
        ("latency /model/parse p50", f"{figures['latency_ms_p50']:.1f} ms"),
        ("latency /model/parse p95", f"{figures['latency_ms_p95']:.1f} ms"),
        (
            "training time",
            _unit(figures["train_seconds"], "s")
            + (f" ({figures['train_examples']} examples)" if figures["train_examples"] else ""),
        ),
        ("server memory (RSS)", _unit(figures["memory_mb"], "MB")),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print("F1 per intent: " + ", ".join(f"{k} {v:.2f}" for k, v in figures["per_intent"].items()))


def _unit(value: float | None, unit: str) -> str:
    return "unknown" if value is None else f"{value:.0f} {unit}"


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("PORTINERIA_RASA_URL") or DEFAULT_URL)
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--languages", type=Path, default=HELDOUT_LANGUAGES)
    parser.add_argument("--threshold", type=float, default=0.45)
    parser.add_argument("--train", action="store_true", help="retrain to measure training time")
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    args = parser.parse_args(argv)
    languages = args.languages if args.languages.is_file() else None
    figures = run(
        args.url.rstrip("/"),
        heldout=args.heldout,
        languages=languages,
        threshold=args.threshold,
        train=args.train,
    )
    print_table(figures)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
