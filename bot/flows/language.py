"""Change the language of the conversation, any time."""

from __future__ import annotations

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer, retry_prefix
from bot.flows.voice import VOICE_OPTION, voice_label
from bot.messages import Reply

NAME = "language"
# Each language in its own name, so a resident finds theirs without reading Italian.
LANGUAGE_NAMES = {
    "it": "Italiano",
    "en": "English",
    "ar": "العربية",
    "ro": "Română",
    "sq": "Shqip",
    "uk": "Українська",
    "zh": "中文",
}


class LanguageFlow:
    """Pick a language from the list, or name it ("parla inglese")."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return turn.choice == NAME or turn.intent == "change_language" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        was_asking = turn.in_flow(NAME)
        wanted = turn.choice if was_asking else turn.entity("language")
        if isinstance(wanted, str) and wanted.startswith("lang:"):
            wanted = wanted.removeprefix("lang:")
        if wanted in LANGUAGE_NAMES:
            ctx.use_language(str(wanted))
            ctx.resident.language_confirmed = True
            _ = ctx.gettext
            return [main_menu(ctx, turn.state, _("Va bene, parliamo in italiano."))]
        turn.state.start(NAME, "pick")
        # Last, after the languages: spoken answers on or off (read by the VoiceFlow).
        offer(turn.state, [f"lang:{code}" for code in LANGUAGE_NAMES] + [VOICE_OPTION])
        question = retry_prefix(ctx, was_asking) + _("In che lingua vuole scrivere?")
        return [Reply(question, (*LANGUAGE_NAMES.values(), voice_label(ctx)))]
