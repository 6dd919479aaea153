"""Django's SQLite backend, with each statement's placeholders converted once per process.

Python's ``sqlite3`` takes ``?`` placeholders; Django's cursor rewrites every statement's
``%s`` into them with a regular expression on each execution, which for the token endpoint's
caller query (a statement of some 1,300 characters) costs more than running it. The rewrite
depends on the SQL text alone, so it is kept, for the most recent statements, and looked up.

Use it as ``ENGINE = "tether_relay.sqlite3"`` (the host project's settings do for every
SQLite ``DATABASE_URL``).
"""

from functools import lru_cache

from django.db.backends.sqlite3 import base


@lru_cache(maxsize=1024)
def _qmark_style(query: str) -> str:
    """Django's own rewrite of a "format" style statement, done once per text."""
    return base.SQLiteCursorWrapper.convert_query(None, query)


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark_style(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
