"""`python -m bench [NAME ...]`: run benchmarks by name (all the quick ones by default)."""

from __future__ import annotations

import importlib
import sys

# name -> module; each module has main(argv) and prints its own figures.
BENCHES = {
    "nlu": "bench.nlu_builtin",
    "rasa": "bench.nlu_rasa",
    "load": "bench.load",
    "faults": "bench.faults",
    "broadcast": "bench.broadcast",
    "logins": "bench.logins",
    "voice": "bench.voice",
    "care": "bench.care",
    "segments": "bench.segments",
}
DEFAULT = ("nlu",)


def main(argv: list[str]) -> None:
    """Run the named benchmarks in order."""
    names = argv or list(DEFAULT)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    for name in names:
        print(f"== {name} ==", flush=True)
        importlib.import_module(BENCHES[name]).main([])


if __name__ == "__main__":
    main(sys.argv[1:])
