"""GET /api/calls/history: the caller's own calls, newest first, a page at a time."""

import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from calls.models import Call
from tests.conftest import bearer
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/calls/history"
START = timezone.now().replace(microsecond=0) - timedelta(days=1)


def make_call(user, minutes: int = 0, **fields) -> Call:
    """A record of the user's, ``minutes`` after START."""
    defaults = {
        "call_sid": "CA" + secrets.token_hex(16),
        "organization_id": user.organization_id,
        "direction": "inbound",
        "incoming": True,
        "other_party": "+12025550143",
        "status": "completed",
        "started_at": START + timedelta(minutes=minutes),
    }
    return Call.objects.create(user=user, **{**defaults, **fields})


def history(api_client, user, query: str = ""):
    return api_client.get(URL + query, **bearer(user))


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [entry["id"] for entry in response.json()["results"]]


def test_a_call_is_shown_with_every_field(api_client, user):
    answered = START + timedelta(seconds=5)
    call = make_call(
        user,
        status="completed",
        answered_at=answered,
        ended_at=answered + timedelta(seconds=61),
        duration=61,
    )

    response = history(api_client, user)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "results": [
            {
                "id": call.id,
                "direction": "inbound",
                "incoming": True,
                "otherParty": "+12025550143",
                "status": "completed",
                "missed": False,
                "startedAt": START.isoformat().replace("+00:00", "Z"),
                "answeredAt": answered.isoformat().replace("+00:00", "Z"),
                "endedAt": (answered + timedelta(seconds=61)).isoformat().replace("+00:00", "Z"),
                "duration": 61,
                "forwardedTo": None,
                "hasVoicemail": False,
                "voicemailDuration": None,
                "voicemailUrl": None,
            }
        ],
        "next": None,
    }


def test_a_missed_call_with_a_voicemail(api_client, user):
    call = make_call(user, status="no-answer", voicemail_sid="RE" + "1" * 32, voicemail_duration=12)

    (entry,) = history(api_client, user).json()["results"]

    assert (entry["missed"], entry["hasVoicemail"], entry["voicemailDuration"]) == (True, True, 12)
    assert entry["voicemailUrl"] == f"http://testserver/api/calls/history/{call.id}/voicemail"
    assert "RE" + "1" * 32 not in str(entry)  # the recording's own SID and URL stay here


def test_only_the_callers_own_calls(api_client, user, org):
    mine = make_call(user)
    make_call(UserFactory(organization=org))  # a colleague's
    make_call(UserFactory(organization=OrganizationFactory()))  # another tenant's

    assert ids(history(api_client, user)) == [mine.id]


def test_newest_first(api_client, user):
    old, new, middle = make_call(user, 0), make_call(user, 20), make_call(user, 10)

    assert ids(history(api_client, user)) == [new.id, middle.id, old.id]


def test_pages_follow_next_to_the_end_without_gaps_or_repeats(api_client, user):
    # Several calls share a start time: the id breaks the tie.
    made = [make_call(user, minutes=n // 3) for n in range(11)]
    expected = [c.id for c in sorted(made, key=lambda c: (c.started_at, c.id), reverse=True)]

    seen, query = [], "?limit=4"
    while True:
        page = history(api_client, user, query).json()
        seen += [entry["id"] for entry in page["results"]]
        if page["next"] is None:
            break
        assert len(page["results"]) == 4
        query = "?" + urlsplit(page["next"]).query

    assert seen == expected


def test_next_keeps_the_filters(api_client, user):
    for n in range(3):
        make_call(user, n, status="no-answer")

    page = history(api_client, user, "?missed=true&limit=2").json()

    query = parse_qs(urlsplit(page["next"]).query)
    assert query["missed"] == ["true"]
    assert query["limit"] == ["2"]


def test_missed_filter(api_client, user):
    missed = make_call(user, 1, status="no-answer")
    busy = make_call(user, 2, status="busy")
    answered = make_call(user, 3, status="completed", answered_at=START)
    placed = make_call(user, 4, status="no-answer", incoming=False, direction="outbound")

    assert ids(history(api_client, user, "?missed=true")) == [busy.id, missed.id]
    assert ids(history(api_client, user, "?missed=false")) == [placed.id, answered.id]


def test_voicemail_filter(api_client, user):
    with_message = make_call(user, 1, status="no-answer", voicemail_sid="RE" + "2" * 32)
    without = make_call(user, 2, status="no-answer")

    assert ids(history(api_client, user, "?voicemail=true")) == [with_message.id]
    assert ids(history(api_client, user, "?voicemail=false")) == [without.id]


def test_any_cursor_of_the_documented_form_is_a_position(api_client, user):
    older, newer = make_call(user, 0), make_call(user, 10)

    # The start of 1970, and a moment in 2286: nothing before the one, everything before the other.
    assert ids(history(api_client, user, "?cursor=0000000000000000.1")) == []
    far = "?cursor=9999999999999999.999999999999999999"
    assert ids(history(api_client, user, far)) == [newer.id, older.id]


def test_no_calls_is_an_empty_page(api_client, user):
    assert history(api_client, user).json() == {"results": [], "next": None}


@pytest.mark.parametrize(
    "query",
    [
        "?missed=yes",
        "?missed=True",
        "?voicemail=1",
        "?missed=true&missed=false",
        "?limit=0",
        "?limit=101",
        "?limit=ten",
        "?limit=%D9%A3",  # an Arabic-Indic digit three: a digit, but not ASCII
        "?cursor=nonsense",
        "?cursor=",
        "?cursor=" + "1" * 17 + ".5",  # past the year 2286
        "?cursor=1796017673807620." + "9" * 19,  # an id no 64-bit column holds
        "?cursor=1796017673807620.0",
        "?cursor=-1.5",
        "?cursor=%D9%A3.5",
    ],
)
def test_bad_queries_are_400_envelopes(api_client, user, query):
    response = history(api_client, user, query)

    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["success"] is False
    assert body["code"] == "INVALID_QUERY"
    assert body["error"]


def test_unauthenticated_is_401(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response.json()["success"] is False
    assert response["Cache-Control"] == "no-store"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_inactive_user_is_401(api_client, user):
    user.is_active = False
    user.save()

    assert history(api_client, user).status_code == 401


@pytest.mark.parametrize("calls", [1, 30])
def test_a_page_costs_two_queries_however_many_calls(
    api_client, user, calls, django_assert_num_queries
):
    for n in range(calls):
        make_call(user, n, voicemail_sid="RE" + secrets.token_hex(16) if n % 2 else "")

    # The caller (with the organization), then the page.
    with django_assert_num_queries(2):
        response = history(api_client, user, "?limit=25")

    assert len(response.json()["results"]) == min(calls, 25)


def test_the_history_has_its_own_rate_limit(api_client, user, settings):
    settings.CALLS_HISTORY_THROTTLE_RATE = "2/minute"

    statuses = [history(api_client, user).status_code for _ in range(3)]
    token = api_client.get("/api/calls/token/twilio", **bearer(user))

    assert statuses == [200, 200, 429]
    assert token.status_code == 200
