"""The compose form of an announcement: what staff typed, checked, errors in their words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from actions.broadcasts import BROADCAST_CHANNELS, LANGUAGES
from api.console.web import LocalTime, Words, words
from bot.staff_labels import LABELS

# Twilio refuses a message body longer than this; Telegram allows more, SMS far less.
TEXT_MAX = 1600
CONTENT_SID_MAX = 64  # the column's size
LANGUAGE_NAMES = LABELS["language"]
FIELDS = (
    *(f"text_{lang}" for lang in LANGUAGES),
    "quartiere",
    "language",
    "channel",
    "whatsapp_content_sid",
    "whatsapp_variables",
    "when",
    "day",
    "time",
)


class FormInvalid(ValueError):
    """What is wrong with the form, said to the person who filled it."""


@dataclass(frozen=True)
class Composed:
    """A checked compose form, ready for actions.broadcasts.create_broadcast."""

    texts: dict[str, str]
    quartiere: str | None
    language: str | None
    channel: str | None
    whatsapp_content_sid: str | None
    whatsapp_variables: dict[str, str]
    at: datetime | None  # None: send as soon as it is confirmed


def form_values(form: Mapping[str, Any]) -> dict[str, str]:
    """The form's fields as typed (files and unknown fields dropped), to check or show again."""
    return {name: value for name in FIELDS if isinstance(value := form.get(name, ""), str)}


def read(
    values: Mapping[str, str], *, quartieri: Sequence[str], local: LocalTime, now: datetime
) -> Composed:
    """Check the form; FormInvalid says what to fix."""
    _ = words(local.language)
    texts = {lang: values.get(f"text_{lang}", "").strip() for lang in LANGUAGES}
    if not texts["it"]:
        raise FormInvalid(_("Scriva il testo in italiano: lo ricevono anche le altre lingue."))
    too_long = [_(LANGUAGE_NAMES[lang]) for lang, text in texts.items() if len(text) > TEXT_MAX]
    if too_long:
        names = ", ".join(too_long)
        raise FormInvalid(
            _("Testo troppo lungo ({names}): al massimo {most}.", names=names, most=TEXT_MAX)
        )
    quartiere = _choice(values.get("quartiere", ""), quartieri, _("Quartiere"), _)
    language = _choice(values.get("language", ""), LANGUAGES, _("Lingua"), _)
    channel = _choice(values.get("channel", ""), BROADCAST_CHANNELS, _("Canale"), _)
    content_sid = values.get("whatsapp_content_sid", "").strip() or None
    if content_sid and len(content_sid) > CONTENT_SID_MAX:
        raise FormInvalid(_("Il codice del modello WhatsApp è troppo lungo."))
    variables = _variables(values.get("whatsapp_variables", ""), _)
    if variables and not content_sid:
        raise FormInvalid(
            _("Le variabili servono solo con un modello WhatsApp: indichi il codice.")
        )
    return Composed(
        texts={lang: text for lang, text in texts.items() if text},
        quartiere=quartiere,
        language=language,
        channel=channel,
        whatsapp_content_sid=content_sid,
        whatsapp_variables=variables,
        at=_when(values, local, now),
    )


def _choice(value: str, allowed: Sequence[str], what: str, _: Words) -> str | None:
    """An empty choice means everyone; anything not offered is refused."""
    if not value:
        return None
    if value not in allowed:
        raise FormInvalid(_("{what}: scelta non valida.", what=what))
    return value


def _variables(text: str, _: Words) -> dict[str, str]:
    """One KEY=VALUE per line, as Twilio's content variables ("1=Via Roma")."""
    variables = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise FormInvalid(
                _("Variabili: una per riga, come 1=Via Roma (non «{line}»).", line=line.strip())
            )
        variables[key.strip()] = value.strip()
    return variables


def _when(values: Mapping[str, str], local: LocalTime, now: datetime) -> datetime | None:
    if values.get("when", "now") != "later":
        return None
    return scheduled_time(values.get("day", ""), values.get("time", ""), local=local, now=now)


def scheduled_time(day: str, time: str, *, local: LocalTime, now: datetime) -> datetime:
    """A day and time in the city's zone that is still to come; FormInvalid otherwise."""
    _ = words(local.language)
    if not day or not time:
        raise FormInvalid(_("Per programmare l'invio scelga giorno e ora."))
    try:
        at = local.parse(day, time)
    except ValueError:
        raise FormInvalid(_("Data o ora non valide.")) from None
    if at <= now:
        raise FormInvalid(_("Il giorno e l'ora scelti sono già passati."))
    return at
