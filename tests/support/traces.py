"""Where words are still stored: every text and JSON column of every table, searched."""

from __future__ import annotations

import json

from sqlalchemy import JSON, String, Text, select

from actions.db import SessionFactory
from actions.models import Base


async def traces(sessions: SessionFactory, *words: str) -> list[tuple[str, str, str]]:
    """(table, column, stored value) for each stored value containing one of `words`
    (case-insensitive); JSON values are searched as their text (non-ASCII kept)."""
    wanted = [w.casefold() for w in words if w]
    found: list[tuple[str, str, str]] = []
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:
            columns = [
                c
                for c in table.columns
                if isinstance(c.type, String | Text | JSON)
                or isinstance(getattr(c.type, "impl", None), String | Text | JSON)
            ]
            if not columns:
                continue
            for row in (await session.execute(select(*columns))).all():
                for column, value in zip(columns, row, strict=True):
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    if any(w in text.casefold() for w in wanted):
                        found.append((table.name, column.name, text))
    return found
