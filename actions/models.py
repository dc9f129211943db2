"""The SQLAlchemy models: residents, places, bookings, needs, handoffs, staff, outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite hands back naive values, so put the zone back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Row ids are INTEGER columns (PostgreSQL's int4): a larger number names no row, and asking
# the database for it would overflow (SQLite) or fail (PostgreSQL) instead of finding nothing.
MAX_ID = 2**31 - 1


def possible_id(value: int) -> bool:
    """Whether a row could have this id (guard ids from paths, forms and chat commands)."""
    return 1 <= value <= MAX_ID


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Casa(Base):
    """A Casa di Quartiere: a place with opening hours, custodians, events and SPID slots."""

    __tablename__ = "case_di_quartiere"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    quartiere: Mapped[str] = mapped_column(String(120), index=True)
    address: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    # {"0": [["09:00", "12:30"], ...], ...}: weekday (Monday = 0) -> opening intervals
    opening_hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Resident(Base):
    """A person writing to the bot, known by one or more channel addresses."""

    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8), default="it")
    language_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    quartiere: Mapped[str | None] = mapped_column(String(120))
    display_name: Mapped[str | None] = mapped_column(String(120))
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Asked for spoken answers: each reply also goes as a voice note (Telegram, WhatsApp).
    voice_replies: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime]
    addresses: Mapped[list[ChannelAddress]] = relationship(back_populates="resident")


class ChannelAddress(Base):
    """How to reach a resident on one channel (telegram chat id, phone number)."""

    __tablename__ = "channel_addresses"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_channel_address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    last_inbound_at: Mapped[datetime | None]
    resident: Mapped[Resident] = relationship(back_populates="addresses")


class Subscription(Base):
    """A resident asked for the announcements of one neighbourhood."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("resident_id", "quartiere", name="uq_subscription"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    quartiere: Mapped[str] = mapped_column(String(120), index=True)
    created_at: Mapped[datetime]


class Conversation(Base):
    """The stored state of a resident's conversation and who holds it."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    held_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    last_channel: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime]


class MessageLog(Base):
    """Every message in and out; the provider id dedupes retried webhooks."""

    __tablename__ = "message_log"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_id", name="uq_message_provider_id"),
        Index("ix_message_log_resident_created", "resident_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    text: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[Any]] = mapped_column(default=list)
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    intent: Mapped[str | None] = mapped_column(String(40))
    # Who wrote a message out: a person (their id) or the bot (None); a bot reply's options,
    # so the console can show "3 - Segnalare un bisogno" for the resident's bare "3".
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    options: Mapped[list[Any] | None]
    created_at: Mapped[datetime]


class Event(Base):
    """Something happening at a Casa di Quartiere."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    casa_id: Mapped[int] = mapped_column(ForeignKey("case_di_quartiere.id"))
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(40), default="other")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    accessibility: Mapped[str] = mapped_column(String(200), default="")
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # "console" (staff made it) or "hamlet" (the sync keeps it in step with Hamlet's calendar).
    source: Mapped[str] = mapped_column(String(16), default="console", server_default="console")
    hamlet_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    hamlet_url: Mapped[str | None] = mapped_column(String(500))
    all_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    casa: Mapped[Casa] = relationship()
    # more topics than its kind: who it is for and what it costs ("children", "free")
    more_topics: Mapped[list[EventTopic]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    @property
    def topics(self) -> tuple[str, ...]:
        """Its kind, then its other topics."""
        return (self.topic, *(t.topic for t in self.more_topics))


class EventTopic(Base):
    """One more topic of an event: an event for children may be music and free as well."""

    __tablename__ = "event_topics"
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(40), primary_key=True)


