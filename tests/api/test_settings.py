"""The one settings object."""

from __future__ import annotations

import pytest

from api.settings import SettingsError, load_settings


def test_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/tmp")
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.default_language == "it" and settings.timezone == "Europe/Rome"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORTINERIA_DATABASE_URL", "not a url"),
        ("PORTINERIA_DATABASE_URL", "mysql://user@host/db"),
        ("PORTINERIA_DEFAULT_LANGUAGE", "fr"),
        ("PORTINERIA_TIMEZONE", "Europe/Nowhere"),
        ("PORTINERIA_PUBLIC_URL", "ftp:/x"),
        ("PORTINERIA_TELEGRAM_STAFF_CHAT_ID", "abc"),
        ("PORTINERIA_NLU_BACKEND", "gpt"),
    ],
)
def test_a_malformed_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_plain_database_urls_get_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTINERIA_DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    assert load_settings().database_url == "postgresql+asyncpg://postgres@127.0.0.1/test"
