"""The caller query: compiled once, one indexed statement, and always the current rows."""

from http import HTTPStatus

import jwt
import pytest
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import bearer, token_lifetime
from tests.factories import OrganizationFactory
from users import selectors
from users.models import User

pytestmark = pytest.mark.django_db


def _claims(response, org) -> dict:
    org.refresh_from_db()
    secret = org.twilio_api_key_secret.reveal()
    return jwt.decode(response.json()["token"], secret, algorithms=["HS256"])


def test_a_deactivated_user_is_refused_on_the_very_next_request(get_token, user):
    assert get_token(user).status_code == HTTPStatus.OK

    User.objects.filter(pk=user.pk).update(is_active=False)

    response = get_token(user)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "user_inactive"


def test_a_deleted_user_is_refused_on_the_very_next_request(get_token, user):
    headers = bearer(user)
    assert get_token(**headers).status_code == HTTPStatus.OK

    User.objects.filter(pk=user.pk).delete()

    assert get_token(**headers).json()["code"] == "user_not_found"


def test_a_changed_secret_signs_the_very_next_token(get_token, user, org):
    get_token(user)
    org.twilio_api_key_secret = "a-brand-new-secret-of-32-chars!!"
    org.save()

    claims = _claims(get_token(user), org)

    assert claims["sub"] == org.twilio_account_sid


def test_changed_options_shape_the_very_next_token(get_token, user, org):
    get_token(user)
    org.twilio_token_ttl, org.twilio_incoming_allow = 600, False
    org.save()

    claims = _claims(get_token(user), org)

    assert token_lifetime(claims) == 600
    assert "incoming" not in claims["grants"]["voice"]


def test_a_changed_number_is_the_very_next_identity(get_token, user):
    get_token(user)
    User.objects.filter(pk=user.pk).update(twilio_phone_number="+16135550199")

    assert get_token(user).json()["identity"] == "+16135550199"


def test_a_new_organization_is_used_on_the_very_next_request(get_token, user):
    get_token(user)
    other = OrganizationFactory()
    User.objects.filter(pk=user.pk).update(organization=other)

    claims = _claims(get_token(user), other)

    assert claims["iss"] == other.twilio_api_key_sid


@pytest.mark.parametrize("user_id", [2**63, -(2**63) - 1, 10**30])
def test_an_id_out_of_the_columns_range_is_no_user(get_token, user, user_id):
    token = AccessToken.for_user(user)
    token["user_id"] = user_id

    response = get_token(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.json()["code"] == "user_not_found"


def test_the_lookups_are_indexed(user):
    sql = selectors._caller_sql(connection.alias)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # On tables this small the planner scans; forbid that to see whether it could not.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", [user.pk])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan" not in plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", [user.pk])
            steps = [row[-1] for row in cursor.fetchall()]
            assert all("USING INTEGER PRIMARY KEY" in step for step in steps), steps
            assert len(steps) == 2


def test_a_number_stored_in_national_form_follows_the_default_region(user, settings):
    User.objects.filter(pk=user.pk).update(twilio_phone_number="4165550100")

    settings.PHONENUMBER_DEFAULT_REGION = "CA"
    in_canada = selectors.voice_caller_get(user_id=user.pk).phone_number
    settings.PHONENUMBER_DEFAULT_REGION = "GB"
    in_britain = selectors.voice_caller_get(user_id=user.pk).phone_number

    assert in_canada == "+14165550100"
    assert in_britain != in_canada


def test_each_stored_number_is_parsed_once_per_process(user):
    User.objects.filter(pk=user.pk).update(twilio_phone_number="+14165550111")
    selectors.voice_caller_get(user_id=user.pk)
    misses = selectors._e164_of.cache_info().misses

    assert selectors.voice_caller_get(user_id=user.pk).phone_number == "+14165550111"
    assert selectors._e164_of.cache_info().misses == misses
