"""The TwiML answers of the voice webhooks, built with Twilio's own VoiceResponse."""

from twilio.twiml.voice_response import VoiceResponse

from calls.webhooks.services import DialClient, DialNumber, Refusal

Route = DialNumber | DialClient | Refusal


def twiml_for(route: Route) -> str:
    """The TwiML document that carries out a route."""
    response = VoiceResponse()
    if isinstance(route, DialNumber):
        # answerOnBridge: the softphone hears real ringing, and billing starts on answer.
        dial = response.dial(caller_id=route.caller_id, answer_on_bridge=True)
        dial.number(route.number)
    elif isinstance(route, DialClient):
        dial = response.dial(answer_on_bridge=True)
        dial.client(route.identity)
    else:
        response.say(route.value)
        response.hangup()
    return str(response)
