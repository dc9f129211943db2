"""The Italian words staff read for stored codes, in the console and the custodians' groups."""

from __future__ import annotations

from actions.models import Resident, StaffUser

LABELS: dict[str, dict[str, str]] = {
    "role": {"custodian": "Custode", "community_manager": "Community manager", "admin": "Admin"},
    "handoff": {"waiting": "In attesa", "claimed": "Presa in carico", "closed": "Chiusa"},
    "reason": {
        "asked": "Ha chiesto una persona",
        "emergency": "Emergenza",
        "self_harm": "Vuole farsi del male",
        "scam": "Forse una truffa",
        "company": "Si sente solo, vuole compagnia",
        "misunderstood": "Il bot non ha capito",
        "media": "Vocale o foto",
    },
    "need": {"open": "Aperta", "in_progress": "In lavorazione", "solved": "Risolta"},
    "need_action": {"open": "Riapri", "in_progress": "Prendi in lavorazione", "solved": "Risolta"},
    "category": {
        "shopping": "Spesa",
        "transport": "Accompagnamento",
        "company": "Compagnia",
        "street": "Strada",
        "waste": "Rifiuti",
        "lighting": "Illuminazione",
        "other": "Altro",
    },
    "topic": {
        "digital": "Digitale",
        "language": "Lingua",
        "walk": "Camminata",
        "food": "Cibo",
        "garden": "Orto",
        "games": "Giochi",
        "music": "Musica",
        "other": "Altro",
    },
    # The outcomes the actions store in English; anything a person typed shows as typed.
    "outcome": {
        "returned to the bot": "Ridata al bot",
        "withdrawn by the resident": "Il residente non ne ha più bisogno",
    },
    "help_outcome": {
        "came": "È venuto",
        "spid_activated": "SPID attivato",
        "another_visit": "Serve un'altra visita",
        "no_show": "Non è venuto",
    },
    "age_band": {
        "under_65": "meno di 65 anni",
        "65_74": "da 65 a 74 anni",
        "75_plus": "75 anni e più",
        "unknown": "età non indicata",
    },
    "language": {
        "it": "Italiano",
        "en": "Inglese",
        "ar": "Arabo",
        "ro": "Rumeno",
        "sq": "Albanese",
        "uk": "Ucraino",
        "zh": "Cinese",
    },
    "hamlet": {
        "pending": "in attesa di pubblicazione",
        "posted": "pubblicata",
        "withheld": "non pubblicata",
        "removed": "tolta",
    },
    "channel": {"telegram": "Telegram", "whatsapp": "WhatsApp", "sms": "SMS", "console": "Prova"},
    "delivery": {
        "pending": "In coda",
        "sending": "In invio",
        "sent": "Inviato",
        "delivered": "Consegnato",
        "failed": "Non consegnato",
        "skipped": "Saltato",
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


def resident_name(resident: Resident) -> str:
    """How a resident is named on screen."""
    return resident.display_name or f"Residente n. {resident.id}"


def colleague_name(user: StaffUser) -> str:
    """How a colleague is offered in a list (a transfer): the name, never the whole e-mail."""
    return user.display_name or user.email.split("@", 1)[0]
