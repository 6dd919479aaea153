"""Calls from outside that the softphone does not answer: forwarded, voicemail or hung up."""

import pytest

from calls.webhooks.services import DEFAULT_GREETING, Refusal
from tests.calls.calls_twilio import call_sid
from tests.factories import UserFactory
from tests.webhooks import (
    RECORDING_PATH,
    TEST_ORIGIN,
    VOICEMAIL_ENDED_PATH,
    assert_dials_client,
    assert_forbidden,
    assert_refused,
    leg_callbacks,
    twiml,
)

pytestmark = pytest.mark.django_db

NUMBER = "+14165550100"
MOBILE = "+14165550199"


@pytest.fixture
def member(org):
    return UserFactory(organization=org, twilio_phone_number=NUMBER)


def assert_voicemail(response, *, greeting: str = DEFAULT_GREETING, max_seconds: int = 120):
    """<Say>greeting</Say><Record .../><Hangup/>: no transcription, a recording callback."""
    say, record, hangup = twiml(response)
    assert (say.tag, say.text) == ("Say", greeting)
    assert record.tag == "Record"
    assert record.attrib == {
        "action": TEST_ORIGIN + VOICEMAIL_ENDED_PATH,
        "method": "POST",
        "maxLength": str(max_seconds),
        "playBeep": "true",
        "timeout": "5",
        "transcribe": "false",
        "recordingStatusCallback": TEST_ORIGIN + RECORDING_PATH,
        "recordingStatusCallbackMethod": "POST",
        "recordingStatusCallbackEvent": "completed",
    }
    assert hangup.tag == "Hangup"


def assert_hangs_up(response):
    (hangup,) = twiml(response)
    assert hangup.tag == "Hangup"
    assert hangup.attrib == {}


@pytest.mark.usefixtures("member")
def test_the_softphone_rings_for_the_organizations_ring_time(twilio, org):
    org.twilio_ring_seconds = 35
    org.save()

    assert_dials_client(twilio.ring(NUMBER, call_sid()), identity=NUMBER, ring_seconds=35)


@pytest.mark.usefixtures("member")
@pytest.mark.parametrize("dial_status", ["no-answer", "busy", "failed", "canceled"])
def test_an_unanswered_call_goes_to_voicemail_by_default(twilio, dial_status):
    sid = call_sid()
    twilio.ring(NUMBER, sid)

    assert_voicemail(twilio.dial_ended(sid, NUMBER, dial_status))


@pytest.mark.usefixtures("member")
def test_the_greeting_and_longest_message_are_the_organizations(twilio, org):
    org.twilio_voicemail_greeting = "Acme support. Leave a message."
    org.twilio_voicemail_max_seconds = 60
    org.save()

    response = twilio.dial_ended(call_sid(), NUMBER, "no-answer")

    assert_voicemail(response, greeting="Acme support. Leave a message.", max_seconds=60)


@pytest.mark.usefixtures("member")
@pytest.mark.parametrize("dial_status", ["completed", "answered"])
def test_an_answered_call_simply_ends(twilio, dial_status):
    assert_hangs_up(twilio.dial_ended(call_sid(), NUMBER, dial_status, duration=42))


@pytest.mark.usefixtures("member")
def test_the_organization_may_hang_up_instead_of_voicemail(twilio, org):
    org.twilio_unanswered = "hangup"
    org.save()

    assert_refused(twilio.dial_ended(call_sid(), NUMBER, "no-answer"), Refusal.NOT_ANSWERED.value)


def test_a_forwarding_number_comes_before_voicemail(twilio, member):
    member.forwarding_number = MOBILE
    member.save()

    (dial,) = twiml(twilio.dial_ended(call_sid(), NUMBER, "no-answer"))

    # No callerId: Twilio shows the original caller, as forwarding should.
    assert dial.tag == "Dial"
    assert dial.attrib == {"answerOnBridge": "true"}
    (number,) = dial
    assert (number.tag, number.text, number.attrib) == ("Number", MOBILE, leg_callbacks())


def test_a_forwarding_number_the_organization_no_longer_allows_is_skipped(twilio, member, org):
    member.forwarding_number = "+442071838750"
    member.save()
    org.twilio_allowed_countries = "CA,US"
    org.save()

    assert_voicemail(twilio.dial_ended(call_sid(), NUMBER, "no-answer"))


def test_an_inactive_members_unanswered_call_is_not_forwarded(twilio, member):
    member.forwarding_number = MOBILE
    member.is_active = False
    member.save()

    response = twilio.dial_ended(call_sid(), NUMBER, "no-answer")

    assert_refused(response, Refusal.NO_ONE_HERE.value)


@pytest.mark.usefixtures("member")
def test_a_voicemail_ends_with_a_hang_up(twilio):
    sid = call_sid()
    twilio.ring(NUMBER, sid)

    assert_hangs_up(twilio.voicemail_ended(sid, NUMBER, "RE" + "a" * 32))


@pytest.mark.usefixtures("member")
def test_the_new_webhooks_need_twilios_signature(client, org):
    from tests.webhooks import DIAL_ENDED_PATH, inbound_params, post

    params = inbound_params(org, NUMBER, DialCallStatus="no-answer")

    assert_forbidden(post(client, DIAL_ENDED_PATH, params, signature=None))
    assert_forbidden(post(client, DIAL_ENDED_PATH, params, signature="forged"))
    assert_forbidden(post(client, VOICEMAIL_ENDED_PATH, params, signature="forged"))


@pytest.mark.usefixtures("member")
def test_a_greeting_with_control_characters_still_makes_valid_twiml(twilio, org):
    from orgs.models import Organization

    Organization.objects.filter(pk=org.pk).update(twilio_voicemail_greeting="Hi\x0bthere\x01")

    assert_voicemail(twilio.dial_ended(call_sid(), NUMBER, "no-answer"), greeting="Hi there")


def test_the_admin_refuses_a_greeting_that_cannot_be_spoken(org):
    from django.core.exceptions import ValidationError

    org.twilio_voicemail_greeting = "Line one\x0bline two"

    with pytest.raises(ValidationError) as refused:
        org.full_clean()

    assert "twilio_voicemail_greeting" in refused.value.message_dict
