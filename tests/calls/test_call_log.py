"""The call log, kept from the webhooks and Twilio's status and recording callbacks.

Callbacks may come twice or out of order; a record never moves back, and a callback signed by
one organization never touches another's record.
"""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call
from tests.calls.calls_twilio import PSTN_CALLER, TwilioCalls, call_sid, timestamp
from tests.conftest import database_read_only
from tests.factories import OrganizationFactory, UserFactory
from tests.webhooks import STATUS_PATH, assert_dials_client, assert_forbidden, post

pytestmark = pytest.mark.django_db

NUMBER = "+14165550100"
RECORDING = "RE" + "1" * 32


@pytest.fixture
def member(org):
    return UserFactory(organization=org, twilio_phone_number=NUMBER)


@pytest.fixture
def incoming(twilio, member) -> str:
    """An incoming call that rang the member: its Call SID."""
    sid = call_sid()
    twilio.ring(NUMBER, sid)
    return sid


def record(sid: str) -> Call:
    return Call.objects.get(call_sid=sid)


def test_a_routed_incoming_call_is_recorded(incoming, member, org):
    call = record(incoming)

    assert (call.user, call.organization, call.direction) == (member, org, "inbound")
    assert (call.incoming, call.other_party, call.status) == (True, PSTN_CALLER, "initiated")
    assert call.parent_call_sid == ""
    assert abs(call.started_at - timezone.now()) < timedelta(seconds=5)


def test_a_routed_outgoing_call_is_recorded(twilio, member):
    sid = call_sid()

    twilio.dial(NUMBER, "+14165550123", sid)

    call = record(sid)
    assert (call.user, call.direction, call.incoming) == (member, "outbound", False)
    assert call.other_party == "+14165550123"


@pytest.mark.usefixtures("member")
def test_a_refused_call_is_not_recorded(twilio):
    twilio.dial(NUMBER, "+19005550100", call_sid())  # premium rate

    assert not Call.objects.exists()


def test_a_repeated_voice_request_keeps_one_record(twilio, incoming):
    twilio.ring(NUMBER, incoming)

    assert Call.objects.filter(call_sid=incoming).count() == 1


def test_an_answered_call_records_answer_end_and_talk_time(twilio, incoming):
    leg = call_sid()
    answered = timezone.now().replace(microsecond=0) - timedelta(minutes=5)

    twilio.status(leg, "ringing", parent=incoming)
    twilio.status(leg, "in-progress", parent=incoming, Timestamp=timestamp(answered))
    ended = answered + timedelta(seconds=95)
    twilio.status(leg, "completed", parent=incoming, CallDuration="95", Timestamp=timestamp(ended))

    call = record(incoming)
    assert (call.status, call.duration, call.missed) == ("completed", 95, False)
    assert (call.answered_at, call.ended_at) == (answered, ended)


EVENTS = [("initiated", None), ("ringing", None), ("in-progress", None), ("completed", "61")]


@pytest.mark.parametrize("order", list(itertools.permutations(range(4)))[::5])
def test_events_in_any_order_and_twice_end_in_the_same_record(twilio, incoming, order):
    leg = call_sid()
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    stamps = {"initiated": 0, "ringing": 1, "in-progress": 4, "completed": 65}
    for index in [*order, *order]:
        status, duration = EVENTS[index]
        extra = {"CallDuration": duration} if duration else {}
        at = timestamp(start + timedelta(seconds=stamps[status]))
        assert twilio.status(leg, status, parent=incoming, Timestamp=at, **extra).status_code == 204

    call = record(incoming)
    assert (call.status, call.duration) == ("completed", 61)
    assert call.answered_at == start + timedelta(seconds=4)
    assert call.ended_at == start + timedelta(seconds=65)


def test_a_status_never_moves_back(twilio, incoming):
    leg = call_sid()
    twilio.status(leg, "no-answer", parent=incoming)

    twilio.status(leg, "initiated", parent=incoming)
    twilio.status(leg, "ringing", parent=incoming)

    call = record(incoming)
    assert (call.status, call.answered_at, call.missed) == ("no-answer", None, True)


