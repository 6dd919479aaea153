"""A softphone that dials a colleague's number rings the colleague's softphone directly."""

import pytest

from calls.models import Call
from calls.webhooks.services import Refusal
from tests.calls.calls_twilio import call_sid
from tests.factories import OrganizationFactory, UserFactory
from tests.webhooks import assert_dials_colleague, assert_dials_number, assert_refused

pytestmark = pytest.mark.django_db

CALLER = "+14165550100"
COLLEAGUE = "+14165550111"


@pytest.fixture
def caller(org):
    return UserFactory(organization=org, twilio_phone_number=CALLER)


@pytest.mark.usefixtures("caller")
def test_a_colleagues_number_rings_their_softphone(twilio, org):
    UserFactory(organization=org, twilio_phone_number=COLLEAGUE)

    response = twilio.dial(CALLER, COLLEAGUE, call_sid())

    assert_dials_colleague(response, identity=COLLEAGUE, caller_id=CALLER)


@pytest.mark.usefixtures("caller")
def test_the_number_may_be_written_as_people_write_it(twilio, org):
    UserFactory(organization=org, twilio_phone_number=COLLEAGUE)

    response = twilio.dial(CALLER, "+1 (416) 555-0111", call_sid())

    assert_dials_colleague(response, identity=COLLEAGUE, caller_id=CALLER)


@pytest.mark.usefixtures("caller")
@pytest.mark.parametrize("countries", ["CA,US", ""])
def test_allowed_countries_do_not_apply_between_members(twilio, org, countries):
    org.twilio_allowed_countries = countries
    org.save()
    UserFactory(organization=org, twilio_phone_number="+442071838750")

    response = twilio.dial(CALLER, "+442071838750", call_sid())

    assert_dials_colleague(response, identity="+442071838750", caller_id=CALLER)


@pytest.mark.usefixtures("caller")
def test_the_ring_time_is_the_organizations(twilio, org):
    org.twilio_ring_seconds = 12
    org.save()
    UserFactory(organization=org, twilio_phone_number=COLLEAGUE)

    response = twilio.dial(CALLER, COLLEAGUE, call_sid())

    assert_dials_colleague(response, identity=COLLEAGUE, caller_id=CALLER, ring_seconds=12)


@pytest.mark.usefixtures("caller")
def test_a_member_of_another_organization_is_an_ordinary_outside_call(twilio, org):
    org.twilio_allowed_countries = "CA,US"
    org.save()
    UserFactory(organization=OrganizationFactory(), twilio_phone_number=COLLEAGUE)

    response = twilio.dial(CALLER, COLLEAGUE, call_sid())

    assert_dials_number(response, number=COLLEAGUE, caller_id=CALLER)


@pytest.mark.usefixtures("caller")
def test_another_organizations_member_abroad_is_held_to_the_country_rules(twilio, org):
    org.twilio_allowed_countries = "CA,US"
    org.save()
    UserFactory(organization=OrganizationFactory(), twilio_phone_number="+442071838750")

    response = twilio.dial(CALLER, "+442071838750", call_sid())

    assert_refused(response, Refusal.COUNTRY_NOT_ALLOWED.value)


@pytest.mark.usefixtures("caller")
def test_an_inactive_colleague_is_not_rung_directly(twilio, org):
    org.twilio_allowed_countries = "CA,US"
    org.save()
    UserFactory(organization=org, twilio_phone_number=COLLEAGUE, is_active=False)

    response = twilio.dial(CALLER, COLLEAGUE, call_sid())

    assert_dials_number(response, number=COLLEAGUE, caller_id=CALLER)


@pytest.mark.usefixtures("caller")
def test_calling_ones_own_number_is_refused(twilio):
    assert_refused(twilio.dial(CALLER, CALLER, call_sid()), Refusal.OWN_NUMBER.value)


def test_both_members_get_a_record_of_the_internal_call(twilio, org, caller):
    colleague = UserFactory(organization=org, twilio_phone_number=COLLEAGUE)
    parent, leg = call_sid(), call_sid()

    twilio.dial(CALLER, COLLEAGUE, parent)
    for status in ("initiated", "ringing", "no-answer"):
        response = twilio.status(
            leg, status, parent=parent, query="?leg=internal", From=CALLER, To=f"client:{COLLEAGUE}"
        )
        assert response.status_code == 204

    placed = Call.objects.get(call_sid=parent)
    received = Call.objects.get(call_sid=leg)
    assert (placed.user, placed.direction, placed.incoming) == (caller, "internal", False)
    assert (placed.other_party, placed.status, placed.missed) == (COLLEAGUE, "no-answer", False)
    assert (received.user, received.direction, received.incoming) == (colleague, "internal", True)
    assert (received.parent_call_sid, received.other_party) == (parent, CALLER)
    assert (received.status, received.missed) == ("no-answer", True)


def test_a_leg_marked_internal_for_another_organizations_number_creates_nothing(
    twilio, org, caller
):
    UserFactory(organization=OrganizationFactory(), twilio_phone_number=COLLEAGUE)
    parent, leg = call_sid(), call_sid()
    twilio.dial(CALLER, "+14165550122", parent)

    twilio.status(leg, "ringing", parent=parent, query="?leg=internal", To=f"client:{COLLEAGUE}")

    assert list(Call.objects.values_list("call_sid", flat=True)) == [parent]


def test_a_colleagues_leg_event_costs_four_statements(twilio, org, caller, assert_num_statements):
    UserFactory(organization=org, twilio_phone_number=COLLEAGUE)
    parent, leg = call_sid(), call_sid()
    twilio.dial(CALLER, COLLEAGUE, parent)

    # Organization, the colleague, their record (made once), one UPDATE of both records.
    for status in ("ringing", "in-progress"):
        with assert_num_statements(4):
            twilio.status(
                leg, status, parent=parent, query="?leg=internal", To=f"client:{COLLEAGUE}"
            )


def test_the_colleagues_record_starts_with_its_legs_earliest_event(twilio, org, caller):
    from datetime import timedelta

    from django.utils import timezone

    from tests.calls.calls_twilio import timestamp

    UserFactory(organization=org, twilio_phone_number=COLLEAGUE)
    parent, leg = call_sid(), call_sid()
    twilio.dial(CALLER, COLLEAGUE, parent)
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=3)
    events = [("completed", 70), ("in-progress", 5), ("ringing", 1), ("initiated", 0)]

    for status, seconds in events:  # the reverse of the order they happened in
        extra = {"CallDuration": "65"} if status == "completed" else {}
        twilio.status(
            leg, status, parent=parent, query="?leg=internal", To=f"client:{COLLEAGUE}",
            Timestamp=timestamp(start + timedelta(seconds=seconds)), **extra,
        )  # fmt: skip

    received = Call.objects.get(call_sid=leg)
    assert received.started_at == start
    assert received.answered_at == start + timedelta(seconds=5)
    assert (received.status, received.duration) == ("completed", 65)
