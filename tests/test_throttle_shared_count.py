"""The per-user limit holds when many processes count the same user at the same moment."""

import threading
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from calls.throttling import VoiceTokenRateThrottle


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    settings.CALLS_TOKEN_THROTTLE_RATE = "10/minute"
    cache.clear()
    yield
    cache.clear()


class Sluggish:
    """The test cache, pausing around every call as a remote cache does: calls interleave."""

    def __init__(self, backend):
        self._backend = backend

    def __getattr__(self, name):
        method = getattr(self._backend, name)

        def call(*args, **kwargs):
            time.sleep(0.002)
            result = method(*args, **kwargs)
            time.sleep(0.002)
            return result

        return call


def _request(user_id: str = "7"):
    return SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=user_id), META={})


def _throttle(clock=None) -> VoiceTokenRateThrottle:
    throttle = VoiceTokenRateThrottle()
    throttle.cache = Sluggish(cache)
    if clock is not None:
        throttle.timer = clock
    return throttle


def test_concurrent_requests_of_one_user_never_exceed_the_limit():
    allowed = []

    def worker():
        for _ in range(5):
            allowed.append(_throttle().allow_request(_request(), view=None))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert allowed.count(True) == 10
    assert allowed.count(False) == 30


def test_the_window_opens_with_the_first_request_and_retry_after_says_when_it_closes():
    now = [1000.0]

    def clock():
        return now[0]

    assert all(_throttle(clock).allow_request(_request(), view=None) for _ in range(10))
    now[0] = 1040.0
    refused = _throttle(clock)

    assert refused.allow_request(_request(), view=None) is False
    assert refused.wait() == pytest.approx(20.0)

    cache.delete(refused.key)  # what the cache does when the window's time is up
    now[0] = 1061.0
    assert _throttle(clock).allow_request(_request(), view=None) is True


def test_a_request_in_an_open_window_costs_two_cache_calls():
    calls = []

    class Counting(Sluggish):
        def __getattr__(self, name):
            calls.append(name)
            return getattr(self._backend, name)

    _throttle().allow_request(_request(), view=None)
    throttle = VoiceTokenRateThrottle()
    throttle.cache = Counting(cache)
    calls.clear()

    assert throttle.allow_request(_request(), view=None) is True
    assert calls == ["get", "incr"]
