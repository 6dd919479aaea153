"""CORS on the token, history and sign-in APIs: only listed origins, preflights without
authentication, and the headers on every answer, errors included, so that a browser can read
them."""

from http import HTTPStatus

import pytest

from tests.conftest import TOKEN_URL, bearer

pytestmark = pytest.mark.django_db

APP = "https://app.example.com"
API_PATHS = [
    TOKEN_URL,
    "/api/auth/token",
    "/api/auth/token/refresh",
    "/api/calls/history",
    "/api/calls/history/1/voicemail",
]


@pytest.fixture(autouse=True)
def _allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP, "http://localhost:5173"]


def _preflight(client, path: str, origin: str = APP, method: str = "GET"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


@pytest.mark.parametrize("path", API_PATHS)
def test_a_preflight_from_a_listed_origin_is_answered_without_authentication(client, path):
    response = _preflight(client, path, method="POST" if "auth" in path else "GET")

    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == APP
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "POST"}
    assert set(response["Access-Control-Allow-Headers"].split(", ")) == {
        "authorization",
        "content-type",
    }
    assert int(response["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response
    assert "origin" in response["Vary"].lower()


def test_a_token_answer_carries_the_origin_and_vary(client, user):
    response = client.get(TOKEN_URL, HTTP_ORIGIN=APP, **bearer(user))

    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == APP
    assert "origin" in response["Vary"].lower()
    assert response["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Credentials" not in response


def test_a_history_answer_carries_the_origin(client, user):
    response = client.get("/api/calls/history", HTTP_ORIGIN=APP, **bearer(user))

    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == APP
    assert response["Cache-Control"] == "no-store"


def test_a_sign_in_answer_carries_the_origin(client, user):
    response = client.post(
        "/api/auth/token",
        {"username": user.username, "password": "correct-horse-battery-staple"},
        content_type="application/json",
        HTTP_ORIGIN=APP,
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == APP


def test_a_401_carries_the_cors_headers(client):
    response = client.get(TOKEN_URL, HTTP_ORIGIN=APP)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Access-Control-Allow-Origin"] == APP
    assert response.json()["code"] == "not_authenticated"


def test_a_429_carries_the_cors_headers(client, user, settings):
    settings.CALLS_TOKEN_THROTTLE_RATE = "1/minute"
    client.get(TOKEN_URL, **bearer(user))

    response = client.get(TOKEN_URL, HTTP_ORIGIN=APP, **bearer(user))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Access-Control-Allow-Origin"] == APP


def test_a_500_carries_the_cors_headers(client, user, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("calls.apis.voice_token_mint", broken)

    response = client.get(TOKEN_URL, HTTP_ORIGIN=APP, **bearer(user))

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json() == {"success": False, "error": "Failed to generate token"}
    assert response["Access-Control-Allow-Origin"] == APP


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example.com", "https://app.example.com.evil.net", "http://app.example.com",
     "null", "https://APP.example.com:443x"],
)  # fmt: skip
def test_an_origin_not_listed_gets_no_cors_header(client, user, origin):
    preflight = _preflight(client, TOKEN_URL, origin=origin)
    response = client.get(TOKEN_URL, HTTP_ORIGIN=origin, **bearer(user))

    for answer in (preflight, response):
        assert "Access-Control-Allow-Origin" not in answer
        assert "Access-Control-Allow-Methods" not in answer
    assert response.status_code == HTTPStatus.OK  # CORS is the browser's to enforce


def test_no_origin_is_listed_by_default(client, user, settings):
    from tether_relay import settings as project_settings

    settings.CORS_ALLOWED_ORIGINS = project_settings.CORS_ALLOWED_ORIGINS

    response = client.get(TOKEN_URL, HTTP_ORIGIN=APP, **bearer(user))

    assert project_settings.CORS_ALLOWED_ORIGINS == []
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["/api/webhook/calls/twilio/inbound", "/admin/login/", "/readyz"])
def test_other_paths_get_no_cors_headers(client, path):
    response = _preflight(client, path)

    assert "Access-Control-Allow-Origin" not in response


def test_never_a_wildcard(settings):
    assert not getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
    assert settings.CORS_ALLOW_CREDENTIALS is False


def test_a_preflight_is_never_cached_either(client):
    assert _preflight(client, TOKEN_URL)["Cache-Control"] == "no-store"


def test_a_page_may_read_retry_after_and_www_authenticate(client):
    response = client.get(TOKEN_URL, HTTP_ORIGIN=APP)

    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"retry-after", "www-authenticate"} <= exposed


def test_listed_origins_are_read_as_browsers_send_them(monkeypatch):
    import importlib

    from tether_relay import settings as project_settings

    monkeypatch.setenv(
        "CORS_ALLOWED_ORIGINS", " HTTPS://App.Example.com/ ,http://localhost:5173\r,"
    )
    reloaded = importlib.reload(project_settings)
    try:
        assert reloaded.CORS_ALLOWED_ORIGINS == ["https://app.example.com", "http://localhost:5173"]
    finally:
        monkeypatch.delenv("CORS_ALLOWED_ORIGINS")
        importlib.reload(project_settings)
