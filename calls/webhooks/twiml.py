"""The TwiML answers of the voice webhooks, built with Twilio's own VoiceResponse."""

from dataclasses import dataclass

from twilio.twiml.voice_response import VoiceResponse

from calls.webhooks.services import (
    DialClient,
    DialNumber,
    End,
    Forward,
    Refusal,
    Voicemail,
)

Route = DialNumber | DialClient | Forward | Voicemail | Refusal | End

# Every progress event of a dialled leg, so that the call log sees answers and outcomes.
LEG_EVENTS = "initiated ringing answered completed"
INTERNAL_LEG = "leg=internal"  # the status callback's query for the leg that rings a colleague


@dataclass(frozen=True, slots=True)
class CallbackUrls:
    """Absolute URLs of the webhooks Twilio is sent to from the TwiML, as it will sign them."""

    status: str
    dial_ended: str
    recording: str
    voicemail_ended: str


def twiml_for(route: Route, urls: CallbackUrls) -> str:
    """The TwiML document that carries out a route."""
    response = VoiceResponse()
    leg = {
        "status_callback": urls.status,
        "status_callback_method": "POST",
        "status_callback_event": LEG_EVENTS,
    }
    if isinstance(route, DialNumber):
        # answerOnBridge: the softphone hears real ringing, and billing starts on answer.
        dial = response.dial(caller_id=route.caller_id, answer_on_bridge=True)
        dial.number(route.number, **leg)
    elif isinstance(route, DialClient) and route.internal:
        dial = response.dial(
            caller_id=route.caller_id, answer_on_bridge=True, timeout=route.ring_seconds
        )
        dial.client(route.identity, **{**leg, "status_callback": _with(urls.status)})
    elif isinstance(route, DialClient):
        dial = response.dial(
            answer_on_bridge=True,
            timeout=route.ring_seconds,
            action=urls.dial_ended,
            method="POST",
        )
        dial.client(route.identity, **leg)
    elif isinstance(route, Forward):
        # No callerId: Twilio shows the original caller's number, as forwarding should.
        response.dial(answer_on_bridge=True).number(route.number, **leg)
    elif isinstance(route, Voicemail):
        response.say(route.greeting)
        response.record(
            action=urls.voicemail_ended,
            method="POST",
            max_length=route.max_seconds,
            play_beep=True,
            timeout=5,
            transcribe=False,
            recording_status_callback=urls.recording,
            recording_status_callback_method="POST",
            recording_status_callback_event="completed",
        )
        response.hangup()  # nothing recorded: Twilio goes on to the next verb
    elif isinstance(route, Refusal):
        response.say(route.value)
        response.hangup()
    else:
        response.hangup()
    return str(response)


def _with(url: str) -> str:
    return url + ("&" if "?" in url else "?") + INTERNAL_LEG
