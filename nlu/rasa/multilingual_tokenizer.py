"""A Rasa 3.6 tokenizer for Portineria's seven languages: WhitespaceTokenizer that keeps Chinese.

Loaded by Rasa (in .venv-rasa), not by Portineria: setup.sh copies it into var/rasa, and the
pipeline in config.yml names it `multilingual_tokenizer.MultilingualTokenizer`.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_RANGES}]")
# One token per Han character (Chinese has no spaces); any other run of characters stays whole.
HAN_SPLIT = f"[{_HAN_RANGES}]|[^{_HAN_RANGES}]+"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MultilingualTokenizer(WhitespaceTokenizer):
    """Whitespace tokens for it/en/ar/ro/sq/uk; one token per character for Chinese."""

    @staticmethod
    def not_supported_languages() -> list[str] | None:
        """Every language: Chinese is split per character below."""
        return None

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """WhitespaceTokenizer's defaults with the Han split as the token pattern."""
        return {**WhitespaceTokenizer.get_default_config(), "token_pattern": HAN_SPLIT}

    def remove_emoji(self, text: str) -> str:
        """Drop emoji-only words, but never Chinese ones.

        Rasa's emoji pattern spans U+24C2..U+1F251, which holds every CJK character: a word
        of Chinese alone is taken for an emoji and silently dropped ("我想预约SPID，明天可以吗"
        keeps only "我想预约SPID").
        """
        if _HAN.search(text):
            return text
        return super().remove_emoji(text)
