"""The audit trail: one JSON line per token request, with no secret in it."""

import hashlib
import json
import logging
import time
from contextlib import contextmanager
from datetime import datetime
from http import HTTPStatus

import jwt
import pytest

from tests.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def freeze_time_seconds():
    """Every token minted inside gets the same issue second, as a burst within a second does."""
    frozen = float(int(time.time()))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: frozen)
        yield


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="calls.audit")

    def lines() -> list[dict]:
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "calls.audit"]

    return lines


def test_success_records_who_what_when_and_the_jti(get_token, user, org, audit):
    response = get_token(user, REMOTE_ADDR="203.0.113.9")

    [entry] = audit()
    claims = jwt.decode(
        response.json()["token"], org.twilio_api_key_secret.reveal(), algorithms=["HS256"]
    )
    assert entry["event"] == "voice_token"
    assert entry["outcome"] == "TOKEN_ISSUED"
    assert entry["status"] == HTTPStatus.OK
    assert entry["user_id"] == str(user.pk)
    assert entry["organization_id"] == str(org.pk)
    assert entry["jti"] == claims["jti"]
    assert (
        entry["token_sha256"] == hashlib.sha256(response.json()["token"].encode()).hexdigest()[:32]
    )
    assert entry["client_ip"] == "203.0.113.9"
    assert datetime.fromisoformat(entry["time"]).tzinfo is not None


def test_each_failure_records_its_code(get_token, audit):
    get_token()
    get_token(UserFactory(organization=None))
    get_token(UserFactory(twilio_phone_number=None))
    get_token(UserFactory(is_active=False))

    assert [(e["outcome"], e["jti"]) for e in audit()] == [
        ("not_authenticated", None),
        ("TWILIO_CREDENTIALS_MISSING", None),
        ("NO_TWILIO_NUMBER", None),
        ("user_inactive", None),
    ]
    assert audit()[0]["user_id"] is None


def test_forwarded_for_is_trusted_only_behind_configured_proxies(get_token, user, audit, settings):
    get_token(user, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    get_token(user, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")

    assert [e["client_ip"] for e in audit()] == ["10.0.0.2", "198.51.100.7"]


def test_never_the_token_secret_or_authorization_header(get_token, user, org, audit, caplog):
    header = f"Bearer {jwt.encode({'x': 1}, 'k' * 32)}"
    response = get_token(user)
    get_token(HTTP_AUTHORIZATION=header)

    text = caplog.text + json.dumps(audit())
    assert response.json()["token"] not in text
    assert org.twilio_api_key_secret.reveal() not in text
    assert header.split()[1] not in text
    assert "Authorization" not in text


def test_an_options_request_with_a_bearer_is_not_an_issuance(api_client, audit):
    # A user with no number: nothing could have been minted, whatever the status.
    loner = UserFactory(twilio_phone_number=None)

    response = api_client.options("/api/calls/token/twilio", **bearer(loner))

    [entry] = audit()
    assert response.status_code == HTTPStatus.OK
    assert "token" not in response.json()
    assert entry["outcome"] == "NO_TOKEN"
    assert entry["jti"] is None
    assert entry["token_sha256"] is None


def test_tokens_of_one_organization_in_the_same_second_are_told_apart(get_token, org, audit):
    members = UserFactory.create_batch(3, organization=org)

    with freeze_time_seconds():
        bodies = [get_token(member).json() for member in members]

    entries = audit()
    assert len({e["jti"] for e in entries}) == 1  # Twilio's own format: SK…-<second>
    assert len({e["token_sha256"] for e in entries}) == 3
    assert [e["token_sha256"] for e in entries] == [
        hashlib.sha256(body["token"].encode()).hexdigest()[:32] for body in bodies
    ]


def test_a_head_request_sends_no_token_and_is_not_an_issuance(api_client, user, audit):
    response = api_client.head("/api/calls/token/twilio", **bearer(user))

    [entry] = audit()
    assert response.status_code == HTTPStatus.OK
    assert response.content == b""
    assert entry["outcome"] == "NO_TOKEN"
    assert entry["token_sha256"] is None


def test_every_line_has_its_own_request_id_even_for_the_same_token(get_token, user, audit):
    with freeze_time_seconds():
        tokens = {get_token(user).json()["token"] for _ in range(3)}

    entries = audit()
    assert len(tokens) == 1  # one user, one second: the same claims, the same token
    assert len({e["token_sha256"] for e in entries}) == 1
    assert len({e["request_id"] for e in entries}) == 3


def test_the_record_names_the_audit_function_as_logger_info_would(get_token, user, caplog):
    caplog.set_level(logging.INFO, logger="calls.audit")

    get_token(user)

    (record,) = [r for r in caplog.records if r.name == "calls.audit"]
    assert record.funcName == "token_request_audit"
    assert record.pathname.endswith("calls/audit.py")
    assert record.lineno > 0
    assert record.args == ()
    assert record.levelno == logging.INFO
