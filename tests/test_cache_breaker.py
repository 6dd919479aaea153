"""A cache that fails is left alone for a few seconds: no request waits on it meanwhile."""

import time
from http import HTTPStatus

import pytest
from django.core.cache.backends.locmem import LocMemCache

from calls.breaker import PAUSE_SECONDS
from tests.conftest import TOKEN_URL, bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_cache(monkeypatch):
    """Every call to the local-memory cache fails, and is counted."""
    calls = []

    def down(*args, **kwargs):
        calls.append(1)
        raise ConnectionError("cache down")

    for name in ("get", "get_many", "add", "incr"):
        monkeypatch.setattr(LocMemCache, name, down)
    return calls


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic, moved by the test."""
    now = [time.monotonic()]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    return now


def test_the_throttle_stops_asking_a_failed_cache_then_tries_again(
    api_client, user, failing_cache, clock, caplog
):
    headers = bearer(user)

    statuses = [api_client.get(TOKEN_URL, **headers).status_code for _ in range(5)]

    assert statuses == [HTTPStatus.OK] * 5
    assert len(failing_cache) == 1  # the first request only; the other four skipped it
    assert caplog.text.count(f"not asked again for {PAUSE_SECONDS:.0f} s") == 1
    clock[0] += PAUSE_SECONDS + 0.1
    api_client.get(TOKEN_URL, **headers)
    assert len(failing_cache) == 2  # one request tries it again


def test_sign_in_limits_stop_asking_a_failed_cache(api_client, failing_cache, clock):
    user = UserFactory()
    body = {"username": user.username, "password": "wrong"}

    statuses = [
        api_client.post("/api/auth/token", body, format="json").status_code for _ in range(4)
    ]

    assert statuses == [HTTPStatus.UNAUTHORIZED] * 4
    assert len(failing_cache) == 1
