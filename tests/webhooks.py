"""Voice webhook requests as Twilio sends them, and the checks every TwiML answer must pass.

Requests are signed with twilio's own RequestValidator, over the URL and the posted fields.
"""

import secrets
import xml.etree.ElementTree as ET
from http import HTTPStatus
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

OUTBOUND_PATH = "/api/webhook/calls/twilio/outbound"
INBOUND_PATH = "/api/webhook/calls/twilio/inbound"
DIAL_ENDED_PATH = "/api/webhook/calls/twilio/dial-ended"
VOICEMAIL_ENDED_PATH = "/api/webhook/calls/twilio/voicemail-ended"
STATUS_PATH = "/api/webhook/calls/twilio/status"
RECORDING_PATH = "/api/webhook/calls/twilio/recording"
LEG_EVENTS = "initiated ringing answered completed"
TEST_ORIGIN = "http://testserver"
FORM = "application/x-www-form-urlencoded"
PSTN_CALLER = "+12025550143"


def call_sid() -> str:
    return "CA" + secrets.token_hex(16)


def outbound_params(org, caller_number: str, to: str, **extra) -> dict:
    """The fields Twilio posts to the TwiML App's Voice URL when a softphone dials ``to``."""
    client = f"client:{caller_number}"
    return {
        "AccountSid": org.twilio_account_sid,
        "ApiVersion": "2010-04-01",
        "ApplicationSid": org.twilio_twiml_app_sid,
        "CallSid": call_sid(),
        "CallStatus": "ringing",
        "Caller": client,
        "Direction": "inbound",
        "From": client,
        "To": to,
        **extra,
    }


def inbound_params(org, called_number: str, **extra) -> dict:
    """The fields Twilio posts to a phone number's Voice URL when someone calls it."""
    return {
        "AccountSid": org.twilio_account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid(),
        "CallStatus": "ringing",
        "Called": called_number,
        "Caller": PSTN_CALLER,
        "Direction": "inbound",
        "From": PSTN_CALLER,
        "To": called_number,
        **extra,
    }


def auth_token_of(org) -> str:
    return org.twilio_auth_token.reveal()


def sign(auth_token: str, url: str, params: dict) -> str:
    """X-Twilio-Signature for a POST of ``params`` to ``url``, computed as Twilio does."""
    return RequestValidator(auth_token).compute_signature(url, params)


def post(client, path: str, params: dict, *, signature: str | None, **headers):
    """POST the fields form-encoded, as Twilio does, with the given signature (or none)."""
    if signature is not None:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature
    return client.post(path, urlencode(params), content_type=FORM, **headers)


def post_signed(client, path: str, params: dict, *, org, url: str | None = None, **headers):
    """POST signed with the organization's Auth Token for ``url`` (default: what was called)."""
    signature = sign(auth_token_of(org), url or TEST_ORIGIN + path, params)
    return post(client, path, params, signature=signature, **headers)


def twiml(response) -> ET.Element:
    """The TwiML document of a 200 answer, its root checked."""
    assert response.status_code == HTTPStatus.OK, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's answer
    assert root.tag == "Response"
    assert root.attrib == {}
    return root


def leg_callbacks(origin: str = TEST_ORIGIN, query: str = "") -> dict:
    """The attributes that send every progress event of a dialled leg to the status webhook."""
    return {
        "statusCallback": origin + STATUS_PATH + query,
        "statusCallbackMethod": "POST",
        "statusCallbackEvent": LEG_EVENTS,
    }


def assert_dials_number(response, *, number: str, caller_id: str, origin=TEST_ORIGIN) -> None:
    """<Dial callerId answerOnBridge><Number + status callback>number</Number></Dial>, and
    nothing else."""
    (dial,) = twiml(response)
    assert dial.tag == "Dial"
    assert dial.attrib == {"callerId": caller_id, "answerOnBridge": "true"}
    (target,) = dial
    assert target.tag == "Number"
    assert target.attrib == leg_callbacks(origin)
    assert target.text == number
    assert list(target) == []


def assert_dials_client(
    response, *, identity: str, ring_seconds: int = 20, origin=TEST_ORIGIN
) -> None:
    """A call from outside: <Dial answerOnBridge timeout action><Client + status
    callback>identity</Client></Dial>, and nothing else."""
    (dial,) = twiml(response)
    assert dial.tag == "Dial"
    assert dial.attrib == {
        "answerOnBridge": "true",
        "timeout": str(ring_seconds),
        "action": origin + DIAL_ENDED_PATH,
        "method": "POST",
    }
    (target,) = dial
    assert target.tag == "Client"
    assert target.attrib == leg_callbacks(origin)
    assert target.text == identity
    assert list(target) == []


def assert_dials_colleague(
    response, *, identity: str, caller_id: str, ring_seconds: int = 20, origin=TEST_ORIGIN
) -> None:
    """An internal call: <Dial callerId answerOnBridge timeout><Client>identity</Client></Dial>,
    no action, the leg's status callback marked internal."""
    (dial,) = twiml(response)
    assert dial.tag == "Dial"
    assert dial.attrib == {
        "callerId": caller_id,
        "answerOnBridge": "true",
        "timeout": str(ring_seconds),
    }
    (target,) = dial
    assert target.tag == "Client"
    assert target.attrib == leg_callbacks(origin, "?leg=internal")
    assert target.text == identity
    assert list(target) == []


def assert_refused(response, sentence: str) -> None:
    """<Say>sentence</Say><Hangup/>: the caller hears why, then the call ends."""
    say, hangup = twiml(response)
    assert say.tag == "Say"
    assert say.attrib == {}
    assert say.text == sentence
    assert list(say) == []
    assert hangup.tag == "Hangup"
    assert hangup.attrib == {}
    assert hangup.text is None
    assert list(hangup) == []


def assert_forbidden(response) -> None:
    """403 with a tiny plain-text body: no TwiML for anyone who is not Twilio."""
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"Forbidden\n"


def refused_checks(caplog) -> list[str]:
    """The checks named by the webhooks' 403 log lines so far, in order."""
    messages = [r.getMessage() for r in caplog.records if r.name == "calls.webhooks.apis"]
    marker = "refused with 403: "
    return [m.split(marker)[1].split(" ")[0] for m in messages if marker in m]
