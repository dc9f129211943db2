"""The custodians' Telegram groups: each new handoff appears there and is answered from there.

A Casa's group (Casa.telegram_chat_id) gets its handoffs; PORTINERIA_TELEGRAM_STAFF_CHAT_ID
gets those whose Casa has no group. A handoff with no Casa goes to every Casa's group and the
city-wide one: the first to take it has it, and the other groups are told who did.
A card carries a "Prendo io" button; whoever replies to a card (or to a resident's message
passed on after it) answers the resident on the resident's own channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import handoff_desk as desk
from actions import handoffs, places, residents, staff
from actions.errors import DomainError, HeldByAnother, InvalidTransition, NotFound
from actions.models import Casa, ChannelAddress, Delivery, Handoff, Resident, StaffUser
from actions.outbox import enqueue
from bot.channels.base import StaffMessage
from bot.messages import Inbound
from bot.staff_labels import label, resident_name, staff_name

CHANNEL = "telegram"
KIND = "staff"
TRANSCRIPT_LINES = 6
LINE_CHARS = 300
HELP = (
    "Portineria in questo gruppo:\n"
    "• Prendo io (il pulsante) o /prendo: la richiesta è sua, il bot tace.\n"
    "• Rispondere a un messaggio di una richiesta: la risposta arriva alla persona, "
    "su SMS, WhatsApp o Telegram.\n"
    "• /rilascia: la conversazione torna al bot.\n"
    "• /chiudi esito: chiude la richiesta (es. /chiudi prenotato lo SPID).\n"
    "• /nota testo: una nota per i colleghi, la persona non la vede.\n"
    "Senza rispondere a un messaggio, scrivete il numero: /chiudi 12 risolto.\n"
    "/id: il numero di questo gruppo."
)
MEDIA_WORDS = {
    "photo": "foto",
    "voice": "messaggio vocale",
    "audio": "audio",
    "video": "video",
    "video_note": "video",
    "document": "documento",
    "location": "posizione",
    "contact": "contatto",
}


@dataclass(frozen=True)
class StaffRoom:
    """Where handoffs are posted, and how staff messages from the groups are carried out."""

    fallback_chat: int | None  # PORTINERIA_TELEGRAM_STAFF_CHAT_ID
    console_url: str | None = None  # PORTINERIA_PUBLIC_URL + "/console", for a link on cards

    async def after_turn(
        self,
        session: AsyncSession,
        *,
        resident: Resident,
        before: int | None,
        inbound: Inbound,
        now: datetime,
        was_urgent: bool = False,
    ) -> None:
        """Post a new handoff, pass on what the resident wrote, or say they withdrew.

        A waiting request that turned urgent (danger written while waiting) is posted again,
        marked urgent: a card scrolled out of sight must not hide it.
        """
        after = await handoffs.open_handoff_of(session, resident_id=resident.id)
        if after is not None and after.id != before:
            await self.announce(session, after, now=now)
        elif after is not None and after.urgent and not was_urgent:
            await self.announce(session, after, now=now, now_urgent=True)
        elif after is not None:
            await self._pass_on(session, after, resident, inbound, now)
        elif before is not None:
            closed = await handoffs.handoff_by_id(session, handoff_id=before)
            text = f"{resident_name(resident)} ha annullato la richiesta n. {before}."
            await self._post(session, closed, text, now)

    async def announce(
        self, session: AsyncSession, handoff: Handoff, *, now: datetime, now_urgent: bool = False
    ) -> None:
        """The card of a handoff, with the recent transcript and the "Prendo io" button."""
        resident = await session.get_one(Resident, handoff.resident_id)
        address = await residents.reachable_address(session, resident.id)
        casa = await _casa_of(session, handoff)
        reason = label("reason", handoff.reason)
        lines = [
            f"{'🚨 URGENTE ·' if handoff.urgent else '🔔'} Richiesta n. {handoff.id}"
            f" · {casa.name if casa else 'nessuna Casa indicata'}",
            f"{resident_name(resident)} · {self._where(resident, address)}",
            f"Perché: {reason}",
        ]
        if now_urgent:
            lines.append("Era già in attesa: ora è URGENTE, va presa per prima.")
        lines += [
            "",
            "Ultimi messaggi:",
        ]
        for message in await residents.recent_messages(
            session, resident_id=resident.id, limit=TRANSCRIPT_LINES
        ):
            who = "👤" if message.direction == "in" else "🤖"
            lines.append(f"{who} {_short(message.text or _media_words(message.media))}")
        lines += ["", "Rispondete a questo messaggio: la risposta arriva alla persona."]
        lines.append("Comandi: /rilascia, /chiudi esito, /nota testo, /aiuto.")
        if self.console_url:
            lines.append(f"Console: {self.console_url}/handoffs/{handoff.id}")
        buttons = [["Prendo io", f"prendo:{handoff.id}"]]
        await self._post(session, handoff, "\n".join(lines), now, buttons=buttons)

    async def handle(self, session: AsyncSession, message: StaffMessage, now: datetime) -> str:
        """Carry out what staff asked in a group; the answer for them (a notice or a post)."""
        answer, about = await self._answer(session, message, now)
        if message.button_press is None and answer:
            key = f"tg-{message.update_id}-answer"
            resident_id = about.resident_id if about else None
            self._enqueue(session, message.chat, answer, None, now, key=key, resident=resident_id)
        return answer

    async def _answer(
        self, session: AsyncSession, message: StaffMessage, now: datetime
    ) -> tuple[str, Handoff | None]:
        """The answer, and the handoff it is about (an outcome may name the resident's family:
        the post is tied to the resident, so that erasing them erases it)."""
        chat = int(message.chat)
        casa = await places.casa_with_group(session, chat_id=chat)
        if message.command == "id":
            where = f"è il gruppo di {casa.name}" if casa else "non è collegato a una Casa"
            if chat == self.fallback_chat:
                where = "riceve le richieste senza un gruppo di Casa"
            return (
                f"Numero di questo gruppo: {chat} ({where}). Per ricevere qui le richieste "
                f'di una Casa: portineria casa telegram-group "Nome della Casa" --chat-id {chat}'
            ), None
        if casa is None and chat != self.fallback_chat:
            return "", None  # a group Portineria does not serve: only /id is answered there
        if message.command in ("aiuto", "help", "start"):
            return HELP, None
        user = await staff.staff_by_telegram(session, telegram_user_id=message.staff_account)
        if user is None:
            return (
                f"{message.sender_name}, il suo account Telegram (n. {message.staff_account}) "
                "non è collegato a Portineria. Chieda a un amministratore di eseguire: "
                f"portineria staff telegram SUA-EMAIL {message.staff_account}"
            ), None
        handoff = await self._handoff_meant(session, message, user)
        if handoff is None:
            return (
                "Non trovo la richiesta. Rispondete al messaggio della richiesta, "
                "oppure scrivete il suo numero, es. /chiudi 12 risolto."
            ), None
        try:
            return await self._carry_out(session, message, user, handoff, now), handoff
        except (InvalidTransition, HeldByAnother):
            return await self._why_not(session, handoff, user), handoff
        except DomainError as exc:
            return f"Non fatto: {exc}.", handoff

    async def _carry_out(
        self,
        session: AsyncSession,
        message: StaffMessage,
        user: StaffUser,
        handoff: Handoff,
        now: datetime,
    ) -> str:
        name, number = staff_name(user), handoff.id
        at_desk = {"handoff_id": number, "by": user, "via": "telegram", "now": now}
        if message.command == "prendo":
            await desk.claim(session, **at_desk)
            answer = f"{name} ha preso la richiesta n. {number}. Rispondete ai suoi messaggi qui."
            if message.button_press is not None:
                self._enqueue(
                    session, message.chat, answer, number, now, resident=handoff.resident_id
                )
            await self.taken(session, handoff, user, now, told=message.chat)
            return answer
        if message.command == "rilascia":
            await desk.release(session, **at_desk)
            answer = f"Richiesta n. {number} ridata al bot da {name}."
            await self._tell_others(session, handoff, answer, now, told=message.chat)
            return answer
        if message.command == "chiudi":
            outcome = message.text or "chiusa dal gruppo Telegram"
            await desk.close(session, outcome=outcome, **at_desk)
            # The outcome may name the resident's family: it stays in the group that wrote it.
            closed = f"Richiesta n. {number} chiusa da {name}."
            await self._tell_others(session, handoff, closed, now, told=message.chat)
            return f"Richiesta n. {number} chiusa da {name}: {outcome}"
        if message.command == "nota":
            await desk.add_note(session, text=message.text, **at_desk)
            return f"Nota aggiunta alla richiesta n. {number}."
        first = handoff.status == "waiting"
        key = f"tg-{message.update_id}"
        await desk.answer(session, text=message.text, idempotency_key=key, **at_desk)
        # The first answer also takes the request: say so once, then stay out of the way.
        if not first:
            return ""
        await self.taken(session, handoff, user, now, told=message.chat)
        return f"{name} ha preso la richiesta n. {number} rispondendo."

    async def taken(
        self,
        session: AsyncSession,
        handoff: Handoff,
        user: StaffUser,
        now: datetime,
        *,
        told: str | None = None,
    ) -> None:
        """Tell the groups that got the card who took the request (all but `told`, the group
        it was taken from, which has its own answer): a handoff with no Casa was offered to
        every Casa's group, and the others should not take it up too."""
        text = f"{staff_name(user)} ha preso la richiesta n. {handoff.id}."
        await self._tell_others(session, handoff, text, now, told=told)

    async def _tell_others(
        self, session: AsyncSession, handoff: Handoff, text: str, now: datetime, *, told: str | None
    ) -> None:
        """Post `text` in every group that got the handoff's card but `told`."""
        for chat in await self._chats(session, handoff):
            if chat != told:
                self._enqueue(session, chat, text, handoff.id, now, resident=handoff.resident_id)

    async def _handoff_meant(
        self, session: AsyncSession, message: StaffMessage, user: StaffUser
    ) -> Handoff | None:
        """The handoff a number or a replied-to card names, if this person may act on it."""
        handoff_id = message.handoff_id
        if handoff_id is None and message.replying_to is not None:
            card = await session.scalar(
                select(Delivery).where(
                    Delivery.channel == CHANNEL,
                    Delivery.kind == KIND,
                    Delivery.address == message.chat,
                    Delivery.provider_message_id == message.replying_to,
                )
            )
            found = card.payload.get("handoff_id") if card is not None else None
            handoff_id = found if isinstance(found, int) else None
        if handoff_id is None:
            return None
        try:
            return await desk.visible(session, handoff_id=handoff_id, by=user)
        except NotFound:
            return None

    @staticmethod
    async def _why_not(session: AsyncSession, handoff: Handoff, user: StaffUser) -> str:
        if handoff.status == "closed":
            return f"La richiesta n. {handoff.id} è già chiusa ({handoff.outcome})."
        if handoff.claimed_by_staff_id == user.id:
            return f"La richiesta n. {handoff.id} è già sua."
        holder = await session.get(StaffUser, handoff.claimed_by_staff_id)
        return f"La richiesta n. {handoff.id} la segue già {staff_name(holder) or 'un collega'}."

    async def _pass_on(
        self,
        session: AsyncSession,
        handoff: Handoff,
        resident: Resident,
        inbound: Inbound,
        now: datetime,
    ) -> None:
        words = [inbound.text] if inbound.text else []
        if inbound.heard is not None:  # a voice note: its transcript, and where to hear it
            words = [f"🎤 «{inbound.text}»"] if inbound.text else ["🎤 [non capito]"]
        else:
            words += [f"[{MEDIA_WORDS.get(m.kind, m.kind)}: nella console]" for m in inbound.media]
        text = f"👤 {resident_name(resident)} (n. {handoff.id}): {_short(' '.join(words))}"
        if inbound.heard is not None and self.console_url and inbound.provider_message_id:
            where = f"{self.console_url}/handoffs/{handoff.id}/audio/{inbound.provider_message_id}"
            text += f"\nAudio: {where}"
        await self._post(session, handoff, text, now)

    async def _post(
        self,
        session: AsyncSession,
        handoff: Handoff,
        text: str,
        now: datetime,
        *,
        buttons: list[list[str]] | None = None,
    ) -> None:
        for chat in await self._chats(session, handoff):
            self._enqueue(
                session, chat, text, handoff.id, now, buttons=buttons, resident=handoff.resident_id
            )

    async def _chats(self, session: AsyncSession, handoff: Handoff) -> list[str]:
        """The groups that read a handoff: its Casa's (or the city-wide one when the Casa has
        no group); with no Casa, every Casa's group and the city-wide one."""
        casa = await _casa_of(session, handoff)
        if casa is not None:
            chats = [casa.telegram_chat_id or self.fallback_chat]
        else:
            chats = [c.telegram_chat_id for c in await places.list_case(session)]
            chats.append(self.fallback_chat)
        return list(dict.fromkeys(str(chat) for chat in chats if chat is not None))

    @staticmethod
    def _enqueue(
        session: AsyncSession,
        chat: str,
        text: str,
        handoff_id: int | None,
        now: datetime,
        *,
        buttons: list[list[str]] | None = None,
        key: str | None = None,
        resident: int | None = None,
    ) -> None:
        payload: dict[str, object] = {"text": text, "options": [], "handoff_id": handoff_id}
        if buttons:
            payload["buttons"] = buttons
        # A group has no address row; the post is tied to the resident it is about, so that
        # erasing them (or the database, on cascade) takes the post's words with them.
        group = ChannelAddress(channel=CHANNEL, address=chat, resident_id=resident)
        enqueue(session, address=group, payload=payload, kind=KIND, now=now, idempotency_key=key)

    @staticmethod
    def _where(resident: Resident, address: ChannelAddress | None) -> str:
        parts = [label("channel", address.channel) if address else "non raggiungibile"]
        parts.append(f"lingua {resident.language}")
        if resident.quartiere:
            parts.append(f"quartiere {resident.quartiere}")
        return ", ".join(parts)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"


async def _casa_of(session: AsyncSession, handoff: Handoff) -> Casa | None:
    return await places.casa_by_id(session, casa_id=handoff.casa_id) if handoff.casa_id else None


def _media_words(media: list[Any]) -> str:
    kinds = [str(m.get("kind", "")) for m in media if isinstance(m, dict)]
    return " ".join(f"[{MEDIA_WORDS.get(k, k)}]" for k in kinds) or "…"
