"""Lay out the Rasa project in var/rasa from nlu/ and print its fingerprint (run by setup.sh).

Only YAML files with an `nlu:` key are training data (nlu/data/gazetteer.yml is not). The
fingerprint covers everything that shapes the model, so setup.sh retrains only when it changes.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import yaml

PROJECT_FILES = ("config.yml", "domain.yml", "multilingual_tokenizer.py", "requirements.txt")


def nlu_files(data: Path) -> list[Path]:
    """The Rasa NLU YAML files under data, sorted."""
    found = sorted([*data.rglob("*.yml"), *data.rglob("*.yaml")])
    return [p for p in found if _has_nlu_key(p)]


def _has_nlu_key(path: Path) -> bool:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        # a file being written right now, or broken: say so, train on the rest
        print(f"skipping {path}: {error}", file=sys.stderr)
        return False
    return isinstance(document, dict) and "nlu" in document


def assemble(here: Path, data: Path, project: Path) -> str:
    """Copy config, domain, component and data into project; return the fingerprint."""
    digest = hashlib.sha256()
    project.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        _copy(here / name, project / name, name, digest)
    target = project / "data"
    shutil.rmtree(target, ignore_errors=True)
    for path in nlu_files(data):
        relative = path.relative_to(data)
        _copy(path, target / relative, f"data/{relative.as_posix()}", digest)
    return digest.hexdigest()[:16]


def _copy(source: Path, target: Path, label: str, digest: hashlib._Hash) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    content = source.read_bytes()
    target.write_bytes(content)
    digest.update(label.encode() + b"\0" + hashlib.sha256(content).digest())


if __name__ == "__main__":
    here_dir, data_dir, project_dir = (Path(arg) for arg in sys.argv[1:4])
    print(assemble(here_dir, data_dir, project_dir))
