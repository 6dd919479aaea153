"""Keyset cursors for the history: the position after the last call of a page.

A cursor is the last call's start time and id, base64-encoded. It reveals nothing a page did
not already show, and reading the next page costs one indexed query however deep it is.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Position:
    started_at: datetime
    id: int


def cursor_encode(position: Position) -> str:
    text = f"{position.started_at.astimezone(UTC).isoformat()}|{position.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> Position:
    if not cursor or len(cursor) > 100:
        raise InvalidCursor(cursor)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        started, _, pk = text.partition("|")
        started_at = datetime.fromisoformat(started)
        position = Position(started_at=started_at, id=int(pk))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor(cursor) from None
    if started_at.tzinfo is None or position.id < 1:
        raise InvalidCursor(cursor)
    return position
