"""Outgoing calls: the TwiML App's Voice URL dials the number, or says why not and hangs up."""

import logging

import pytest

from calls.webhooks.services import Refusal
from tests.factories import OrganizationFactory, UserFactory
from tests.webhooks import (
    OUTBOUND_PATH,
    assert_dials_number,
    assert_forbidden,
    assert_refused,
    outbound_params,
    post_signed,
)

pytestmark = pytest.mark.django_db

CALLER = "+14165550100"  # Toronto, Canada
US = "+12025550100"
GB = "+442071838750"
JAMAICA = "+18765550100"  # +1 like Canada and the US, but another country


@pytest.fixture
def org():
    return OrganizationFactory(twilio_allowed_countries="CA,US")


@pytest.fixture
def caller(org):
    return UserFactory(organization=org, twilio_phone_number=CALLER)


@pytest.fixture
def dial(client, org, caller):
    """Place a call from ``From`` (default: the caller's softphone) to ``to``, signed."""

    def place(to: str, *, caller_number: str = CALLER, **extra):
        params = outbound_params(org, caller_number, to, **extra)
        return post_signed(client, OUTBOUND_PATH, params, org=org)

    return place


def test_dials_the_number_with_the_callers_own_number_as_caller_id(dial):
    assert_dials_number(dial(US), number=US, caller_id=CALLER)


def test_a_number_written_with_spaces_and_punctuation_is_dialled_in_e164(dial):
    assert_dials_number(dial("+1 (202) 555-0100"), number=US, caller_id=CALLER)


@pytest.mark.parametrize("countries", ["CA,US", ""])
def test_a_call_costs_four_queries(dial, org, countries, assert_num_statements):
    org.twilio_allowed_countries = countries
    org.save()

    # The organization, the members (or the caller, then the holder of the dialled number:
    # it could be a colleague), and the call log's record; blank countries read every member.
    with assert_num_statements(3 if countries == "" else 4):
        response = dial("+14165550111")

    assert_dials_number(response, number="+14165550111", caller_id=CALLER)


@pytest.mark.parametrize(
    "to",
    [
        "",
        "2025550100",  # no country code
        "+1202555",  # too short
        "+120255501000000",  # too long
        "911",
        "+999123456",  # no such country code
        "client:+14165550199",  # softphone to softphone is not offered
        "tel:+12025550100",
        "+1-800-FLOWERS",
        "not a number",
    ],
)
def test_a_destination_that_is_not_a_valid_international_number_is_refused(dial, to):
    assert_refused(dial(to), Refusal.INVALID_NUMBER.value)


def test_a_call_without_to_is_refused(client, org, caller):
    params = outbound_params(org, CALLER, "")
    del params["To"]

    assert_refused(
        post_signed(client, OUTBOUND_PATH, params, org=org), Refusal.INVALID_NUMBER.value
    )


@pytest.mark.parametrize("to", [GB, JAMAICA, "+61291234567"])
def test_a_country_outside_the_list_is_refused(dial, to):
    assert_refused(dial(to), Refusal.COUNTRY_NOT_ALLOWED.value)


def test_the_list_alone_decides_when_it_is_set(dial, org):
    org.twilio_allowed_countries = "GB"
    org.save()

    assert_dials_number(dial(GB), number=GB, caller_id=CALLER)
    assert_refused(dial("+14165550111"), Refusal.COUNTRY_NOT_ALLOWED.value)


def test_premium_rate_numbers_are_refused_even_in_an_allowed_country(dial):
    assert_refused(dial("+19005551234"), Refusal.PREMIUM_RATE.value)


class TestBlankList:
    """Blank: the countries of the organization's active members' own Twilio numbers."""

    @pytest.fixture
    def org(self):
        return OrganizationFactory(twilio_allowed_countries="")

    def test_the_callers_own_country_is_allowed(self, dial):
        assert_dials_number(dial("+14165550111"), number="+14165550111", caller_id=CALLER)

    @pytest.mark.parametrize("to", [US, JAMAICA, GB])
    def test_other_countries_are_refused(self, dial, to):
        assert_refused(dial(to), Refusal.COUNTRY_NOT_ALLOWED.value)

    def test_a_members_number_abroad_allows_that_country(self, dial, org):
        UserFactory(organization=org, twilio_phone_number="+442071838700")

        assert_dials_number(dial(GB), number=GB, caller_id=CALLER)
        assert_refused(dial(US), Refusal.COUNTRY_NOT_ALLOWED.value)

    def test_inactive_members_and_other_organizations_do_not_count(self, dial, org):
        UserFactory(organization=org, twilio_phone_number="+442071838700", is_active=False)
        UserFactory(twilio_phone_number=US)

        assert_refused(dial(GB), Refusal.COUNTRY_NOT_ALLOWED.value)
        assert_refused(dial(US), Refusal.COUNTRY_NOT_ALLOWED.value)


