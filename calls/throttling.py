"""Per-user rate limit of the token endpoint, counted in a shared Django cache."""

from django.core.cache import caches
from rest_framework.throttling import UserRateThrottle

from calls.breaker import breaker_for
from calls.conf import app_settings

COUNTER_GRACE_SECONDS = 60


class VoiceTokenRateThrottle(UserRateThrottle):
    """At most ``CALLS_TOKEN_THROTTLE_RATE`` token requests per user in each window.

    A user's window opens with their first request and lasts the rate's period. Requests are
    counted with the cache's atomic increment, not DRF's read-modify-write of a history list:
    under that, processes and servers counting one user at the same moment overwrite each
    other's entries and accept more than the limit between them.

    When the cache cannot be reached the request is let through (fail open) and a warning is
    logged: the caller is already authenticated, and a cache outage must not stop every
    softphone in every organization from registering. A per-process breaker then leaves the
    cache alone for a few seconds, so that its outage costs no request a timeout.
    """

    scope = "voice_token"
    # Not DRF's key: a server still running DRF's counting reads a list there.
    cache_format = "throttle_%(scope)s_window_%(ident)s"

    def __init__(self):
        self.cache = caches[app_settings.THROTTLE_CACHE]
        super().__init__()

    def get_rate(self) -> str:
        return app_settings.TOKEN_THROTTLE_RATE

    def allow_request(self, request, view) -> bool:
        breaker = breaker_for(app_settings.THROTTLE_CACHE)
        if not breaker.allow():
            return True
        try:
            allowed = self._count(request, view)
        except Exception as error:  # noqa: BLE001 - any cache failure means the same here
            breaker.trip(error, "Token throttle: requests allowed")
            return True
        breaker.succeeded()
        return allowed

    def _count(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        self.window_start = self._window_start()
        return self._increment(f"{self.key}:{self.window_start!r}") <= self.num_requests

    def _increment(self, counter: str) -> int:
        """The window's count after this request; one cache call once the window is open."""
        try:
            return self.cache.incr(counter)
        except ValueError:  # the window's first request: no counter yet
            pass
        # The counter outlives its window, so that no increment can find it just expired.
        self.cache.add(counter, 0, self.duration + COUNTER_GRACE_SECONDS)
        return self.cache.incr(counter)

    def _window_start(self) -> float:
        """When the user's current window opened: now, unless another request opened it.

        Read first: every request but a window's first finds it there, in one cache call.
        """
        for _ in range(3):
            start = self.cache.get(self.key)
            if start is not None:
                return start
            if self.cache.add(self.key, self.now, self.duration):
                return self.now
        raise RuntimeError("The throttle cache keeps losing the window it was just given.")

    def wait(self) -> float:
        """Seconds until the window closes; at least one, so that Retry-After is always sent."""
        return max(1.0, self.window_start + self.duration - self.now)


class CallHistoryRateThrottle(VoiceTokenRateThrottle):
    """``CALLS_HISTORY_THROTTLE_RATE`` history and voicemail requests per user, counted apart
    from token requests."""

    scope = "call_history"

    def get_rate(self) -> str:
        return app_settings.HISTORY_THROTTLE_RATE
