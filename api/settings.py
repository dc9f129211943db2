"""The one settings object: every PORTINERIA_ variable, read once at an entrypoint."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_LANGUAGES = ("it", "en", "ar", "ro", "sq", "uk", "zh")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/portineria.db"


class Settings(BaseSettings):
    """Configuration from the environment (and an optional .env file)."""

    model_config = SettingsConfigDict(env_prefix="PORTINERIA_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    database_schema: str | None = Field(default=None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    redis_url: str | None = None
    public_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8000")
    default_language: Literal["it", "en", "ar", "ro", "sq", "uk", "zh"] = "it"
    timezone: str = "Europe/Rome"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line, for collectors
    # `serve --web-only`: answer HTTP only; the turns and the sending run in `portineria worker`.
    web_only: bool = False
    # Signs the console's session cookie. Unset, each process makes up its own (fine for the
    # demo; in production every restart would log staff out, and workers would disagree).
    secret_key: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32)), min_length=32
    )

    # /docs, /redoc and /openapi.json for anyone (the demo) or only for logged-in staff.
    public_docs: bool = True

    telegram_token: str | None = None
    telegram_secret_token: str | None = None
    telegram_api_url: AnyHttpUrl = AnyHttpUrl("https://api.telegram.org")
    telegram_staff_chat_id: int | None = None

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_sms_from: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_url: AnyHttpUrl = AnyHttpUrl("https://api.twilio.com")
    # A Messaging Service (a pool of numbers, an alphanumeric sender) sends SMS instead of
    # TWILIO_SMS_FROM; with a pool or a short code the rate can go past 1 a second.
    twilio_messaging_service_sid: str | None = None
    sms_per_second: int = Field(default=1, ge=1, le=1000)  # the SMS sender's rate

    # Hamlet (HumHub): its base URL and an API Bearer token; without both, no bridge runs.
    hamlet_url: AnyHttpUrl | None = None
    hamlet_token: str | None = None
    hamlet_sync_minutes: int = Field(default=15, ge=1)
    hamlet_timezone: str = "Europe/Rome"  # the HumHub server's system zone: its stored times

    sms_segment_cost: float = Field(default=0.08, ge=0)  # EUR, for broadcast previews
    message_retention_days: int = Field(default=365, ge=1)  # the message log is purged after
    flood_per_minute: int = Field(default=20, ge=1)  # a resident's messages, then slowed down
    nlu_backend: Literal["builtin", "rasa"] = "builtin"
    rasa_url: AnyHttpUrl | None = None
    nlu_model_dir: Path = Path("var/nlu")
    nlu_threshold: float = Field(default=0.45, ge=0.0, le=1.0)

    @field_validator("database_url")
    @classmethod
    def _database_url_is_async(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("timezone", "hamlet_timezone")
    @classmethod
    def _timezone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Rome)") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


def async_database_url(value: str) -> str:
    """The URL with its async driver: operators paste plain URLs, the code uses only those."""
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ValueError(f"not a database URL: {exc}") from None
    drivers = {
        "sqlite": "sqlite+aiosqlite",
        "postgresql": "postgresql+asyncpg",
        "postgres": "postgresql+asyncpg",
    }
    backend = url.drivername.split("+")[0]
    if backend not in drivers:
        raise ValueError("use sqlite:///path.db or postgresql://user@host/db")
    return url.set(drivername=drivers[backend]).render_as_string(hide_password=False)


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one readable line per setting."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"PORTINERIA_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"Invalid configuration: {problems}") from None
