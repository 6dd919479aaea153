"""Failed sign-ins counted per client address and per username, in the shared cache.

The limit is checked before the password is: a client over it gets 429 without costing a
password hash (about half a second of CPU each, unknown usernames included). Each failure
counts against both the address and the username, in a window that opens with the first
failure; success counts nothing. A cache that cannot be reached lets sign-ins through and
logs a warning: it must not lock every user out; the breaker then leaves it alone for a few
seconds.
"""

import hashlib
import time
import unicodedata
from dataclasses import dataclass

from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

from calls.breaker import breaker_for
from tether_relay.signin.conf import app_settings


@dataclass(frozen=True, slots=True)
class Over:
    """A limit reached: which one, and the seconds until its window closes."""

    scope: str
    wait: float


class SignInLimits:
    """The failure counters of one sign-in attempt."""

    def __init__(self, *, address: str | None, username: str | None):
        self.cache = caches[app_settings.CACHE]
        self.breaker = breaker_for(app_settings.CACHE)
        self.window = app_settings.FAILURE_WINDOW
        self.counters = {}
        if address:
            self.counters["address"] = (_key("address", address), app_settings.FAILURES_PER_ADDRESS)
        if username and (name := canonical_username(username)):
            self.counters["username"] = (_key("username", name), app_settings.FAILURES_PER_USERNAME)

    @classmethod
    def of(cls, request, username) -> "SignInLimits":
        """The limits of a request: its address by DRF's rule (NUM_PROXIES), and the username
        as sent (a number is read as its text, as the sign-in form reads it)."""
        address = BaseThrottle().get_ident(request)
        if isinstance(username, int | float) and not isinstance(username, bool):
            username = str(username)
        return cls(address=address, username=username if isinstance(username, str) else None)

    def over(self) -> Over | None:
        """The first limit this attempt is over, if any; one cache call."""
        if not self.counters or not self.breaker.allow():
            return None
        keys = [k for key, _ in self.counters.values() for k in (key, key + ":start")]
        try:
            found = self.cache.get_many(keys)
        except Exception as error:  # noqa: BLE001 - any cache failure means the same here
            self.breaker.trip(error, "Sign-in limits: attempts allowed")
            return None
        self.breaker.succeeded()
        now = time.time()
        for scope, (key, limit) in self.counters.items():
            started = found.get(key + ":start")
            if started is not None and found.get(key, 0) >= limit:
                return Over(scope, max(1.0, started + self.window - now))
        return None

    def record_failure(self) -> None:
        """Count one failed attempt against the address and the username."""
        if not self.breaker.allow():
            return
        try:
            for key, _ in self.counters.values():
                self._increment(key)
        except Exception as error:  # noqa: BLE001 - any cache failure means the same here
            self.breaker.trip(error, "Sign-in limits: failures not counted")
            return
        self.breaker.succeeded()

    def _increment(self, key: str) -> int:
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first failure
            pass
        # The window's start, then its counter, both for the window's length.
        self.cache.add(key + ":start", time.time(), self.window)
        self.cache.add(key, 0, self.window)
        return self.cache.incr(key)


def canonical_username(username: str) -> str:
    """One name for every spelling that may sign in as the same user: without surrounding
    white space (the API's field and the admin's form strip it), NFKC-normalized (the admin's
    form does it, and so does Django when it stores a username), and case-folded."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _key(scope: str, value: str) -> str:
    # A digest: usernames and addresses are chosen by clients, cache keys must be safe. The
    # limits are counted before the request is validated: a lone surrogate (which JSON may
    # carry, and the serializer then refuses) is digested as it is.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"signin:failures:{scope}:{digest}"
