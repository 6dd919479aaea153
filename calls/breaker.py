"""A per-process circuit breaker for a cache that just failed: stop asking it for a while.

A cache that does not answer costs each request its client's timeout. After one failure the
breaker opens: for ``pause`` seconds callers skip the cache at once (and fail open), then one
request tries it again, which closes the breaker if the cache answers.
"""

import logging
import time

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 3.0


class CacheBreaker:
    """Whether to ask the cache named ``alias`` now, in this process."""

    def __init__(self, alias: str, *, pause: float = PAUSE_SECONDS):
        self.alias = alias
        self.pause = pause
        self._open_until = 0.0

    @property
    def open(self) -> bool:
        """True while the cache is to be left alone."""
        return time.monotonic() < self._open_until

    def trip(self, error: Exception, what: str) -> None:
        """A call failed: leave the cache alone for ``pause`` seconds, and say so once."""
        self._open_until = time.monotonic() + self.pause
        # The class name only: a cache client's message may carry its URL and password.
        logger.warning(
            "%s: cache %r unreachable (%s); not asked again for %.0f s",
            what,
            self.alias,
            type(error).__name__,
            self.pause,
        )


_breakers: dict[str, CacheBreaker] = {}


def breaker_for(alias: str) -> CacheBreaker:
    """The process's one breaker for a cache alias."""
    if alias not in _breakers:
        _breakers[alias] = CacheBreaker(alias)
    return _breakers[alias]
