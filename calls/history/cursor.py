"""Keyset cursors for the history: the position after the last call of a page.

A cursor is the last call's start time, in microseconds since the epoch, and its id:
``1796017673807620.1234``. It reveals nothing the page did not already show, any cursor of that
form is a valid position, and reading the next page costs one indexed query however deep it
is.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Up to the year 2286, and ids within a 64-bit column: what the database can compare.
CURSOR_PATTERN = r"^[0-9]{1,16}\.[1-9][0-9]{0,17}$"
_CURSOR = re.compile(CURSOR_PATTERN.replace("^", r"\A").replace("$", r"\Z"))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Position:
    started_at: datetime
    id: int


def cursor_encode(position: Position) -> str:
    elapsed = position.started_at - _EPOCH
    microseconds = (elapsed.days * 86_400 + elapsed.seconds) * 1_000_000 + elapsed.microseconds
    return f"{microseconds}.{position.id}"


def cursor_decode(cursor: str) -> Position:
    if not _CURSOR.match(cursor):
        raise InvalidCursor(cursor)
    microseconds, pk = cursor.split(".")
    return Position(_EPOCH + timedelta(microseconds=int(microseconds)), int(pk))
