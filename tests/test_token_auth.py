"""401: every way a bearer token can fail, each with its code and WWW-Authenticate."""

import warnings
from datetime import timedelta
from http import HTTPStatus

import jwt
import pytest
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.contract import assert_matches_contract
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _assert_401(response, code: str) -> dict:
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    body = assert_matches_contract(response)
    assert body["success"] is False
    assert body["code"] == code
    assert isinstance(body["error"], str)
    assert body["error"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Cache-Control"] == "no-store"
    return body


def _claims(user) -> dict:
    """An access token's claims as the server signs them, audience and issuer included."""
    return {
        **AccessToken.for_user(user).payload,
        "aud": settings.SIMPLE_JWT["AUDIENCE"],
        "iss": settings.SIMPLE_JWT["ISSUER"],
    }


def _signed(claims: dict, key: str | None = None, algorithm: str = "HS256") -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(claims, key or settings.JWT_SIGNING_KEY, algorithm=algorithm)


def test_claims_helper_signs_what_the_server_accepts(get_token, user):
    response = get_token(HTTP_AUTHORIZATION=f"Bearer {_signed(_claims(user))}")

    assert response.status_code == HTTPStatus.OK


def test_no_authorization_header(get_token):
    _assert_401(get_token(), "not_authenticated")


def test_wrong_scheme_is_not_authenticated(get_token, user):
    token = AccessToken.for_user(user)

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Token {token}"), "not_authenticated")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer not-a-jwt", "Bearer eyJhbGciOiJIUzI1NiJ9.e30"],
)
def test_malformed_bearer_token(get_token, header):
    response = get_token(HTTP_AUTHORIZATION=header)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    body = assert_matches_contract(response)
    assert body["code"] in {"bad_authorization_header", "token_not_valid"}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_expired_token(get_token, user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=31))

    body = _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {token}"), "token_not_valid")
    assert "expired" in body["error"].lower()


def test_leeway_forgives_a_few_seconds_of_clock_skew_only(get_token, user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=5))

    assert get_token(HTTP_AUTHORIZATION=f"Bearer {token}").status_code == HTTPStatus.OK
    assert settings.SIMPLE_JWT["LEEWAY"] <= timedelta(seconds=30)


@pytest.mark.parametrize(
    ("claim", "value"),
    [("aud", "another-api"), ("aud", None), ("iss", "someone-else"), ("iss", None)],
)
def test_audience_and_issuer_are_checked(get_token, user, claim, value):
    claims = _claims(user)
    if value is None:
        del claims[claim]
    else:
        claims[claim] = value

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {_signed(claims)}"), "token_not_valid")


def test_algorithm_is_pinned(get_token, user):
    claims = _claims(user)

    other_algorithm = _signed(claims, algorithm="HS512")

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {other_algorithm}"), "token_not_valid")


def test_forged_signature(get_token, user):
    claims = _claims(user)

    forged = _signed(claims, key="not-the-signing-key-but-long-enough-to-be-a-key")

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {forged}"), "token_not_valid")


def test_signed_with_the_django_secret_key_is_refused(get_token, user):
    claims = _claims(user)

    forged = _signed(claims, key=settings.SECRET_KEY)

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {forged}"), "token_not_valid")


def test_alg_none_is_refused(get_token, user):
    claims = _claims(user)

    unsigned = jwt.encode(claims, None, algorithm="none")

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {unsigned}"), "token_not_valid")


def test_refresh_token_is_not_an_access_token(get_token, user):
    refresh = RefreshToken.for_user(user)

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {refresh}"), "token_not_valid")


def test_inactive_user(get_token):
    user = UserFactory(is_active=False)

    _assert_401(get_token(user), "user_inactive")


def test_deleted_user(get_token, user):
    token = AccessToken.for_user(user)
    user.delete()

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {token}"), "user_not_found")


def test_token_without_user_claim(get_token, user):
    token = AccessToken.for_user(user)
    del token["user_id"]

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {token}"), "token_not_valid")


@pytest.mark.parametrize("user_id", ["not-a-number", {"id": 1}, [1], None])
def test_validly_signed_but_nonsense_user_claim(get_token, user, user_id):
    token = AccessToken.for_user(user)
    token["user_id"] = user_id

    _assert_401(get_token(HTTP_AUTHORIZATION=f"Bearer {token}"), "user_not_found")


def test_other_users_identity_cannot_be_requested(get_token, user):
    other = UserFactory()

    response = get_token(
        user, QUERY_STRING=f"user_id={other.pk}&organization={other.organization_id}"
    )

    assert response.json()["userId"] == str(user.pk)
    assert response.json()["identity"] == user.twilio_phone_number.as_e164
