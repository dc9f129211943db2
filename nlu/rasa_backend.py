"""The Rasa backend: a Rasa 3.x server's POST /model/parse behind the NLU protocol."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from nlu.entities import EntityExtractor
from nlu.language import LanguageIdentifier
from nlu.types import (
    FALLBACK_INTENT,
    LANGUAGES,
    NEED_CATEGORIES,
    Entity,
    Gazetteer,
    Intent,
    NLUUnavailable,
    Parse,
)

# Entities the built-in extractors find on their own are kept only with their intent, as in
# the built-in backend: "corso di inglese" names a topic, not a change of language.
_ENTITY_INTENTS = {"need_category": "report_need", "language": "change_language"}
# Rasa may already give these as codes (the training data annotates their values)
_CODES = {"need_category": frozenset(NEED_CATEGORIES), "language": frozenset(LANGUAGES)}


class RasaNLU:
    """Intents from a Rasa server; language and entity values from the built-in extractors."""

    def __init__(
        self,
        url: str,
        *,
        gazetteer: Gazetteer,
        timezone: str = "Europe/Rome",
        threshold: float = 0.45,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
        languages: LanguageIdentifier | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.threshold = threshold
        self._zone = ZoneInfo(timezone)
        # one pooled client: keep-alive saves a TCP handshake per message
        self._client = httpx.Client(timeout=timeout, transport=transport)
        self._entities = EntityExtractor(gazetteer)
        self._languages = languages or LanguageIdentifier()

    def parse(self, text: str, *, now: datetime) -> Parse:
        """Ask Rasa for the intent; below the threshold the intent is nlu_fallback."""
        if not text.strip():
            return Parse(text=text, intent=Intent(FALLBACK_INTENT, 1.0))
        answer = self.raw_parse(text)
        language = self._languages.detect(text)
        local_now = now.astimezone(self._zone) if now.tzinfo else now.replace(tzinfo=self._zone)
        found = self._entities.extract(text, now=local_now, language=language)
        intent, ranking = rank_intents(answer, self.threshold)
        guess = ranking[0].name if ranking else intent.name
        extra = tuple(e for e in found if _ENTITY_INTENTS.get(e.entity, guess) == guess)
        entities = merge_entities(_rasa_entities(answer), found, extra)
        return Parse(text, intent, ranking, entities, language)

    def raw_parse(self, text: str) -> dict[str, Any]:
        """Rasa's /model/parse answer as it comes; NLUUnavailable when there is none."""
        try:
            response = self._client.post(f"{self.url}/model/parse", json={"text": text})
        except httpx.HTTPError as error:
            raise NLUUnavailable(f"Rasa at {self.url} unreachable: {error!r}") from error
        # 409 = no model loaded, 5xx = broken server; any non-2xx is an answer we cannot use
        if not response.is_success:
            raise NLUUnavailable(f"Rasa at {self.url} answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError as error:
            raise NLUUnavailable(f"Rasa at {self.url} answered no JSON") from error
        if not isinstance(answer, dict):
            raise NLUUnavailable(f"Rasa at {self.url} answered {type(answer).__name__}")
        return answer

    def close(self) -> None:
        """Close the pooled HTTP connections."""
        self._client.close()

    def __enter__(self) -> RasaNLU:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def rank_intents(answer: dict[str, Any], threshold: float) -> tuple[Intent, tuple[Intent, ...]]:
    """The intent and ranking of a /model/parse answer; nlu_fallback below the threshold."""
    ranking = tuple(_intent(item) for item in answer.get("intent_ranking") or ())
    top = _intent(answer.get("intent") or {})
    if top.name == FALLBACK_INTENT or top.confidence < threshold:
        # as the built-in backend does: how sure we are that we did not understand, and the
        # real guesses in the ranking (a flow may offer "did you mean ...?")
        return Intent(FALLBACK_INTENT, round(1.0 - top.confidence, 4)), ranking
    return top, ranking


def merge_entities(
    rasa: list[Entity], builtin: tuple[Entity, ...], extra: tuple[Entity, ...] = ()
) -> tuple[Entity, ...]:
    """Rasa's entities with canonical values from `builtin`, plus the `extra` found alone.

    DIET finds the span ("domani", "ospizzio"); the flows need the value (an ISO date, the
    canonical place), which only the built-in extractors give. A Rasa entity without a value
    they can confirm is dropped: a flow expecting an ISO date must never get "dopodomani".
    """
    kept: list[Entity] = []
    for entity in rasa:
        value = _canonical(entity, builtin)
        if value is not None:
            kept.append(Entity(entity.entity, value, entity.start, entity.end, entity.extractor))
    kept.extend(b for b in extra if not any(_overlaps(b, k) for k in kept))
    return tuple(sorted(kept, key=lambda e: (e.start, e.entity)))


def _canonical(entity: Entity, builtin: tuple[Entity, ...]) -> Any | None:
    same = [b for b in builtin if _overlaps(b, entity)]
    if same:
        return same[0].value
    codes = _CODES.get(entity.entity)
    # need_category and language arrive as codes when the training data annotated them so
    if codes is not None and entity.value in codes:
        return entity.value
    return None


def _overlaps(a: Entity, b: Entity) -> bool:
    return a.entity == b.entity and a.start < b.end and b.start < a.end


def _rasa_entities(answer: dict[str, Any]) -> list[Entity]:
    entities = []
    for item in answer.get("entities") or ():
        try:
            entities.append(
                Entity(
                    str(item["entity"]),
                    item.get("value"),
                    int(item["start"]),
                    int(item["end"]),
                    str(item.get("extractor") or "rasa"),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue  # a malformed entity is not worth failing the whole message
    return entities


def _intent(item: dict[str, Any]) -> Intent:
    name = item.get("name") or FALLBACK_INTENT
    return Intent(str(name), float(item.get("confidence") or 0.0))
