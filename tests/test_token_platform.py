"""?platform= picks the push credential per platform; ``edge`` matches the token's region."""

from http import HTTPStatus

import jwt
import pytest

from tests.conftest import TOKEN_URL, bearer
from tests.contract import assert_matches_contract
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

DEFAULT = "CR" + "0" * 32
IOS = "CR" + "1" * 32
SANDBOX = "CR" + "2" * 32
ANDROID = "CR" + "3" * 32
FOUR_SET = {"accountSid": False, "apiKeySid": False, "apiKeySecret": False, "twimlAppSid": False}


@pytest.fixture
def mobile_org():
    return OrganizationFactory(
        twilio_push_credential_sid=DEFAULT,
        twilio_push_credential_sid_ios=IOS,
        twilio_push_credential_sid_ios_sandbox=SANDBOX,
        twilio_push_credential_sid_android=ANDROID,
    )


def _get(api_client, user, query: str = ""):
    return api_client.get(TOKEN_URL + query, **bearer(user))


def _voice_grant(response, org) -> dict:
    secret = org.twilio_api_key_secret.reveal()
    claims = jwt.decode(response.json()["token"], secret, algorithms=["HS256"])
    return claims["grants"]["voice"]


@pytest.mark.parametrize(
    ("query", "push"),
    [
        ("?platform=ios", IOS),
        ("?platform=ios-sandbox", SANDBOX),
        ("?platform=android", ANDROID),
        ("", DEFAULT),
    ],
)
def test_each_platform_carries_its_own_push_credential(api_client, mobile_org, query, push):
    user = UserFactory(organization=mobile_org)

    response = _get(api_client, user, query)

    assert response.status_code == HTTPStatus.OK
    assert_matches_contract(response)
    assert _voice_grant(response, mobile_org)["push_credential_sid"] == push


def test_web_carries_no_push_credential(api_client, mobile_org):
    user = UserFactory(organization=mobile_org)

    response = _get(api_client, user, "?platform=web")

    assert response.status_code == HTTPStatus.OK
    assert "push_credential_sid" not in _voice_grant(response, mobile_org)


@pytest.mark.parametrize(
    ("platform", "field"),
    [
        ("ios", "twilio_push_credential_sid_ios"),
        ("ios-sandbox", "twilio_push_credential_sid_ios_sandbox"),
        ("android", "twilio_push_credential_sid_android"),
    ],
)
def test_a_mobile_platform_without_its_credential_is_missing_it(
    api_client, mobile_org, platform, field
):
    setattr(mobile_org, field, "")
    mobile_org.save()
    user = UserFactory(organization=mobile_org)

    response = _get(api_client, user, f"?platform={platform}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = assert_matches_contract(response)
    assert body == {
        "error": "Twilio credentials missing",
        "code": "TWILIO_CREDENTIALS_MISSING",
        "missing": {**FOUR_SET, "pushCredentialSid": True},
    }
    assert response["Cache-Control"] == "no-store"


def test_the_platforms_credential_is_checked_with_the_others_before_the_number(api_client):
    org = OrganizationFactory(twilio_twiml_app_sid="")
    user = UserFactory(organization=org, twilio_phone_number=None)

    body = _get(api_client, user, "?platform=android").json()

    assert body["code"] == "TWILIO_CREDENTIALS_MISSING"
    assert body["missing"] == {**FOUR_SET, "twimlAppSid": True, "pushCredentialSid": True}


def test_web_and_no_platform_never_name_a_push_credential(api_client):
    user = UserFactory(organization=OrganizationFactory(twilio_api_key_sid=""))

    for query in ("", "?platform=web"):
        body = _get(api_client, user, query).json()
        assert body["missing"] == {**FOUR_SET, "apiKeySid": True}


@pytest.mark.parametrize(
    "query",
    [
        "?platform=windows",
        "?platform=IOS",
        "?platform=",
        "?platform=ios&platform=ios",
        "?platform=web&platform=android",
        "?platform=ios%00",
        "?platform=" + "a" * 5000,
    ],
)
def test_an_unknown_or_repeated_platform(api_client, mobile_org, query):
    user = UserFactory(organization=mobile_org)

    response = _get(api_client, user, query)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert assert_matches_contract(response) == {
        "error": "Unknown platform",
        "code": "UNKNOWN_PLATFORM",
    }
    assert response["Cache-Control"] == "no-store"


def test_the_platform_is_looked_at_only_after_authentication(api_client):
    response = api_client.get(TOKEN_URL + "?platform=windows")

    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_the_platform_names_no_tenant(api_client, mobile_org):
    # Another organization's credentials, asked for in every way a query string could.
    user = UserFactory(organization=OrganizationFactory())

    response = _get(
        api_client, user, f"?platform=ios&organization={mobile_org.pk}&org={mobile_org.pk}"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["missing"]["pushCredentialSid"] is True


@pytest.mark.parametrize("query", ["", "?platform=ios"])
def test_still_one_query_per_request(api_client, mobile_org, django_assert_num_queries, query):
    user = UserFactory(organization=mobile_org)
    headers = bearer(user)

    with django_assert_num_queries(1):
        response = api_client.get(TOKEN_URL + query, **headers)

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(("region", "edge"), [("ie1", "dublin"), ("au1", "sydney")])
def test_the_edge_matches_the_region(api_client, region, edge):
    org = OrganizationFactory(twilio_region=region)
    user = UserFactory(organization=org)

    response = _get(api_client, user)

    body = assert_matches_contract(response)
    assert body["edge"] == edge
    assert jwt.get_unverified_header(body["token"])["twr"] == region


@pytest.mark.parametrize("region", ["", "us1"])
def test_no_edge_without_such_a_region(api_client, region):
    user = UserFactory(organization=OrganizationFactory(twilio_region=region))

    body = _get(api_client, user).json()

    assert set(body) == {"token", "identity", "userId", "expiresAt"}


def test_a_query_string_with_too_many_fields_is_a_400(api_client, mobile_org):
    user = UserFactory(organization=mobile_org)
    query = "?platform=web&" + "&".join(f"f{i}=1" for i in range(1001))

    response = _get(api_client, user, query)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert assert_matches_contract(response) == {
        "error": "Malformed query string",
        "code": "MALFORMED_QUERY",
    }
