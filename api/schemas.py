"""Request and response bodies of the staff REST API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from actions.models import MAX_ID, Booking
from actions.notes import MAX_NOTE


class HandoffOut(BaseModel):
    """A handoff as staff see it."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    resident_id: int
    casa_id: int | None
    reason: str
    status: str
    urgent: bool
    claimed_by_staff_id: int | None
    outcome: str | None
    opened_at: datetime
    closed_at: datetime | None


class MessageOut(BaseModel):
    """One message of a conversation."""

    model_config = ConfigDict(from_attributes=True)
    direction: str
    channel: str
    text: str
    media: list[dict[str, str | None]]
    created_at: datetime


class HandoffDetail(HandoffOut):
    """A handoff with the recent transcript."""

    transcript: list[MessageOut]


class ReplyIn(BaseModel):
    """A person's answer to the resident."""

    text: str = Field(min_length=1, max_length=1600)


class CloseIn(BaseModel):
    """How the handoff ended."""

    outcome: str = Field(min_length=1, max_length=200)


class NoteIn(BaseModel):
    """An internal note for colleagues; the resident never sees it."""

    text: str = Field(min_length=1, max_length=MAX_NOTE)


class NoteOut(BaseModel):
    """A note on a handoff."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    handoff_id: int
    staff_id: int | None
    text: str
    created_at: datetime


# An id in a body: one no row can have is a 422 with the reason, never a database error.
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


class TransferIn(BaseModel):
    """Pass to another Casa and/or a colleague (one of the two at least)."""

    casa_id: RowId | None = None
    staff_id: RowId | None = None


class NeedOut(BaseModel):
    """A need as staff see it."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    reference: str
    category: str
    description: str
    location: str
    quartiere: str | None
    consent_contact: bool
    status: str
    created_at: datetime
    updated_at: datetime


class BookingOut(BaseModel):
    """A SPID booking as staff see it: the seat, its state and who it is for."""

    id: int
    code: str
    slot_id: int
    casa_id: int
    starts_at: datetime
    status: str
    for_whom: str | None  # the resident's words ("mia moglie"); None: the resident
    created_at: datetime
    outcome: str | None

    @classmethod
    def from_booking(cls, booking: Booking) -> BookingOut:
        """From a booking loaded with its slot."""
        return cls(
            id=booking.id,
            code=booking.code,
            slot_id=booking.slot_id,
            casa_id=booking.slot.casa_id,
            starts_at=booking.slot.starts_at,
            status=booking.status,
            for_whom=booking.for_whom,
            created_at=booking.created_at,
            outcome=booking.outcome,
        )


class NeedStatusIn(BaseModel):
    """A new status for a need; the resident is told."""

    status: Literal["open", "in_progress", "solved"]


class BroadcastIn(BaseModel):
    """A new announcement; Italian is required and is the fallback for other languages."""

    texts: dict[Literal["it", "en", "ar", "ro", "sq", "uk", "zh"], str] = Field(min_length=1)
    quartiere: str | None = None
    language: Literal["it", "en", "ar", "ro", "sq", "uk", "zh"] | None = None
    channel: Literal["telegram", "whatsapp", "sms"] | None = None
    scheduled_at: datetime | None = None
    whatsapp_content_sid: str | None = Field(default=None, max_length=64)
    whatsapp_variables: dict[str, str] = Field(default_factory=dict)


class BroadcastStatus(BaseModel):
    """Where a broadcast stands."""

    id: int
    state: str
    total: int
    sent: int
    delivered: int
    failed: int
    skipped: int
    pending: int


class Problem(BaseModel):
    """What went wrong, in words."""

    detail: str


# The errors every staff route may answer, documented so clients (and schemathesis) know.
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": Problem, "description": "Bad request"},
    401: {"model": Problem, "description": "Not logged in, or the token is not valid"},
    403: {"model": Problem, "description": "The role does not allow it"},
    404: {"model": Problem, "description": "Not found (or not visible to the caller)"},
    409: {"model": Problem, "description": "Not possible in the current state"},
}