@pytest.mark.parametrize("late", [["in-progress", "completed"], ["completed"], ["in-progress"]])
def test_an_answer_reported_after_the_calls_own_end_still_counts(twilio, member, late):
    """The call's own end comes first and makes the record final, as unanswered; the leg's
    answer, reported after it, wins."""
    sid, leg = call_sid(), call_sid()
    twilio.dial(NUMBER, "+14165550188", sid)
    twilio.status(leg, "ringing", parent=sid, To="+14165550188")
    twilio.status(sid, "completed", CallDuration="65")
    assert record(sid).status == "canceled"

    for status in late:
        extra = {"CallDuration": "60"} if status == "completed" else {}
        twilio.status(leg, status, parent=sid, To="+14165550188", **extra)

    call = record(sid)
    assert call.status == "completed"
    assert call.answered_at is not None
    assert call.duration == (60 if "completed" in late else 0)


def test_an_incoming_calls_answer_after_its_own_end_is_not_missed(twilio, incoming):
    twilio.status(incoming, "completed", CallDuration="30")
    assert record(incoming).missed

    twilio.dial_ended(incoming, NUMBER, "completed", duration=25)

    call = record(incoming)
    assert (call.status, call.duration, call.missed) == ("completed", 25, False)


@pytest.mark.parametrize(
    "stamp",
    [
        "Fri, 31 Dec 9999 23:59:59 -1200",
        "Mon, 01 Jan 0001 00:00:00 +1400",
        "Mon, 01 Jan 1900 00:00:00 +0000",
        "Sun, 01 Jan 2090 00:00:00 +0000",
    ],
)
def test_an_implausible_timestamp_counts_as_now(twilio, incoming, stamp):
    leg = call_sid()

    response = twilio.status(leg, "completed", parent=incoming, CallDuration="5", Timestamp=stamp)

    assert response.status_code == 204
    assert abs(record(incoming).ended_at - timezone.now()) < timedelta(seconds=5)


def test_an_unanswered_call_with_a_voicemail(twilio, incoming):
    leg = call_sid()
    twilio.status(leg, "ringing", parent=incoming)
    twilio.dial_ended(incoming, NUMBER, "no-answer")
    twilio.status(leg, "no-answer", parent=incoming)
    twilio.voicemail_ended(incoming, NUMBER, RECORDING, duration=9)
    twilio.recording(incoming, RECORDING, duration=9)

    call = record(incoming)
    assert (call.status, call.missed, call.duration) == ("no-answer", True, 0)
    assert (call.voicemail_sid, call.voicemail_duration) == (RECORDING, 9)
    assert call.ended_at is not None


@pytest.mark.parametrize("duration", ["", "abc"])
def test_a_repeat_without_a_readable_length_keeps_the_length(twilio, incoming, duration):
    twilio.recording(incoming, RECORDING, duration=9)

    twilio.post(
        "/api/webhook/calls/twilio/recording",
        {
            "AccountSid": twilio.org.twilio_account_sid,
            "CallSid": incoming,
            "RecordingSid": RECORDING,
            "RecordingStatus": "completed",
            "RecordingDuration": duration,
        },
    )

    assert record(incoming).voicemail_duration == 9


def test_a_recording_callback_twice_or_with_another_recording_keeps_the_first(twilio, incoming):
    twilio.recording(incoming, RECORDING, duration=9)
    twilio.recording(incoming, RECORDING, duration=9)
    twilio.recording(incoming, "RE" + "2" * 32, duration=30)

    assert (record(incoming).voicemail_sid, record(incoming).voicemail_duration) == (RECORDING, 9)


@pytest.mark.parametrize("status", ["absent", "failed", "in-progress"])
def test_a_recording_that_is_not_ready_is_not_kept(twilio, incoming, status):
    twilio.recording(incoming, RECORDING, status=status)

    assert record(incoming).voicemail_sid == ""


def test_a_forwarded_call_stays_missed_whatever_the_forwarded_leg_does(twilio, incoming, member):
    member.forwarding_number = "+14165550199"
    member.save()
    twilio.dial_ended(incoming, NUMBER, "no-answer")
    forwarded = call_sid()

    for status in ("ringing", "in-progress"):
        twilio.status(forwarded, status, parent=incoming, To="+14165550199")
    twilio.status(forwarded, "completed", parent=incoming, To="+14165550199", CallDuration="30")

    call = record(incoming)
    assert (call.status, call.missed, call.forwarded_to) == ("no-answer", True, "+14165550199")
    assert (call.answered_at, call.duration) == (None, 0)


def test_the_dial_action_alone_records_an_answered_call(twilio, incoming):
    twilio.dial_ended(incoming, NUMBER, "completed", duration=40)

    call = record(incoming)
    assert (call.status, call.duration, call.missed) == ("completed", 40, False)
    assert call.answered_at is not None
    assert call.ended_at is not None


