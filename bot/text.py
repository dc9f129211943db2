"""Plain-text rendering shared by SMS, WhatsApp and the console: numbered choices."""

from __future__ import annotations

from bot.messages import Reply

# Arabic text mixed with digits and Latin names reorders badly on some phones; a
# right-to-left mark at the start of each line keeps the line's direction.
RLM = "\u200f"


def numbered(reply: Reply, *, rtl: bool = False) -> str:
    """The reply's text followed by "1 option" lines."""
    lines = [reply.text, *(f"{n} {label}" for n, label in enumerate(reply.options, start=1))]
    text = "\n".join(line for line in lines if line)
    if rtl:
        text = "\n".join(RLM + line for line in text.split("\n"))
    return text
