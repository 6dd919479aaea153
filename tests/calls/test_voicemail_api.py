"""GET /api/calls/history/<id>/voicemail: the audio, relayed from Twilio, to the call's member."""

import logging

import pytest
import requests

from calls.history.recordings import CONNECT_TIMEOUT, READ_TIMEOUT
from tests.calls import twilio_media_fake as media
from tests.calls.test_history_api import make_call
from tests.conftest import bearer
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

RECORDING = "RE" + "3" * 32
MP3 = b"ID3\x04\x00" + bytes(range(256)) * 400  # 100 kB, more than one chunk


@pytest.fixture(autouse=True)
def twilio_media(settings):
    settings.CALLS_RECORDING_HTTP_SESSION = "tests.calls.twilio_media_fake.session"
    media.MEDIA.clear()
    media.SENT.clear()
    yield media
    media.MEDIA.clear()
    media.SENT.clear()


def media_url(org, host="api.twilio.com") -> str:
    return f"https://{host}/2010-04-01/Accounts/{org.twilio_account_sid}/Recordings/{RECORDING}.mp3"


@pytest.fixture
def voicemail(user):
    return make_call(user, status="no-answer", voicemail_sid=RECORDING, voicemail_duration=9)


def fetch(api_client, user, call_id):
    return api_client.get(f"/api/calls/history/{call_id}/voicemail", **bearer(user))


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["success"], body["code"]) == (False, code)


def test_the_audio_is_streamed_with_the_organizations_api_key(api_client, user, org, voicemail):
    media.MEDIA[media_url(org)] = media.audio(MP3)

    response = fetch(api_client, user, voicemail.id)

    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == MP3
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Content-Length"] == str(len(MP3))
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'inline; filename="voicemail-{voicemail.id}.mp3"'
    (sent,) = media.SENT
    secret = org.twilio_api_key_secret.reveal()
    assert sent["auth"] == (org.twilio_api_key_sid, secret)
    assert sent["stream"] is True
    assert sent["timeout"] == (CONNECT_TIMEOUT, READ_TIMEOUT)


def test_without_an_api_key_the_auth_token_is_used(api_client, user, org, voicemail):
    org.twilio_api_key_sid = ""
    org.twilio_api_key_secret = None
    org.save()
    media.MEDIA[media_url(org)] = media.audio(MP3)

    assert b"".join(fetch(api_client, user, voicemail.id).streaming_content) == MP3
    assert media.SENT[0]["auth"] == (org.twilio_account_sid, org.twilio_auth_token.reveal())


def test_the_organizations_region_has_its_own_api_host(api_client, user, org, voicemail):
    org.twilio_region = "ie1"
    org.save()
    media.MEDIA[media_url(org, "api.dublin.ie1.twilio.com")] = media.audio(MP3)

    assert fetch(api_client, user, voicemail.id).status_code == 200


def test_a_redirect_to_storage_does_not_carry_the_credentials(api_client, user, org, voicemail):
    storage = "https://media.storage.example/recording.mp3?signature=abc"
    media.MEDIA[media_url(org)] = media.Answer(302, b"", {"Location": storage})
    media.MEDIA[storage] = media.audio(MP3)

    response = fetch(api_client, user, voicemail.id)

    assert b"".join(response.streaming_content) == MP3
    assert [s["auth"] for s in media.SENT] == [
        (org.twilio_api_key_sid, org.twilio_api_key_secret.reveal()),
        None,
    ]


def test_another_members_voicemail_is_404_and_never_fetched(api_client, org, voicemail):
    colleague = UserFactory(organization=org)

    assert_error(fetch(api_client, colleague, voicemail.id), 404, "VOICEMAIL_NOT_FOUND")
    assert media.SENT == []


def test_another_tenants_member_gets_404(api_client, voicemail):
    stranger = UserFactory(organization=OrganizationFactory())

    assert_error(fetch(api_client, stranger, voicemail.id), 404, "VOICEMAIL_NOT_FOUND")


def test_a_call_without_voicemail_or_unknown_is_404(api_client, user):
    call = make_call(user, status="completed")

    assert_error(fetch(api_client, user, call.id), 404, "VOICEMAIL_NOT_FOUND")
    assert_error(fetch(api_client, user, 99_999_999), 404, "VOICEMAIL_NOT_FOUND")
    assert_error(fetch(api_client, user, 10**30), 404, "VOICEMAIL_NOT_FOUND")
    assert media.SENT == []


def test_a_recording_twilio_no_longer_has_is_404(api_client, user, voicemail):
    assert_error(fetch(api_client, user, voicemail.id), 404, "VOICEMAIL_NOT_FOUND")


@pytest.mark.parametrize(
    "answer",
    [
        media.Answer(401, b'{"code": 20003, "status": 401}'),
        media.Answer(500, b"{}"),
        requests.ConnectTimeout("connect timed out"),
        requests.ReadTimeout("read timed out"),
        requests.ConnectionError("refused"),
    ],
)
def test_twilio_failing_is_a_502_envelope(api_client, user, org, voicemail, answer, caplog):
    media.MEDIA[media_url(org)] = answer

    with caplog.at_level(logging.WARNING):
        response = fetch(api_client, user, voicemail.id)

    assert_error(response, 502, "VOICEMAIL_UNAVAILABLE")
    secret = org.twilio_api_key_secret.reveal()
    assert secret not in caplog.text
    assert secret not in response.content.decode()


def test_unauthenticated_is_401(api_client, voicemail):
    response = api_client.get(f"/api/calls/history/{voicemail.id}/voicemail")

    assert_error(response, 401, "not_authenticated")


def test_a_voicemail_costs_two_queries(api_client, user, org, voicemail, django_assert_num_queries):
    media.MEDIA[media_url(org)] = media.audio(MP3)

    # The caller, then the call with its organization's credentials.
    with django_assert_num_queries(2):
        response = fetch(api_client, user, voicemail.id)

    assert response.status_code == 200