def test_the_calls_own_end_settles_a_record_whose_leg_never_reported(twilio, member):
    sid = call_sid()
    twilio.dial(NUMBER, "+14165550123", sid)

    twilio.status(sid, "completed", CallDuration="3")

    call = record(sid)
    assert (call.status, call.answered_at) == ("canceled", None)
    assert call.ended_at is not None


def test_the_calls_own_end_does_not_override_the_legs_outcome(twilio, member):
    sid, leg = call_sid(), call_sid()
    twilio.dial(NUMBER, "+14165550123", sid)
    twilio.status(leg, "busy", parent=sid, To="+14165550123")

    twilio.status(sid, "completed", CallDuration="3")

    assert record(sid).status == "busy"


def test_another_organizations_callback_changes_nothing(client, incoming):
    other = OrganizationFactory()
    intruder = TwilioCalls(client, other)

    assert (
        intruder.status(call_sid(), "completed", parent=incoming, CallDuration="99").status_code
        == 204
    )
    assert intruder.recording(incoming, RECORDING).status_code == 204
    intruder.dial_ended(incoming, NUMBER, "completed", duration=99)

    call = record(incoming)
    assert (call.status, call.duration, call.voicemail_sid) == ("initiated", 0, "")


def test_a_callback_for_an_unknown_call_is_ignored(twilio, member):
    response = twilio.status(call_sid(), "completed", parent=call_sid())

    assert response.status_code == 204
    assert response.content == b""
    assert not Call.objects.exists()


@pytest.mark.usefixtures("member")
def test_callbacks_need_twilios_signature(client, org, twilio, incoming):
    params = {"AccountSid": org.twilio_account_sid, "CallSid": incoming, "CallStatus": "completed"}

    assert_forbidden(post(client, STATUS_PATH, params, signature=None))
    assert_forbidden(post(client, STATUS_PATH, params, signature="forged"))
    unknown = {**params, "AccountSid": "AC" + "0" * 32}
    assert_forbidden(post(client, STATUS_PATH, unknown, signature="forged"))
    assert record(incoming).status == "initiated"


@pytest.mark.parametrize(
    "fields",
    [
        {"CallStatus": "exploded"},
        {"CallSid": "not-a-sid"},
        {"ParentCallSid": "CA123"},
        {"Timestamp": "yesterday-ish"},
        {"CallDuration": "-5"},
        {"CallDuration": "9" * 40},
        {"CallStatus": ""},
    ],
)
def test_malformed_callbacks_are_answered_and_change_nothing_they_should_not(
    twilio, incoming, fields
):
    leg = call_sid()
    params = {"CallSid": leg, "ParentCallSid": incoming, "CallStatus": "ringing", **fields}
    sid = params.pop("CallSid")
    status = params.pop("CallStatus")

    response = twilio.status(sid, status, **params)

    assert response.status_code == 204
    assert record(incoming).status in ("initiated", "ringing")


@pytest.mark.django_db(transaction=True)  # PostgreSQL's switch applies to new transactions
def test_a_database_that_refuses_writes_still_routes_the_call(twilio, member):
    sid = call_sid()

    with database_read_only():
        response = twilio.ring(NUMBER, sid)
        callback = twilio.status(call_sid(), "ringing", parent=sid)

    assert_dials_client(response, identity=NUMBER)
    assert callback.status_code == 204
    assert not Call.objects.exists()


def test_a_callback_costs_a_fixed_number_of_statements(twilio, incoming, assert_num_statements):
    leg = call_sid()

    # The organization by Account SID, then one UPDATE.
    with assert_num_statements(2):
        twilio.status(leg, "ringing", parent=incoming)
    with assert_num_statements(2):
        twilio.recording(incoming, RECORDING)


@pytest.mark.parametrize(
    ("dial_status", "statements"),
    # Organization, UPDATE; then, unanswered, the holders, and voicemail (no more) or hang-up.
    [("completed", 3), ("no-answer", 3)],
)
def test_dial_ended_costs_a_fixed_number_of_statements(
    twilio, incoming, dial_status, statements, assert_num_statements
):
    with assert_num_statements(statements):
        twilio.dial_ended(incoming, NUMBER, dial_status)


def test_a_forwarded_call_costs_four_statements(twilio, incoming, member, assert_num_statements):
    member.forwarding_number = "+14165550199"
    member.save()

    # Organization, UPDATE of the outcome, the holders, UPDATE of the forwarding number.
    with assert_num_statements(4):
        twilio.dial_ended(incoming, NUMBER, "no-answer")
