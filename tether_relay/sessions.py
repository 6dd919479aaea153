"""Database sessions whose rows name a digest of the cookie's key, never the key itself.

Django's database sessions store the session cookie's value as the row's key, so a copy of
the database would sign its reader in as any administrator with a live session. Here the row
holds the first 160 bits of the key's SHA-256: the cookie still finds its row, and the
database alone opens nothing. Sessions stay on the server, so signing out ends them.
"""

import hashlib

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone


def stored_key(session_key: str | None) -> str | None:
    """What the table keeps for a cookie's session key (40 hexadecimal characters)."""
    if not session_key:
        return session_key
    return hashlib.sha256(session_key.encode()).hexdigest()[:40]


class SessionStore(db.SessionStore):
    """``django.contrib.sessions.backends.db``, keyed by ``stored_key``."""

    def _get_session_from_db(self):
        try:
            return self.model.objects.get(
                session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation):
            self._session_key = None
            return None

    async def _aget_session_from_db(self):
        try:
            return await self.model.objects.aget(
                session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation):
            self._session_key = None
            return None

    def exists(self, session_key):
        return super().exists(stored_key(session_key))

    async def aexists(self, session_key):
        return await super().aexists(stored_key(session_key))

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.session_key = stored_key(instance.session_key)
        return instance

    async def acreate_model_instance(self, data):
        instance = await super().acreate_model_instance(data)
        instance.session_key = stored_key(instance.session_key)
        return instance

    def delete(self, session_key=None):
        super().delete(stored_key(session_key if session_key is not None else self.session_key))

    async def adelete(self, session_key=None):
        key = session_key if session_key is not None else self.session_key
        await super().adelete(stored_key(key))
