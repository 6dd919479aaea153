"""Which account sent a webhook: exactly one organization with its Auth Token, or 403."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.db import IntegrityError, transaction

from orgs.fields import SealedSecret
from orgs.models import Organization
from tests.factories import OrganizationFactory, UserFactory
from tests.webhooks import (
    INBOUND_PATH,
    OUTBOUND_PATH,
    TEST_ORIGIN,
    assert_forbidden,
    auth_token_of,
    inbound_params,
    post,
    refused_checks,
    sign,
)

pytestmark = pytest.mark.django_db

NUMBER = "+14165550100"


@pytest.fixture
def member(org):
    return UserFactory(organization=org, twilio_phone_number=NUMBER)


@pytest.fixture
def params(org, member) -> dict:
    return inbound_params(org, NUMBER)


def test_an_unknown_account_is_forbidden_after_one_query(
    client, params, caplog, django_assert_num_queries
):
    params["AccountSid"] = "AC" + "0" * 32

    with django_assert_num_queries(1):
        response = post(client, INBOUND_PATH, params, signature="c2lnbmVk")

    assert_forbidden(response)
    assert refused_checks(caplog) == ["unknown_account"]


@pytest.mark.parametrize("account_sid", [None, "", "AC123", "ac" + "0" * 32, "' OR 1=1 --"])
def test_a_malformed_or_missing_account_is_forbidden_without_a_query(
    client, params, account_sid, django_assert_num_queries, caplog
):
    if account_sid is None:
        del params["AccountSid"]
    else:
        params["AccountSid"] = account_sid

    with django_assert_num_queries(0):
        response = post(client, INBOUND_PATH, params, signature="c2lnbmVk")

    assert_forbidden(response)
    assert refused_checks(caplog) == ["unknown_account"]
    assert "AccountSid (none or malformed)" in caplog.text


def test_two_organizations_cannot_share_an_account(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(twilio_account_sid=org.twilio_account_sid)

    # Organizations that have not set Twilio up yet share the blank Account SID.
    OrganizationFactory(unconfigured=True)
    OrganizationFactory(unconfigured=True)


def test_an_organization_without_an_auth_token_is_forbidden(client, org, params, caplog):
    signature = sign(auth_token_of(org), TEST_ORIGIN + INBOUND_PATH, params)
    Organization.objects.filter(pk=org.pk).update(twilio_auth_token="")

    assert_forbidden(post(client, INBOUND_PATH, params, signature=signature))
    assert refused_checks(caplog) == ["no_auth_token"]


def test_an_auth_token_no_key_decrypts_is_forbidden(client, org, params, caplog):
    signature = sign(auth_token_of(org), TEST_ORIGIN + INBOUND_PATH, params)
    foreign = Fernet(Fernet.generate_key()).encrypt(b"0" * 32).decode()
    Organization.objects.filter(pk=org.pk).update(twilio_auth_token=SealedSecret(foreign))

    assert_forbidden(post(client, INBOUND_PATH, params, signature=signature))
    assert refused_checks(caplog) == ["undecryptable_auth_token"]
    assert f"organization {org.pk})" in caplog.text


def test_the_log_names_the_check_and_account_but_no_secret(client, org, params, caplog):
    caplog.set_level(logging.DEBUG)
    good = sign(auth_token_of(org), TEST_ORIGIN + INBOUND_PATH, params)
    forged = sign(auth_token_of(org), TEST_ORIGIN + OUTBOUND_PATH, params)

    post(client, INBOUND_PATH, params, signature=forged)
    post(client, INBOUND_PATH, params, signature=good)

    assert "bad_signature" in caplog.text
    assert org.twilio_account_sid in caplog.text
    for secret in (auth_token_of(org), org.twilio_auth_token.ciphertext, good, forged):
        assert secret not in caplog.text
