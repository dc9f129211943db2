"""A handoff's transcript as a custodian reads it: who wrote, what a digit meant, sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from actions.models import Delivery, MessageLog, Resident, StaffUser
from api.console.web import Words
from bot.i18n import N_
from bot.staff_labels import resident_name, staff_name

# Messages more than this apart belong to different visits of the resident: the older ones
# are folded away so that the request a person is answering comes first.
SESSION_GAP = timedelta(minutes=30)
BOT = N_("Bot Portineria")
# The outbox's reasons in the words a custodian reads (the code itself when unknown).
FAILURES = {
    "recipient opted out": N_("il residente ha chiesto di non ricevere messaggi (STOP)"),
    "recipient unreachable": N_("il residente non è raggiungibile su questo canale"),
    "free-form WhatsApp message outside the 24-hour window": N_(
        "su WhatsApp si può rispondere solo entro 24 ore dall'ultimo messaggio del residente"
    ),
}
STATES = {
    "pending": N_("In coda: parte tra pochi secondi"),
    "sending": N_("In invio"),
    "sent": N_("Inviato"),
    "delivered": N_("Consegnato"),
    "failed": N_("Non consegnato"),
    "skipped": N_("Non inviato"),
}


@dataclass(frozen=True)
class Line:
    """One message: who wrote it, its text (a digit with the option it chose), its state."""

    message: MessageLog
    author: str
    kind: str  # resident | bot | person
    text: str
    delivery: Delivery | None = None
    state: str | None = None  # an answer's state in plain words, with why it failed


def state_of(delivery: Delivery | None, _: Words) -> str | None:
    """An answer's state in the staff member's words, with the reason when it failed."""
    if delivery is None:
        return None
    words = _(STATES.get(delivery.status, delivery.status))
    if delivery.status in ("failed", "skipped") and delivery.error:
        error = delivery.error.removeprefix("expired: ")
        return f"{words}: {_(FAILURES.get(error, error))}"
    return words


@dataclass(frozen=True)
class Session:
    """The messages of one visit of the resident."""

    lines: list[Line] = field(default_factory=list)

    @property
    def started(self) -> datetime:
        """When the first message of the visit came."""
        return self.lines[0].message.created_at


def chosen(text: str, options: Sequence[str] | None) -> str:
    """A bare digit with the option it picked ("3 - Segnalare un bisogno"), else the text."""
    digits = text.strip()
    if not digits.isdigit() or not options:
        return text
    number = int(digits)
    if number == 0:
        return f"{digits} - Menu"
    if 1 <= number <= len(options):
        return f"{digits} - {options[number - 1]}"
    return text


def lines_of(
    messages: Sequence[MessageLog],
    resident: Resident,
    staff: dict[int, StaffUser],
    answers: Sequence[Delivery],
    _: Words,
) -> list[Line]:
    """The transcript's lines, each with its author and, for a person's answer, its delivery."""
    by_moment = {(d.created_at, d.payload.get("text")): d for d in answers}
    lines: list[Line] = []
    offered: Sequence[str] | None = None
    for message in messages:
        if message.direction == "in":
            lines.append(
                Line(message, resident_name(resident, _), "resident", chosen(message.text, offered))
            )
            offered = None
            continue
        delivery = by_moment.get((message.created_at, message.text))
        if message.staff_id is not None or delivery is not None:
            author = staff_name(staff.get(message.staff_id or 0)) or _("Una persona")
            state = state_of(delivery, _)
            lines.append(Line(message, author, "person", message.text, delivery, state))
            offered = None
        else:
            lines.append(Line(message, _(BOT), "bot", message.text))
            offered = message.options or offered
    return lines


def sessions_of(lines: list[Line], opened_at: datetime) -> tuple[Session, list[Session]]:
    """The visit in which the handoff was opened (to the end), and the older ones, newest first."""
    visits: list[Session] = []
    for line in lines:
        moment = line.message.created_at
        # After the handoff opened, everything belongs to it, however long the answer took.
        if not visits or (
            moment <= opened_at and moment - visits[-1].lines[-1].message.created_at > SESSION_GAP
        ):
            visits.append(Session())
        visits[-1].lines.append(line)
    if not visits:
        return Session(), []
    return visits[-1], list(reversed(visits[:-1]))
