"""Only Twilio gets in: every webhook request must carry the account's signature for its URL."""

import base64
from http import HTTPStatus

import pytest
from django.test import Client

from tests.factories import OrganizationFactory, UserFactory
from tests.webhooks import (
    INBOUND_PATH,
    OUTBOUND_PATH,
    TEST_ORIGIN,
    assert_dials_client,
    assert_forbidden,
    auth_token_of,
    inbound_params,
    outbound_params,
    post,
    post_signed,
    refused_checks,
    sign,
)

pytestmark = pytest.mark.django_db

NUMBER = "+14165550100"
DESTINATION = "+14165550111"


@pytest.fixture
def member(org):
    return UserFactory(organization=org, twilio_phone_number=NUMBER)


@pytest.fixture
def params(org, member) -> dict:
    return inbound_params(org, NUMBER)


def test_a_signed_request_gets_twiml(client, org, params):
    assert_dials_client(post_signed(client, INBOUND_PATH, params, org=org), identity=NUMBER)


def test_csrf_does_not_stand_in_the_way_of_twilio(org, params):
    client = Client(enforce_csrf_checks=True)

    assert_dials_client(post_signed(client, INBOUND_PATH, params, org=org), identity=NUMBER)


@pytest.mark.parametrize("signature", [None, ""])
def test_no_signature_is_forbidden_before_any_query(
    client, params, signature, caplog, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = post(client, INBOUND_PATH, params, signature=signature)

    assert_forbidden(response)
    assert refused_checks(caplog) == ["missing_signature"]


def test_a_forged_signature_is_forbidden(client, params, caplog, django_assert_num_queries):
    forged = base64.b64encode(b"twenty bytes of junk").decode()

    with django_assert_num_queries(1):
        response = post(client, INBOUND_PATH, params, signature=forged)

    assert_forbidden(response)
    assert refused_checks(caplog) == ["bad_signature"]


def test_a_signature_made_with_another_accounts_token_is_forbidden(client, params, caplog):
    other = OrganizationFactory()
    signature = sign(auth_token_of(other), TEST_ORIGIN + INBOUND_PATH, params)

    assert_forbidden(post(client, INBOUND_PATH, params, signature=signature))
    assert refused_checks(caplog) == ["bad_signature"]


@pytest.mark.parametrize("field", ["To", "AccountSid", "Extra"])
def test_fields_changed_after_signing_are_forbidden(client, org, params, field, caplog):
    signature = sign(auth_token_of(org), TEST_ORIGIN + INBOUND_PATH, params)
    changed = {
        "To": "+14165550199",
        # An account that exists, so that the signature is what decides.
        "AccountSid": OrganizationFactory().twilio_account_sid,
        "Extra": "added",
    }[field]

    assert_forbidden(post(client, INBOUND_PATH, {**params, field: changed}, signature=signature))
    assert refused_checks(caplog) == ["bad_signature"]


def test_a_request_signed_for_the_inbound_url_cannot_be_replayed_to_outbound(
    client, org, member, caplog
):
    params = outbound_params(org, NUMBER, DESTINATION)
    signature = sign(auth_token_of(org), TEST_ORIGIN + INBOUND_PATH, params)

    assert_forbidden(post(client, OUTBOUND_PATH, params, signature=signature))
    assert refused_checks(caplog) == ["bad_signature"]


def test_a_request_signed_for_outbound_cannot_be_replayed_to_inbound(client, org, params):
    signature = sign(auth_token_of(org), TEST_ORIGIN + OUTBOUND_PATH, params)

    assert_forbidden(post(client, INBOUND_PATH, params, signature=signature))


@pytest.mark.parametrize(
    "signed_for",
    [
        "https://relay.attacker.example" + INBOUND_PATH,
        "https://testserver" + INBOUND_PATH,
        TEST_ORIGIN + INBOUND_PATH + "?again=1",
        TEST_ORIGIN + "/relay" + INBOUND_PATH,
    ],
)
def test_a_request_signed_for_another_url_is_forbidden(client, org, params, signed_for):
    response = post_signed(client, INBOUND_PATH, params, org=org, url=signed_for)

    assert_forbidden(response)


def test_the_query_string_is_part_of_what_is_signed(client, org, params):
    path = INBOUND_PATH + "?tenant=a&b=2"

    response = post_signed(client, path, params, org=org)

    assert_dials_client(response, identity=NUMBER)


@pytest.mark.parametrize("path", [INBOUND_PATH, OUTBOUND_PATH])
def test_only_post_is_allowed(client, path):
    assert client.get(path).status_code == HTTPStatus.METHOD_NOT_ALLOWED
