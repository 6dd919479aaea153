"""A per-process circuit breaker for a dependency that just failed: stop asking it for a while.

A cache or database that does not answer costs each request its client's timeout. After one
failure the breaker opens: for ``pause`` seconds callers skip the dependency at once (the
throttle fails open, the database answers 503), then one caller at a time may try it again (a
probe). A probe that succeeds closes the breaker (nothing else does); one that fails opens it
for another pause.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 3.0


class Breaker:
    """Whether to call the dependency named ``alias`` now, in this process.

    Cheap when closed (one attribute read), and safe under threaded workers: of the threads
    that find the pause over, one gets the probe, the others wait for the next pause.
    """

    def __init__(self, alias: str, *, kind: str = "cache", pause: float = PAUSE_SECONDS):
        self.alias = alias
        self.kind = kind
        self.pause = pause
        self._open_until = 0.0  # 0.0: closed
        self._prober: int | None = None  # the thread trying it again, until it reports
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        return not self._open_until

    def allow(self) -> bool:
        """True to call the dependency: always while closed, then for one thread per pause (a
        probe), as often as it asks until it reports."""
        if not self._open_until:
            return True
        with self._lock:
            now = time.monotonic()
            if self._prober == threading.get_ident() or now >= self._open_until:
                # This thread probes; the others keep skipping until it reports or a pause
                # passes without a report.
                self._prober = threading.get_ident()
                self._open_until = max(self._open_until, now + self.pause)
                return True
            return False

    def succeeded(self) -> None:
        """A call answered: close, if it was the probe. A call let through before the breaker
        opened, or a later round trip of the request whose failure opened it (a database's
        rollback), says nothing about the dependency now."""
        if self._open_until and self._prober == threading.get_ident():
            self._open_until = 0.0
            self._prober = None
            logger.warning("%s %r answers again", self.kind.capitalize(), self.alias)

    def reset(self) -> None:
        """Close without a word: a fresh start."""
        self._open_until = 0.0
        self._prober = None

    def trip(self, error: Exception, what: str) -> None:
        """A call failed: skip the dependency for ``pause`` seconds, and say so."""
        self._open_until = time.monotonic() + self.pause
        self._prober = None
        # The class name only: a client's message may carry its URL and password.
        logger.warning(
            "%s: %s %r unreachable (%s); not asked again for %.0f s",
            what,
            self.kind,
            self.alias,
            type(error).__name__,
            self.pause,
        )


_breakers: dict[tuple[str, str], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(alias: str, *, kind: str = "cache") -> Breaker:
    """The process's one breaker for a cache (or, with ``kind="database"``, a database) alias."""
    key = (kind, alias)
    breaker = _breakers.get(key)
    if breaker is None:
        with _breakers_lock:
            breaker = _breakers.setdefault(key, Breaker(alias, kind=kind))
    return breaker
