"""200: a minted Twilio Voice token, decoded and checked claim by claim."""

import time
from datetime import UTC, datetime
from http import HTTPStatus

import jwt
import pytest

from tests.conftest import TOKEN_URL, bearer, token_lifetime
from tests.contract import assert_matches_contract
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _decode(body: dict, org) -> tuple[dict, dict]:
    secret = org.twilio_api_key_secret.reveal()
    claims = jwt.decode(body["token"], secret, algorithms=["HS256"])
    return jwt.get_unverified_header(body["token"]), claims


def test_returns_token_identity_user_id_and_expiry(get_token, user):
    response = get_token(user)

    assert response.status_code == HTTPStatus.OK
    body = assert_matches_contract(response)
    assert set(body) == {"token", "identity", "userId", "expiresAt"}
    assert body["identity"] == user.twilio_phone_number.as_e164
    assert body["userId"] == str(user.pk)
    assert response["Cache-Control"] == "no-store"


def test_token_header_claims_and_voice_grant(get_token, user, org):
    before = int(time.time())
    body = get_token(user).json()
    header, claims = _decode(body, org)

    assert header == {"alg": "HS256", "typ": "JWT", "cty": "twilio-fpa;v=1"}
    assert claims["iss"] == org.twilio_api_key_sid
    assert claims["sub"] == org.twilio_account_sid
    assert claims["jti"].startswith(f"{org.twilio_api_key_sid}-")
    assert "nbf" not in claims
    assert before <= claims["exp"] - 3600 <= int(time.time())
    assert token_lifetime(claims) == 3600
    assert claims["grants"] == {
        "identity": user.twilio_phone_number.as_e164,
        "voice": {
            "outgoing": {"application_sid": org.twilio_twiml_app_sid},
            "incoming": {"allow": True},
        },
    }


def test_expires_at_is_the_tokens_real_expiry(get_token, user, org):
    body = get_token(user).json()
    _, claims = _decode(body, org)

    expires_at = datetime.fromisoformat(body["expiresAt"])
    assert expires_at == datetime.fromtimestamp(claims["exp"], tz=UTC)
    assert body["expiresAt"].endswith("Z")


def test_signed_with_the_organizations_secret_only(get_token, user):
    body = get_token(user).json()

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(body["token"], "another-secret-of-32-characters!", algorithms=["HS256"])


def test_token_lifetime_follows_the_organization(get_token):
    org = OrganizationFactory(twilio_token_ttl=600)
    user = UserFactory(organization=org)

    body = get_token(user).json()
    _, claims = _decode(body, org)

    assert token_lifetime(claims) == 600


def test_incoming_calls_can_be_turned_off(get_token):
    org = OrganizationFactory(twilio_incoming_allow=False)
    user = UserFactory(organization=org)

    _, claims = _decode(get_token(user).json(), org)

    assert claims["grants"]["voice"] == {"outgoing": {"application_sid": org.twilio_twiml_app_sid}}


def test_region_becomes_the_twr_header(get_token):
    org = OrganizationFactory(twilio_region="ie1")
    user = UserFactory(organization=org)

    header, _ = _decode(get_token(user).json(), org)

    assert header["twr"] == "ie1"


def test_no_region_no_twr_header(get_token, user, org):
    header, _ = _decode(get_token(user).json(), org)

    assert "twr" not in header


def test_push_credential_goes_into_the_voice_grant(get_token):
    push = "CR" + "ab" * 16
    org = OrganizationFactory(twilio_push_credential_sid=push)
    user = UserFactory(organization=org)

    _, claims = _decode(get_token(user).json(), org)

    assert claims["grants"]["voice"]["push_credential_sid"] == push


def test_identity_is_the_stored_e164_number(get_token):
    user = UserFactory(twilio_phone_number="+1 (416) 555-0100")

    body = get_token(user).json()

    assert body["identity"] == "+14165550100"


def test_one_query_for_a_successful_request(get_token, user, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = get_token(user)

    assert response.status_code == HTTPStatus.OK


def test_any_accept_header_gets_json(get_token, user):
    response = get_token(user, HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.OK
    assert_matches_contract(response)


def test_head_is_answered_like_get(api_client, user):
    response = api_client.head(TOKEN_URL, **bearer(user))

    assert response.status_code == HTTPStatus.OK
    assert response["Cache-Control"] == "no-store"
