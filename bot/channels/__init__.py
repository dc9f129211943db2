"""Channel adapters: each turns a provider's payloads into Inbound values and renders replies.

The registry is a plain mapping from a Delivery's channel name ("telegram", "sms",
"whatsapp") to its Channel; api/runtime.py builds it from the settings.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.channels.base import Channel

Channels = Mapping[str, Channel]
NAMES = ("telegram", "sms", "whatsapp")