class SpidSlot(Base):
    """A SPID assistance session with a limited number of seats."""

    __tablename__ = "spid_slots"
    id: Mapped[int] = mapped_column(primary_key=True)
    casa_id: Mapped[int] = mapped_column(ForeignKey("case_di_quartiere.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    seats: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    casa: Mapped[Casa] = relationship()


class Booking(Base):
    """A resident's seat in a SPID slot."""

    __tablename__ = "bookings"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("spid_slots.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # who the seat is for when not the resident ("mia moglie"), in the resident's words
    for_whom: Mapped[str | None] = mapped_column(String(80))
    # How it went, recorded by the custodian after the session (actions/help_records.py).
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str | None] = mapped_column(String(300))
    age_band: Mapped[str | None] = mapped_column(String(12))
    outcome_at: Mapped[datetime | None]
    outcome_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    slot: Mapped[SpidSlot] = relationship()


class Need(Base):
    """Something a resident reported, with a reference and a status they are told about."""

    __tablename__ = "needs"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(200), default="")
    quartiere: Mapped[str | None] = mapped_column(String(120))
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    # May it be shared (without name or number) on the Casa's Hamlet space?
    consent_hamlet: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StaffUser(Base):
    """A custodian, community manager or admin."""

    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))  # custodian | community_manager | admin
    casa_id: Mapped[int | None] = mapped_column(ForeignKey("case_di_quartiere.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    api_token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A console session carries the version it was opened with; raising it (logout, disable,
    # a new password) ends every session of the account at its next request.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The console's language for this person: "it" or "en" (api.console.web.CONSOLE_LANGUAGES).
    language: Mapped[str] = mapped_column(String(8), default="it", server_default="it")
    created_at: Mapped[datetime]


class Handoff(Base):
    """A conversation passed to a person."""

    __tablename__ = "handoffs"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    casa_id: Mapped[int | None] = mapped_column(ForeignKey("case_di_quartiere.id"))
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    # Danger to someone: first in the queue, marked in the console and the staff groups.
    urgent: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    claimed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    outcome: Mapped[str | None] = mapped_column(String(200))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Broadcast(Base):
    """An announcement to the residents who asked for it."""

    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(primary_key=True)
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # language -> text
    quartiere: Mapped[str | None] = mapped_column(String(120))
    language: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    created_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Twilio Content API template for WhatsApp residents outside the 24-hour window.
    whatsapp_content_sid: Mapped[str | None] = mapped_column(String(64))
    whatsapp_variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scheduled_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


OPEN_REPLIES = "status IN ('pending', 'sending') AND kind <> 'broadcast'"
OPEN_BROADCASTS = "status IN ('pending', 'sending') AND kind = 'broadcast'"


class Delivery(Base):
    """The outbox: one outbound message, written with the state change, sent by a sender."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        # The sender keeps each chat in order: it looks for an earlier open row per address.
        Index("ix_deliveries_address", "channel", "address", "status"),
        # ...and claims the oldest open rows, replies before broadcasts: with these, a claim
        # reads a few index entries, not every row of a 100,000-resident broadcast.
        Index(
            "ix_deliveries_open_replies",
            "channel",
            "id",
            postgresql_where=text(OPEN_REPLIES),
            sqlite_where=text(OPEN_REPLIES),
        ),
        Index(
            "ix_deliveries_open_broadcasts",
            "channel",
            "id",
            postgresql_where=text(OPEN_BROADCASTS),
            sqlite_where=text(OPEN_BROADCASTS),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # reply | relay | reminder | broadcast | notice
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    provider_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    error: Mapped[str | None] = mapped_column(String(200))
    segments: Mapped[int | None] = mapped_column(Integer)  # SMS billing units, once sent
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who did what, when: every staff action."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(80), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class HandoffNote(Base):
    """An internal note staff add to a handoff; the resident never sees it."""

    __tablename__ = "handoff_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Erasing a resident erases their handoffs, and the notes about them with those.
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Arrival(Base):
    """The inbox: a resident's message as the webhook received it, until a turn answers it.

    Webhooks only write this row and answer; the conversation runs after, in the intake
    (any process). The row is deleted once answered; one that keeps failing stays, "failed".
    """

    __tablename__ = "arrivals"
    __table_args__ = (
        # A provider's retry of the same message adds nothing.
        UniqueConstraint("channel", "provider_message_id", name="uq_arrival_provider_id"),
        # The intake keeps each address in order: it looks for an earlier waiting row.
        Index("ix_arrivals_address", "channel", "address", "id"),
        Index(
            "ix_arrivals_waiting",
            "id",
            postgresql_where=text("status = 'waiting'"),
            sqlite_where=text("status = 'waiting'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the Inbound, as JSON
    status: Mapped[str] = mapped_column(String(12), default="waiting")  # waiting | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime]  # a claimed row is leased: due again if its intake dies
    error: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(64))  # the webhook call, for the logs
    received_at: Mapped[datetime]


class HamletSpace(Base):
    """A Casa's space on Hamlet (HumHub): its content container and how its sync went."""

    __tablename__ = "hamlet_spaces"
    casa_id: Mapped[int] = mapped_column(
        ForeignKey("case_di_quartiere.id", ondelete="CASCADE"), primary_key=True
    )
    container_id: Mapped[int] = mapped_column(Integer, unique=True)
    next_sync_at: Mapped[datetime | None]  # claimed by one worker at a time
    synced_at: Mapped[datetime | None]  # the last sync that completed
    last_error: Mapped[str | None] = mapped_column(String(200))
    failures: Mapped[int] = mapped_column(Integer, default=0)  # ever: /metrics counts them
    casa: Mapped[Casa] = relationship()


class HamletPost(Base):
    """A need shared on its Casa's Hamlet space: pending, posted, withheld or removed."""

    __tablename__ = "hamlet_posts"
    __table_args__ = (Index("ix_hamlet_posts_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), unique=True)
    container_id: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)  # already scrubbed of names and numbers
    state: Mapped[str] = mapped_column(String(12), default="pending")
    post_id: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]  # a claimed row is leased until then
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]


class SpokenClip(Base):
    """A voice note read aloud for a WhatsApp resident, served to Twilio at an unguessable
    URL until it expires (Twilio fetches it once, when it sends the message)."""

    __tablename__ = "spoken_clips"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
