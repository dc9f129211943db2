"""Turn the settings into the running parts: engine, sessions, NLU, conversations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from actions import places
from actions.db import SessionFactory, create_engine, create_session_factory
from api.settings import Settings
from bot.conversation import Conversations
from nlu.gazetteer import load_gazetteer, merge_names
from nlu.types import NLU, Gazetteer


@dataclass(frozen=True)
class Store:
    """The database engine and its session factory."""

    engine: AsyncEngine
    sessions: SessionFactory


def open_store(settings: Settings) -> Store:
    """Connect (lazily) to the configured database."""
    engine = create_engine(settings.database_url, schema=settings.database_schema)
    return Store(engine, create_session_factory(engine))


async def gazetteer_with_case(store: Store) -> Gazetteer:
    """The NLU's place names: the shipped list plus every Casa di Quartiere in the database."""
    async with store.sessions() as session:
        extra = await places.neighbourhood_names(session)
    return merge_names(load_gazetteer(), extra)


def build_nlu(settings: Settings, gazetteer: Gazetteer) -> NLU:
    """The configured NLU backend (the built-in one trains on first use and caches)."""
    if settings.nlu_backend == "rasa":
        from nlu.rasa_backend import RasaNLU

        return RasaNLU(
            str(settings.rasa_url),
            gazetteer=gazetteer,
            timezone=settings.timezone,
            threshold=settings.nlu_threshold,
        )
    from nlu.builtin import BuiltinNLU

    return BuiltinNLU.load(
        cache_dir=settings.nlu_model_dir,
        gazetteer=gazetteer,
        timezone=settings.timezone,
        threshold=settings.nlu_threshold,
    )


async def build_conversations(settings: Settings, store: Store) -> Conversations:
    """Everything needed to answer residents."""
    nlu = build_nlu(settings, await gazetteer_with_case(store))
    return Conversations(store.sessions, nlu, settings.zone, settings.default_language)
