"""End to end over HTTP, against gunicorn in production mode, with requests signed as Twilio
signs them: an unanswered call goes to voicemail, its callbacks arrive (twice, out of order),
and the member sees a missed call with a voicemail in the history; a softphone calling a
colleague's number rings the colleague's softphone.
"""

import json
import urllib.request
from types import SimpleNamespace
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest

from tests.calls.calls_twilio import PSTN_CALLER, call_sid, timestamp
from tests.live_server import free_port, gunicorn, production_env, run
from tests.webhooks import (
    DIAL_ENDED_PATH,
    FORM,
    INBOUND_PATH,
    OUTBOUND_PATH,
    RECORDING_PATH,
    STATUS_PATH,
    VOICEMAIL_ENDED_PATH,
    inbound_params,
    outbound_params,
    sign,
)

RECORDING = "RE" + "4" * 32


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("call-flow-live")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = production_env(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}", TWILIO_WEBHOOK_BASE_URL=base_url
    )
    seeded = json.loads(run("-m", "tests.calls.call_flow_seed", env=env).stdout)
    with gunicorn(env=env, port=port, log=work / "server.log"):
        yield SimpleNamespace(url=base_url, **seeded)


def _request(url: str, *, data: bytes | None = None, headers: dict) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def twilio(server, path: str, params: dict) -> tuple[int, str]:
    """POST as Twilio does: form-encoded, signed over the public URL and the fields."""
    url = server.url + path
    headers = {"Content-Type": FORM, "X-Twilio-Signature": sign(server.auth_token, url, params)}
    status, _, body = _request(url, data=urlencode(params).encode(), headers=headers)
    return status, body.decode()


def access_token(server) -> str:
    body = json.dumps(
        {"username": server.member_username, "password": server.member_password}
    ).encode()
    status, _, answer = _request(
        server.url + "/api/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    assert status == 200, answer
    return json.loads(answer)["access"]


def _account(server) -> SimpleNamespace:
    return SimpleNamespace(
        twilio_account_sid=server.account_sid, twilio_twiml_app_sid=server.application_sid
    )


def _status(server, sid: str, status: str, parent: str, **extra) -> dict:
    return {
        "AccountSid": server.account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": sid,
        "ParentCallSid": parent,
        "CallStatus": status,
        "CallbackSource": "call-progress-events",
        "Direction": "outbound-dial",
        "From": PSTN_CALLER,
        "To": f"client:{server.member_number}",
        "Timestamp": timestamp(),
        "SequenceNumber": "0",
        **extra,
    }


def test_an_unanswered_call_becomes_a_missed_call_with_a_voicemail(server):
    account = _account(server)
    parent, leg = call_sid(), call_sid()

    status, document = twilio(
        server, INBOUND_PATH, inbound_params(account, server.member_number, CallSid=parent)
    )
    assert status == 200
    assert f'<Dial action="{server.url}{DIAL_ENDED_PATH}" answerOnBridge="true"' in document
    assert f">{server.member_number}</Client>" in document

    for event in ("initiated", "ringing"):
        assert twilio(server, STATUS_PATH, _status(server, leg, event, parent))[0] == 204
    dial_ended = inbound_params(
        account, server.member_number, CallSid=parent, DialCallStatus="no-answer",
        DialCallSid=leg, DialCallDuration="0",
    )  # fmt: skip
    status, document = twilio(server, DIAL_ENDED_PATH, dial_ended)
    assert status == 200
    assert "<Say>The person you called is not available." in document
    assert f'recordingStatusCallback="{server.url}{RECORDING_PATH}"' in document
    assert 'transcribe="false"' in document

    recording = {
        "AccountSid": server.account_sid,
        "CallSid": parent,
        "RecordingSid": RECORDING,
        "RecordingStatus": "completed",
        "RecordingDuration": "11",
        "RecordingSource": "RecordVerb",
    }
    after_message = inbound_params(account, server.member_number, CallSid=parent,
                                   RecordingSid=RECORDING, RecordingDuration="11")  # fmt: skip
    status, document = twilio(server, VOICEMAIL_ENDED_PATH, after_message)
    assert (status, document.endswith("<Hangup /></Response>")) == (200, True)
    # Late, repeated and out of order: the no-answer after the recording, twice each, and a
    # ringing that comes after it all.
    for _ in range(2):
        assert twilio(server, RECORDING_PATH, recording)[0] == 204
        assert twilio(server, STATUS_PATH, _status(server, leg, "no-answer", parent))[0] == 204
    assert twilio(server, STATUS_PATH, _status(server, leg, "ringing", parent))[0] == 204

    bearer = {"Authorization": f"Bearer {access_token(server)}"}
    status, headers, body = _request(server.url + "/api/calls/history?missed=true", headers=bearer)
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    (call,) = json.loads(body)["results"]
    assert (call["direction"], call["otherParty"], call["status"]) == (
        "inbound",
        PSTN_CALLER,
        "no-answer",
    )
    assert (call["missed"], call["hasVoicemail"], call["voicemailDuration"]) == (True, True, 11)
    assert call["voicemailUrl"] == f"{server.url}/api/calls/history/{call['id']}/voicemail"
    assert RECORDING not in body.decode()
    assert json.loads(_request(server.url + "/api/calls/history?voicemail=false",
                               headers=bearer)[2])["results"] == []  # fmt: skip


def test_a_softphone_calling_a_colleague_rings_the_colleague(server):
    params = outbound_params(_account(server), server.colleague_number, server.member_number)

    status, document = twilio(server, OUTBOUND_PATH, params)

    assert status == 200
    assert f'<Dial answerOnBridge="true" callerId="{server.colleague_number}" timeout="20">' in (
        document
    )
    assert f'statusCallback="{server.url}{STATUS_PATH}?leg=internal"' in document
    assert f">{server.member_number}</Client>" in document


def test_a_callback_signed_for_another_url_is_forbidden(server):
    params = _status(server, call_sid(), "completed", call_sid())
    url = server.url + STATUS_PATH
    headers = {
        "Content-Type": FORM,
        "X-Twilio-Signature": sign(server.auth_token, url + "x", params),
    }

    status, _, _ = _request(url, data=urlencode(params).encode(), headers=headers)

    assert status == 403
