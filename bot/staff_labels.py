"""The Italian words staff read for stored codes, in the console and the custodians' groups.

The console shows them in the staff member's language: S_ marks them for its catalog
(locales/*/LC_MESSAGES/console.po, extracted with babel-console.cfg).
"""

from __future__ import annotations

from collections.abc import Callable

from actions.models import Resident, StaffUser


def in_italian(message: str, **values: object) -> str:
    """A staff text as written (Italian, the source language), its values filled in."""
    return message.format(**values)


def S_(word: str) -> str:  # noqa: N802 - a gettext-style marker, like N_
    """Mark a staff word for the console's catalog; translated where it is shown."""
    return word


LABELS: dict[str, dict[str, str]] = {
    "role": {
        "custodian": S_("Custode"),
        "community_manager": S_("Community manager"),
        "admin": S_("Admin"),
    },
    "handoff": {
        "waiting": S_("In attesa"),
        "claimed": S_("Presa in carico"),
        "closed": S_("Chiusa"),
    },
    "reason": {
        "asked": S_("Ha chiesto una persona"),
        "emergency": S_("Emergenza"),
        "self_harm": S_("Vuole farsi del male"),
        "scam": S_("Forse una truffa"),
        "company": S_("Si sente solo, vuole compagnia"),
        "misunderstood": S_("Il bot non ha capito"),
        "media": S_("Vocale o foto"),
    },
    "need": {"open": S_("Aperta"), "in_progress": S_("In lavorazione"), "solved": S_("Risolta")},
    "need_action": {
        "open": S_("Riapri"),
        "in_progress": S_("Prendi in lavorazione"),
        "solved": S_("Risolta"),
    },
    "category": {
        "shopping": S_("Spesa"),
        "transport": S_("Accompagnamento"),
        "company": S_("Compagnia"),
        "street": S_("Strada"),
        "waste": S_("Rifiuti"),
        "lighting": S_("Illuminazione"),
        "other": S_("Altro"),
        "children": S_("Per bambini"),
        "elderly": S_("Per anziani"),
        "free": S_("Gratis"),
    },
    "topic": {
        "digital": S_("Digitale"),
        "language": S_("Lingua"),
        "walk": S_("Camminata"),
        "food": S_("Cibo"),
        "garden": S_("Orto"),
        "games": S_("Giochi"),
        "music": S_("Musica"),
        "other": S_("Altro"),
    },
    # The outcomes the actions store in English; anything a person typed shows as typed.
    "outcome": {
        "returned to the bot": S_("Ridata al bot"),
        "withdrawn by the resident": S_("Il residente non ne ha più bisogno"),
    },
    "help_outcome": {
        "came": S_("È venuto"),
        "spid_activated": S_("SPID attivato"),
        "another_visit": S_("Serve un'altra visita"),
        "no_show": S_("Non è venuto"),
    },
    "age_band": {
        "under_65": S_("meno di 65 anni"),
        "65_74": S_("da 65 a 74 anni"),
        "75_plus": S_("75 anni e più"),
        "unknown": S_("età non indicata"),
    },
    "language": {
        "it": S_("Italiano"),
        "en": S_("Inglese"),
        "ar": S_("Arabo"),
        "ro": S_("Rumeno"),
        "sq": S_("Albanese"),
        "uk": S_("Ucraino"),
        "zh": S_("Cinese"),
    },
    "hamlet": {
        "pending": S_("in attesa di pubblicazione"),
        "posted": S_("pubblicata"),
        "withheld": S_("non pubblicata"),
        "removed": S_("tolta"),
    },
    "channel": {
        "telegram": S_("Telegram"),
        "whatsapp": S_("WhatsApp"),
        "sms": S_("SMS"),
        "console": S_("Prova"),
    },
    "delivery": {
        "pending": S_("In coda"),
        "sending": S_("In invio"),
        "sent": S_("Inviato"),
        "delivered": S_("Consegnato"),
        "failed": S_("Non consegnato"),
        "skipped": S_("Saltato"),
    },
}


def label(kind: str, value: str | None) -> str:
    """The Italian word staff read for a stored code (the code itself when unknown)."""
    if value is None:
        return "—"
    return LABELS.get(kind, {}).get(value, value)


def staff_name(user: StaffUser | None) -> str | None:
    """How a colleague is named on screen."""
    if user is None:
        return None
    return user.display_name or user.email


def resident_name(resident: Resident, say: Callable[..., str] = in_italian) -> str:
    """How a resident is named on screen; `say` puts it in the staff member's words."""
    return resident.display_name or say(S_("Residente n. {number}"), number=resident.id)


def colleague_name(user: StaffUser) -> str:
    """How a colleague is offered in a list (a transfer): the name, never the whole e-mail."""
    return user.display_name or user.email.split("@", 1)[0]
