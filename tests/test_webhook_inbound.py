"""Incoming calls: a number's Voice URL rings the softphone of the member who holds the number."""

import jwt
import pytest

from calls import conf as calls_conf
from calls.call_status import CallDirection
from calls.identity import InvalidIdentity, voice_identity, voice_identity_number
from calls.webhooks.selectors import WebhookOrganization
from calls.webhooks.services import CallEntry, DialClient, Refusal, inbound_call_route
from orgs.voice import NumberHolder
from tests.factories import OrganizationFactory, UserFactory
from tests.webhooks import (
    INBOUND_PATH,
    assert_dials_client,
    assert_refused,
    inbound_params,
    post_signed,
)

pytestmark = pytest.mark.django_db

NUMBER = "+14165550100"


@pytest.fixture
def member(org):
    return UserFactory(organization=org, twilio_phone_number=NUMBER)


@pytest.fixture
def ring(client, org):
    """Call ``to`` from the public telephone network, signed for the organization's account."""

    def call(to: str, **extra):
        return post_signed(client, INBOUND_PATH, inbound_params(org, to, **extra), org=org)

    return call


@pytest.mark.usefixtures("member")
def test_rings_the_softphone_of_the_member_who_holds_the_number(ring):
    assert_dials_client(ring(NUMBER), identity=NUMBER)


def test_the_client_rung_is_the_identity_in_the_members_token(ring, member, org, get_token):
    token = get_token(member).json()["token"]
    grants = jwt.decode(token, org.twilio_api_key_secret.reveal(), algorithms=["HS256"])["grants"]

    assert_dials_client(ring(NUMBER), identity=grants["identity"])


@pytest.mark.usefixtures("member")
def test_a_call_costs_three_queries(ring, assert_num_statements):
    # The organization, the holder of the number, and the call log's record.
    with assert_num_statements(3):
        response = ring(NUMBER)

    assert_dials_client(response, identity=NUMBER)


@pytest.mark.usefixtures("member")
@pytest.mark.parametrize("to", ["+14165550199", "+442071838750", "", "4165550100", "client:x"])
def test_a_number_no_member_holds_hears_a_polite_goodbye(ring, to):
    assert_refused(ring(to), Refusal.NO_ONE_HERE.value)


def test_a_number_held_in_another_organization_is_not_rung(ring):
    UserFactory(twilio_phone_number=NUMBER)

    assert_refused(ring(NUMBER), Refusal.NO_ONE_HERE.value)


def test_an_inactive_member_is_not_rung(ring, member):
    member.is_active = False
    member.save()

    assert_refused(ring(NUMBER), Refusal.NO_ONE_HERE.value)


def test_an_organization_that_refuses_incoming_calls_says_so(client):
    org = OrganizationFactory(twilio_incoming_allow=False)
    UserFactory(organization=org, twilio_phone_number=NUMBER)

    response = post_signed(client, INBOUND_PATH, inbound_params(org, NUMBER), org=org)

    assert_refused(response, Refusal.INCOMING_OFF.value)


@pytest.mark.parametrize("number", ["+14165550100", "+442071838750", "+61291234567"])
def test_identity_and_number_are_each_others_inverse(number):
    assert voice_identity_number(voice_identity(number)) == number
    assert voice_identity(voice_identity_number(number)) == number


@pytest.mark.parametrize("identity", ["alice", "14165550100", "+0123", "+1416555 0100", ""])
def test_an_identity_this_service_never_gives_out_has_no_number(identity):
    with pytest.raises(InvalidIdentity):
        voice_identity_number(identity)


def test_number_holders_come_from_the_configured_resolver(settings, monkeypatch):
    asked = []

    def holders(*, phone_number, with_numbers_of=None):
        asked.append(phone_number)
        return [NumberHolder(7, 1, True, phone_number)]

    monkeypatch.setattr(calls_conf, "_imported", {"host.resolvers.holders": holders})
    settings.CALLS_NUMBER_HOLDERS_RESOLVER = "host.resolvers.holders"

    route = inbound_call_route(
        organization=WebhookOrganization(1, None, "", True), to="+14165550100"
    )

    assert asked == ["+14165550100"]
    assert route == DialClient(
        identity="+14165550100",
        ring_seconds=20,
        entry=CallEntry(7, CallDirection.INBOUND, True, ""),
    )
