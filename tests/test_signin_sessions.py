"""Sign-in sessions: rotation, a retry window, password changes, an absolute lifetime,
sign-out, deleted users, and no replayable token at rest."""

import re
import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import TOKEN_URL
from tests.contract import assert_matches_project_schema
from tests.factories import UserFactory
from tether_relay.signin.models import RefreshTokenUse, SignInSession

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
REFRESH = "/api/auth/token/refresh"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def sign_in(api_client, member):
    def signed_in(user=member, password=PASSWORD) -> dict:
        response = api_client.post(
            "/api/auth/token", {"username": user.username, "password": password}, format="json"
        )
        assert response.status_code == HTTPStatus.OK, response.json()
        return assert_matches_project_schema(response, "/api/auth/token")

    return signed_in


@pytest.fixture
def refresh(api_client):
    def exchanged(token: str):
        return api_client.post(REFRESH, {"refresh": token}, format="json")

    return exchanged


def test_the_access_token_of_a_sign_in_gets_a_voice_token(api_client, sign_in):
    pair = sign_in()

    response = api_client.get(TOKEN_URL, HTTP_AUTHORIZATION=f"Bearer {pair['access']}")

    assert response.status_code == HTTPStatus.OK


def test_a_refresh_answers_a_new_pair_and_spends_the_old_token(sign_in, refresh):
    first = sign_in()["refresh"]

    rotated = refresh(first)

    assert rotated.status_code == HTTPStatus.OK
    pair = assert_matches_project_schema(rotated, REFRESH)
    assert pair["refresh"] != first
    assert refresh(pair["refresh"]).status_code == HTTPStatus.OK
    assert RefreshTokenUse.objects.count() == 2


def test_a_retry_within_the_window_gets_the_very_same_pair(sign_in, refresh):
    first = sign_in()["refresh"]
    answered = refresh(first).json()  # as if this answer were lost on its way

    retried = refresh(first)

    assert retried.status_code == HTTPStatus.OK
    assert retried.json() == answered
    assert RefreshTokenUse.objects.count() == 1
    assert refresh(answered["refresh"]).status_code == HTTPStatus.OK


def test_a_reuse_after_the_window_ends_the_whole_session(sign_in, refresh, settings, caplog):
    first = sign_in()["refresh"]
    child = refresh(first).json()["refresh"]
    RefreshTokenUse.objects.update(used_at=time.time() - settings.SIGNIN_REFRESH_REUSE_WINDOW - 1)

    reused = refresh(first)

    assert reused.status_code == HTTPStatus.UNAUTHORIZED
    assert reused.json()["code"] == "token_reused"
    # The thief's or the owner's branch: neither goes on.
    assert refresh(child).json()["code"] == "session_ended"
    assert SignInSession.objects.get().revoked_at is not None
    assert "used again after its exchange" in caplog.text


def test_a_request_that_started_before_the_exchange_is_not_a_retry(sign_in):
    from tether_relay.signin.services import TokenReused, session_refresh

    first = sign_in()["refresh"]
    asked = time.time()
    session_refresh(raw=first, asked_at=time.time())

    with pytest.raises(TokenReused, match="already been used") as refused:
        session_refresh(raw=first, asked_at=asked - 1)

    assert refused.value.get_codes() == "token_reused"
    assert SignInSession.objects.get().revoked_at is None


def test_a_password_change_ends_the_sign_in(sign_in, refresh, member):
    token = sign_in()["refresh"]
    member.set_password("a-new-password-for-ada-123")
    member.save()

    response = refresh(token)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "session_ended"
    assert "password" in response.json()["detail"]


def test_a_sign_in_ends_at_its_maximum_age_whatever_the_rotations(sign_in, refresh, settings):
    token = sign_in()["refresh"]
    for _ in range(3):
        token = refresh(token).json()["refresh"]
    SignInSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = refresh(token)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "session_ended"


def test_no_token_outlives_its_sign_in(settings, sign_in):
    import jwt

    settings.SIGNIN_SESSION_MAX_AGE = timedelta(minutes=2)

    pair = sign_in()

    session = SignInSession.objects.get()
    for token in pair.values():
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] <= session.expires_at.timestamp()


def test_sign_out_ends_the_sign_in(api_client, sign_in, refresh):
    token = sign_in()["refresh"]

    response = api_client.post("/api/auth/logout", {"refresh": token}, format="json")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert refresh(token).json()["code"] == "session_ended"


@pytest.mark.parametrize("token", ["nope", "eyJhbGciOiJIUzI1NiJ9.e30.x"])
def test_sign_out_with_a_bad_token_is_401(api_client, token):
    response = api_client.post("/api/auth/logout", {"refresh": token}, format="json")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "token_not_valid"


def test_a_deleted_users_refresh_is_user_not_found(sign_in, refresh, member):
    token = sign_in()["refresh"]
    member.delete()

    response = refresh(token)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "user_not_found"


def test_deactivation_ends_the_sign_in_for_good(sign_in, refresh, member):
    token = sign_in()["refresh"]
    type(member).objects.filter(pk=member.pk).update(is_active=False)

    assert refresh(token).json()["code"] == "user_inactive"
    type(member).objects.filter(pk=member.pk).update(is_active=True)
    assert refresh(token).json()["code"] == "session_ended"


def test_a_refresh_token_from_simplejwt_alone_is_not_accepted(refresh, member):
    from rest_framework_simplejwt.tokens import RefreshToken

    response = refresh(str(RefreshToken.for_user(member)))

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "token_not_valid"


def test_no_table_holds_a_token_after_sign_ins_rotations_and_sign_outs(
    api_client, sign_in, refresh
):
    issued = []
    for _ in range(2):
        pair = sign_in()
        issued += pair.values()
        for _ in range(2):
            pair = refresh(pair["refresh"]).json()
            issued += pair.values()
    api_client.post("/api/auth/logout", {"refresh": pair["refresh"]}, format="json")

    stored = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            stored += [str(value) for row in cursor.fetchall() for value in row]

    assert SignInSession.objects.count() == 2
    assert not [value for value in stored if JWT.search(value)]
    assert not [token for token in issued if any(token in value for value in stored)]
