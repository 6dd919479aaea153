"""429: the per-user limit on token requests, counted in the configured cache."""

from http import HTTPStatus

import pytest
from django.core.cache import cache

from tests.contract import assert_matches_contract
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_over_the_limit_is_a_429_envelope_with_retry_after(get_token, user, settings):
    settings.CALLS_TOKEN_THROTTLE_RATE = "3/minute"

    statuses = [get_token(user).status_code for _ in range(3)]
    response = get_token(user)

    assert statuses == [HTTPStatus.OK] * 3
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    body = assert_matches_contract(response)
    assert body["success"] is False
    assert body["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Cache-Control"] == "no-store"


def test_the_limit_is_per_user(get_token, user, settings):
    settings.CALLS_TOKEN_THROTTLE_RATE = "1/minute"
    other = UserFactory()

    get_token(user)

    assert get_token(user).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert get_token(other).status_code == HTTPStatus.OK


def test_default_is_sixty_a_minute(get_token, user, settings):
    del settings.CALLS_TOKEN_THROTTLE_RATE

    statuses = [get_token(user).status_code for _ in range(61)]

    assert statuses[:60] == [HTTPStatus.OK] * 60
    assert statuses[60] == HTTPStatus.TOO_MANY_REQUESTS


def test_errors_count_too(get_token, settings):
    settings.CALLS_TOKEN_THROTTLE_RATE = "2/minute"
    user = UserFactory(organization=None)

    statuses = [get_token(user).status_code for _ in range(3)]

    assert statuses == [HTTPStatus.BAD_REQUEST, HTTPStatus.BAD_REQUEST, 429]


def test_unreachable_cache_fails_open_and_says_so(get_token, user, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "broken": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.CALLS_THROTTLE_CACHE = "broken"
    settings.CALLS_TOKEN_THROTTLE_RATE = "1/minute"

    statuses = [get_token(user).status_code for _ in range(3)]

    assert statuses == [HTTPStatus.OK] * 3
    assert "Token throttle: requests allowed: cache 'broken' unreachable (ConnectionError)" in (
        caplog.text
    )
