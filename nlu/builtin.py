"""The built-in NLU: trained from nlu/data, run in process, no network."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from nlu.cascade import Cascade
from nlu.encoder import E5Encoder, Encoder
from nlu.entities import EntityExtractor
from nlu.language import LanguageIdentifier
from nlu.model import load_or_train
from nlu.trainingdata import DEFAULT_DATA_DIR
from nlu.types import FALLBACK_INTENT, READ_CHARS, Entity, Gazetteer, Intent, Parse

DEFAULT_THRESHOLD = 0.45
# these entities name a topic elsewhere ("corso di inglese", "non ce la faccio da sola")
_ENTITY_INTENTS = {"need_category": "report_need", "language": "change_language"}
log = logging.getLogger(__name__)


class BuiltinNLU:
    """Language, intent (with a fallback below the threshold) and entities of one message."""

    def __init__(
        self,
        cascade: Cascade,
        languages: LanguageIdentifier,
        entities: EntityExtractor,
        *,
        timezone: str,
        threshold: float,
    ) -> None:
        self.cascade = cascade
        self.languages = languages
        self.entities = entities
        self.zone = ZoneInfo(timezone)
        self.threshold = threshold
        self.trained = False

    @classmethod
    def load(
        cls,
        *,
        data_dir: Path = DEFAULT_DATA_DIR,
        cache_dir: Path,
        gazetteer: Gazetteer,
        timezone: str = "Europe/Rome",
        threshold: float = DEFAULT_THRESHOLD,
        encoder: Encoder | None = None,
    ) -> BuiltinNLU:
        """The NLU for this data: the cached model, trained first if the data changed."""
        encoder = encoder or E5Encoder()
        model, trained = load_or_train(data_dir, cache_dir, encoder)
        languages = LanguageIdentifier(low_accuracy=True, scorer=model.language)
        nlu = cls(
            Cascade(model, encoder),
            languages,
            EntityExtractor(gazetteer),
            timezone=timezone,
            threshold=threshold,
        )
        nlu.trained = trained
        nlu.warm_up()
        return nlu

    def warm_up(self) -> None:
        """Load lazy models now, so that a resident's first message is not the slow one."""
        self.languages.warm_up()
        now = datetime.now(self.zone)
        for text in (
            "il 3 dicembre",
            "3 December",
            "3 decembrie",
            "3 dhjetor",
            "3 грудня",
            "3 ديسمبر",
            "一个月",
        ):
            self.entities.extract(text, now=now, language=self.languages.detect(text))
        self.cascade.encoder.encode(["buongiorno"])

    def parse(self, text: str, *, now: datetime) -> Parse:
        """Understand one message; never raises (anything unexpected is a fallback)."""
        try:
            return self._parse(text, now)
        except Exception:  # a resident's message must never break the conversation
            log.exception("NLU failed on a message of %d characters", len(text or ""))
            return Parse(text=text or "", intent=Intent(FALLBACK_INTENT, 1.0))

    def _parse(self, text: str, now: datetime) -> Parse:
        now = now.astimezone(self.zone) if now.tzinfo else now.replace(tzinfo=self.zone)
        read = text[:READ_CHARS]
        ranked = self.cascade.rank(read)
        # STOP, HELP, 0 are the same in every language: they must not switch the resident's
        language = None if ranked.stage == "keyword" else self.languages.detect(read)
        top = ranked.ranking[0] if ranked.ranking else None
        if top is None or top.confidence < self.threshold:
            # how sure we are that we did not understand
            intent = Intent(FALLBACK_INTENT, round(1.0 - (top.confidence if top else 0.0), 4))
        else:
            intent = top
        entities = self.entities.extract(read, now=now, language=language)
        guess = top.name if top else FALLBACK_INTENT
        return Parse(
            text=text,
            intent=intent,
            intent_ranking=ranked.ranking,
            entities=tuple(e for e in entities if _belongs(e, guess)),
            language=language,
        )


def _belongs(entity: Entity, intent: str) -> bool:
    return _ENTITY_INTENTS.get(entity.entity, intent) == intent
