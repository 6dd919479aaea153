"""Failed sign-ins are limited per username and per client address, before any password hash."""

from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from tests.contract import assert_matches_project_schema
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def hashes(monkeypatch):
    """How many password hashes the server computed (the suite's fast hasher, MD5)."""
    counted = []
    original = MD5PasswordHasher.encode

    def encode(self, password, salt, *args, **kwargs):
        counted.append(1)
        return original(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)
    return counted


def _sign_in(api_client, username: str, password: str, address: str = "203.0.113.5"):
    return api_client.post(
        "/api/auth/token",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_a_username_is_locked_after_its_failures_even_with_the_right_password(
    api_client, settings, hashes
):
    settings.SIGNIN_FAILURES_PER_USERNAME = 5
    user = UserFactory()
    # From many addresses, as a distributed guesser would.
    for n in range(5):
        assert _sign_in(api_client, user.username, "wrong", f"198.51.100.{n}").status_code == 401
    hashed = len(hashes)

    response = _sign_in(api_client, user.username, PASSWORD, "192.0.2.77")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    body = assert_matches_project_schema(response, "/api/auth/token")
    assert body["code"] == "throttled"
    assert hashed >= 5  # each failure cost a hash
    assert len(hashes) == hashed  # the refusal cost none


def test_the_username_limit_ignores_case(api_client, settings):
    settings.SIGNIN_FAILURES_PER_USERNAME = 2
    user = UserFactory(username="ada")
    _sign_in(api_client, "ada", "wrong")
    _sign_in(api_client, "ADA", "wrong", "192.0.2.9")

    assert _sign_in(api_client, "Ada", PASSWORD, "192.0.2.10").status_code == 429
    assert user.is_active


def test_an_address_is_locked_after_its_failures_unknown_usernames_included(
    api_client, settings, hashes
):
    settings.SIGNIN_FAILURES_PER_ADDRESS = 4
    user = UserFactory()
    for n in range(4):
        assert _sign_in(api_client, f"nobody{n}", "guess").status_code == 401
    hashed = len(hashes)

    locked = _sign_in(api_client, user.username, PASSWORD)
    elsewhere = _sign_in(api_client, user.username, PASSWORD, "192.0.2.200")

    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(hashes) == hashed + 1  # only the sign-in from another address hashed
    assert elsewhere.status_code == HTTPStatus.OK


def test_successful_sign_ins_count_nothing(api_client, settings):
    settings.SIGNIN_FAILURES_PER_USERNAME = 2
    user = UserFactory()

    statuses = [_sign_in(api_client, user.username, PASSWORD).status_code for _ in range(5)]

    assert statuses == [200] * 5


def test_the_window_closes(api_client, settings, monkeypatch):
    import time

    settings.SIGNIN_FAILURES_PER_USERNAME = 1
    settings.SIGNIN_FAILURE_WINDOW = 60
    user = UserFactory()
    _sign_in(api_client, user.username, "wrong")
    assert _sign_in(api_client, user.username, PASSWORD).status_code == 429

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    from django.core.cache import cache

    cache.clear()  # what the cache's own expiry does once the window has passed

    assert _sign_in(api_client, user.username, PASSWORD).status_code == 200


def test_an_unreachable_cache_lets_sign_ins_through(api_client, monkeypatch, caplog):
    from django.core.cache.backends.locmem import LocMemCache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(LocMemCache, "get_many", down)
    monkeypatch.setattr(LocMemCache, "incr", down)
    user = UserFactory()

    assert _sign_in(api_client, user.username, "wrong").status_code == 401
    assert _sign_in(api_client, user.username, PASSWORD).status_code == 200
    assert "Sign-in limits: attempts allowed: cache 'default' unreachable (ConnectionError)" in (
        caplog.text
    )


def test_the_admin_login_is_limited_too(client, settings, hashes):
    settings.SIGNIN_FAILURES_PER_USERNAME = 3
    admin = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(3):
        failed = client.post("/admin/login/", {"username": admin.username, "password": "wrong"})
        assert failed.status_code == HTTPStatus.OK
    hashed = len(hashes)

    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert len(hashes) == hashed


def test_the_admin_login_still_signs_in(client):
    admin = UserFactory(is_staff=True, is_superuser=True)

    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "spelling",
    [
        " bob",
        "bob ",
        "\tbob",
        "\u00a0bob",
        "\u3000bob",
        "bob\u2003",
        "\uff22\uff2f\uff22",
        "\uff42ob",
    ],
)
def test_the_username_limit_covers_every_spelling_that_signs_in_as_the_user(
    api_client, settings, spelling
):
    settings.SIGNIN_FAILURES_PER_USERNAME = 3
    UserFactory(username="bob")
    for n in range(3):
        _sign_in(api_client, "bob", "wrong", f"198.51.100.{n}")

    assert _sign_in(api_client, spelling, PASSWORD, "192.0.2.1").status_code == 429


def test_a_number_as_username_counts_as_its_text(api_client, settings):
    settings.SIGNIN_FAILURES_PER_USERNAME = 3
    UserFactory(username="12345")
    for n in range(3):
        response = api_client.post(
            "/api/auth/token",
            {"username": 12345, "password": "wrong"},
            format="json",
            REMOTE_ADDR=f"198.51.100.{n}",
        )
        assert response.status_code == 401

    assert _sign_in(api_client, "12345", PASSWORD, "192.0.2.1").status_code == 429


@pytest.mark.parametrize(
    "spelling", [" admin", "admin ", "\uff41\uff44\uff4d\uff49\uff4e", "ADMIN"]
)
def test_the_admin_limit_covers_every_spelling_too(client, settings, spelling):
    settings.SIGNIN_FAILURES_PER_USERNAME = 2
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})

    response = client.post("/admin/login/", {"username": spelling, "password": PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
