"""POST /api/auth/token and /api/auth/token/refresh: the standalone way in."""

from http import HTTPStatus

import jwt
import pytest
from django.conf import settings

from tests.conftest import TOKEN_URL
from tests.contract import assert_matches_project_schema
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def test_password_gets_access_and_refresh_that_mint_a_voice_token(api_client):
    user = UserFactory()

    response = api_client.post(
        "/api/auth/token", {"username": user.username, "password": PASSWORD}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    access = assert_matches_project_schema(response, "/api/auth/token")["access"]
    assert set(response.json()) == {"access", "refresh"}
    voice = api_client.get(TOKEN_URL, HTTP_AUTHORIZATION=f"Bearer {access}")
    assert voice.status_code == HTTPStatus.OK


def test_access_tokens_last_five_minutes_and_use_the_jwt_signing_key(api_client):
    user = UserFactory()

    access = api_client.post(
        "/api/auth/token", {"username": user.username, "password": PASSWORD}, format="json"
    ).json()["access"]

    claims = jwt.decode(
        access,
        settings.JWT_SIGNING_KEY,
        algorithms=["HS256"],
        audience=settings.SIMPLE_JWT["AUDIENCE"],
        issuer=settings.SIMPLE_JWT["ISSUER"],
    )
    assert claims["exp"] - claims["iat"] == 300
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(access, settings.SECRET_KEY, algorithms=["HS256"], options={"verify_aud": False})


def test_refresh_gets_a_new_access_token(api_client):
    user = UserFactory()
    refresh = api_client.post(
        "/api/auth/token", {"username": user.username, "password": PASSWORD}, format="json"
    ).json()["refresh"]

    response = api_client.post("/api/auth/token/refresh", {"refresh": refresh}, format="json")

    assert response.status_code == HTTPStatus.OK
    assert "access" in assert_matches_project_schema(response, "/api/auth/token/refresh")


def test_wrong_password_is_401_with_drfs_own_envelope(api_client):
    user = UserFactory()

    response = api_client.post(
        "/api/auth/token", {"username": user.username, "password": "wrong"}, format="json"
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    body = assert_matches_project_schema(response, "/api/auth/token")
    # The calls envelope belongs to the calls app; the host keeps DRF's defaults.
    assert "success" not in body
    assert "detail" in body


def test_missing_field_is_400_as_documented(api_client):
    response = api_client.post("/api/auth/token", {"username": "someone"}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"password": ["This field is required."]}
    assert_matches_project_schema(response, "/api/auth/token")


def test_invalid_refresh_token_is_401_as_documented(api_client):
    response = api_client.post("/api/auth/token/refresh", {"refresh": "nope"}, format="json")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert assert_matches_project_schema(response, "/api/auth/token/refresh")["code"] == (
        "token_not_valid"
    )


def test_refresh_rotates_and_the_used_token_is_spent(api_client, settings):
    settings.SIGNIN_REFRESH_REUSE_WINDOW = 0  # no retry window: a second use is a reuse
    user = UserFactory()
    first = api_client.post(
        "/api/auth/token", {"username": user.username, "password": PASSWORD}, format="json"
    ).json()["refresh"]

    rotated = api_client.post("/api/auth/token/refresh", {"refresh": first}, format="json")
    replayed = api_client.post("/api/auth/token/refresh", {"refresh": first}, format="json")

    assert rotated.status_code == HTTPStatus.OK
    second = assert_matches_project_schema(rotated, "/api/auth/token/refresh")["refresh"]
    assert second != first
    assert replayed.status_code == HTTPStatus.UNAUTHORIZED
    assert replayed.json()["code"] == "token_reused"


def test_inactive_user_cannot_log_in(api_client):
    user = UserFactory(is_active=False)

    response = api_client.post(
        "/api/auth/token", {"username": user.username, "password": PASSWORD}, format="json"
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert_matches_project_schema(response, "/api/auth/token")