@pytest.mark.parametrize(
    "caller_from",
    [
        "client:+14165550199",  # no one holds this number
        "+14165550100",  # a phone, not a softphone
        "client:alice",  # not an identity this service gives out
        "client:",
        "",
    ],
)
def test_a_caller_who_is_no_member_is_refused(client, org, caller, caller_from):
    params = {**outbound_params(org, CALLER, US), "From": caller_from}

    response = post_signed(client, OUTBOUND_PATH, params, org=org)

    assert_refused(response, Refusal.UNKNOWN_CALLER.value)


def test_an_inactive_caller_is_refused(dial, caller):
    caller.is_active = False
    caller.save()

    assert_refused(dial(US), Refusal.UNKNOWN_CALLER.value)


def test_a_caller_of_another_organization_is_forbidden(dial, caplog):
    UserFactory(twilio_phone_number="+14165550177")

    with caplog.at_level(logging.WARNING, logger="calls.webhooks"):
        response = dial(US, caller_number="+14165550177")

    assert_forbidden(response)
    (record,) = [r for r in caplog.records if r.name == "calls.webhooks.apis"]
    assert record.levelno == logging.WARNING
    assert "cross_tenant_caller" in record.getMessage()


def test_connected_and_refused_calls_are_logged_with_the_call_sid_only(dial, caplog, org):
    with caplog.at_level(logging.INFO, logger="calls.webhooks"):
        dial(US, CallSid="CA" + "1" * 32)
        dial(GB, CallSid="CA" + "2" * 32)

    messages = [r.getMessage() for r in caplog.records if r.name == "calls.webhooks.apis"]
    assert messages == [
        f"Outbound call CA{'1' * 32} connected for organization {org.pk}",
        f"Outbound call CA{'2' * 32} refused (COUNTRY_NOT_ALLOWED) for organization {org.pk}",
    ]


class TestNumberTypes:
    """Only landline, mobile and toll-free numbers: the kinds toll fraud uses are refused."""

    @pytest.fixture
    def org(self):
        return OrganizationFactory(twilio_allowed_countries="CA,US,GB,DE")

    @pytest.mark.parametrize(
        "to",
        [
            "+447012345678",  # GB personal number (070)
            "+447640123456",  # GB pager (076)
            "+445512345678",  # GB UAN (055)
            "+15002345678",  # US personal (500)
            "+15332345678",  # US personal (533)
            "+491371234567",  # DE shared cost (0137)
            "+4970012345678",  # DE personal (0700)
            "+4916412345",  # DE pager
            "+4918500123456",  # DE UAN
            "+4918012345",  # DE shared cost (0180)
            "+49177991234567",  # DE voicemail access
        ],
    )
    def test_numbers_of_other_kinds_are_refused(self, dial, to):
        assert_refused(dial(to), Refusal.NUMBER_TYPE_NOT_ALLOWED.value)

    @pytest.mark.parametrize(
        "to",
        [
            "+442071838750",  # GB landline
            "+447400123456",  # GB mobile
            "+4915112345678",  # DE mobile
            "+18005551234",  # US toll free
            "+14165550123",  # CA fixed line or mobile
        ],
    )
    def test_landline_mobile_and_toll_free_numbers_are_dialled(self, dial, to):
        assert_dials_number(dial(to), number=to, caller_id=CALLER)

    def test_voip_numbers_only_when_the_organization_allows_them(self, dial, org):
        voip = "+445612345678"  # GB VoIP (056)
        assert_refused(dial(voip), Refusal.NUMBER_TYPE_NOT_ALLOWED.value)

        org.twilio_allow_voip = True
        org.save()

        assert_dials_number(dial(voip), number=voip, caller_id=CALLER)

    def test_premium_rate_keeps_its_own_sentence(self, dial):
        assert_refused(dial("+449012345678"), Refusal.PREMIUM_RATE.value)
