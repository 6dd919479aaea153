"""400 and 500: what the caller's data lacks, and what fails on the server's side."""

from http import HTTPStatus

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from orgs.models import Organization
from tests.conftest import TOKEN_URL, bearer
from tests.contract import assert_matches_contract
from tests.factories import OrganizationFactory, UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

ALL_MISSING = {"accountSid": True, "apiKeySid": True, "apiKeySecret": True, "twimlAppSid": True}
NONE_MISSING = dict.fromkeys(ALL_MISSING, False)
FIELD_OF = {
    "accountSid": "twilio_account_sid",
    "apiKeySid": "twilio_api_key_sid",
    "apiKeySecret": "twilio_api_key_secret",
    "twimlAppSid": "twilio_twiml_app_sid",
}


@pytest.mark.parametrize("unset", list(FIELD_OF))
def test_each_missing_credential_is_named(get_token, unset):
    org = OrganizationFactory(**{FIELD_OF[unset]: ""})
    user = UserFactory(organization=org)

    response = get_token(user)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = assert_matches_contract(response)
    assert body == {
        "error": "Twilio credentials missing",
        "code": "TWILIO_CREDENTIALS_MISSING",
        "missing": {**NONE_MISSING, unset: True},
    }
    assert response["Cache-Control"] == "no-store"


def test_unconfigured_organization_misses_everything(get_token):
    user = UserFactory(organization=OrganizationFactory(unconfigured=True))

    body = assert_matches_contract(get_token(user))

    assert body["missing"] == ALL_MISSING


def test_user_without_organization_misses_everything(get_token):
    user = UserFactory(organization=None)

    response = get_token(user)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = assert_matches_contract(response)
    assert body["code"] == "TWILIO_CREDENTIALS_MISSING"
    assert body["missing"] == ALL_MISSING


def test_user_without_number(get_token):
    user = UserFactory(twilio_phone_number=None)

    response = get_token(user)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = assert_matches_contract(response)
    assert body == {"error": "User has no Twilio phone number", "code": "NO_TWILIO_NUMBER"}
    assert response["Cache-Control"] == "no-store"


def test_credentials_are_checked_before_the_number(get_token):
    user = UserFactory(organization=None, twilio_phone_number=None)

    body = get_token(user).json()

    assert body["code"] == "TWILIO_CREDENTIALS_MISSING"


FAILED = {"success": False, "error": "Failed to generate token"}


def test_secret_no_key_decrypts_is_a_500_envelope(get_token, user, caplog):
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        response = get_token(user)

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert assert_matches_contract(response) == FAILED
    assert response["Cache-Control"] == "no-store"
    assert "cannot be decrypted" in caplog.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("twilio_account_sid", "AC-not-a-sid"),
        ("twilio_api_key_sid", "sk" + "0" * 32),
        ("twilio_twiml_app_sid", "AP123"),
        ("twilio_push_credential_sid", "CRnope"),
    ],
)
def test_malformed_stored_sid_is_a_500_envelope(get_token, user, org, field, value, caplog):
    Organization.objects.filter(pk=org.pk).update(**{field: value})

    response = get_token(user)

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert assert_matches_contract(response) == FAILED
    assert value not in response.content.decode()
    assert field.removeprefix("twilio_") in caplog.text


def test_malformed_stored_number_is_a_500_envelope(get_token, user):
    User.objects.filter(pk=user.pk).update(twilio_phone_number="0416 not a number")

    response = get_token(user)

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert assert_matches_contract(response) == FAILED


def test_unexpected_failure_is_the_500_envelope_not_a_traceback(get_token, user, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr("calls.apis.voice_token_mint", explode)

    response = get_token(user)

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert assert_matches_contract(response) == FAILED
    assert "boom" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_405_envelopes(api_client, user, method):
    response = getattr(api_client, method)(TOKEN_URL, **bearer(user))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    body = assert_matches_contract(response)
    assert body["success"] is False
    assert body["code"] == "method_not_allowed"
    assert response["Cache-Control"] == "no-store"


def test_errors_change_nothing(get_token):
    user = UserFactory(organization=None)
    before = list(User.objects.values()), list(Organization.objects.values())

    get_token(user)

    assert (list(User.objects.values()), list(Organization.objects.values())) == before


def test_unreachable_database_is_a_503_envelope_with_retry_after(get_token, user, monkeypatch):
    from django.db import OperationalError

    def down(**kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("users.selectors.voice_caller_get", down)
    monkeypatch.setattr("calls.conf._imported", {})
    token_headers = bearer(user)

    response = get_token(**token_headers)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = assert_matches_contract(response)
    assert body == {
        "success": False,
        "error": "Service temporarily unavailable; try again shortly",
        "code": "service_unavailable",
    }
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert "Connection refused" not in response.content.decode()
