"""Twilio's callbacks about a call, as its documentation describes their parameters."""

from email.utils import format_datetime

from django.utils import timezone

from tests.webhooks import (
    DIAL_ENDED_PATH,
    INBOUND_PATH,
    OUTBOUND_PATH,
    PSTN_CALLER,
    RECORDING_PATH,
    STATUS_PATH,
    VOICEMAIL_ENDED_PATH,
    call_sid,
    inbound_params,
    outbound_params,
    post_signed,
)

__all__ = ["PSTN_CALLER", "TwilioCalls", "call_sid"]


def timestamp(at=None) -> str:
    """Twilio's Timestamp parameter: RFC 2822, as in "Mon, 30 Nov 2026 06:40:00 +0000"."""
    return format_datetime(at or timezone.now())


class TwilioCalls:
    """Posts signed requests for one organization, as Twilio would during calls."""

    def __init__(self, client, org):
        self.client = client
        self.org = org

    def post(self, path: str, params: dict):
        return post_signed(self.client, path, params, org=self.org)

    def ring(self, number: str, sid: str, caller: str = PSTN_CALLER):
        """Someone outside calls a member's number."""
        return self.post(INBOUND_PATH, inbound_params(self.org, number, CallSid=sid, From=caller))

    def dial(self, caller_number: str, to: str, sid: str):
        """A member's softphone places a call."""
        return self.post(OUTBOUND_PATH, outbound_params(self.org, caller_number, to, CallSid=sid))

    def dial_ended(self, sid: str, called: str, dial_status: str, duration: int = 0, **extra):
        """The <Dial>'s action request: the parent call's fields plus Dial*."""
        params = inbound_params(
            self.org,
            called,
            CallSid=sid,
            CallStatus="in-progress",
            DialCallSid=call_sid(),
            DialCallStatus=dial_status,
            DialCallDuration=str(duration),
            **extra,
        )
        return self.post(DIAL_ENDED_PATH, params)

    def status(self, sid: str, status: str, *, parent: str = "", query: str = "", **extra):
        """A status callback: a call progress event of ``sid``."""
        params = {
            "AccountSid": self.org.twilio_account_sid,
            "ApiVersion": "2010-04-01",
            "CallSid": sid,
            "CallStatus": status,
            "CallbackSource": "call-progress-events",
            "Direction": "outbound-dial" if parent else "inbound",
            "From": PSTN_CALLER,
            "SequenceNumber": "0",
            "Timestamp": timestamp(),
            "To": "client:+14165550100",
            **extra,
        }
        if parent:
            params["ParentCallSid"] = parent
        if status == "completed" and "CallDuration" not in params:
            params["CallDuration"] = "0"
        return self.post(STATUS_PATH + query, params)

    def recording(self, sid: str, recording_sid: str, *, duration: int = 7, status="completed"):
        """The <Record>'s recording status callback."""
        account = self.org.twilio_account_sid
        params = {
            "AccountSid": account,
            "CallSid": sid,
            "RecordingSid": recording_sid,
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{account}/Recordings/"
            f"{recording_sid}",
            "RecordingStatus": status,
            "RecordingDuration": str(duration),
            "RecordingChannels": "1",
            "RecordingStartTime": timestamp(),
            "RecordingSource": "RecordVerb",
        }
        return self.post(RECORDING_PATH, params)

    def voicemail_ended(self, sid: str, called: str, recording_sid: str, duration: int = 7):
        """The <Record>'s action request, once the caller has finished."""
        account = self.org.twilio_account_sid
        params = inbound_params(
            self.org,
            called,
            CallSid=sid,
            CallStatus="in-progress",
            RecordingSid=recording_sid,
            RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/{account}/Recordings/"
            f"{recording_sid}",
            RecordingDuration=str(duration),
            Digits="hangup",
        )
        return self.post(VOICEMAIL_ENDED_PATH, params)
