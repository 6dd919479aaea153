"""URLs of the calls app; mount with ``include("calls.urls")`` under ``api/calls/``."""

from django.urls import path

from calls.apis import TwilioVoiceTokenApi
from calls.history.apis import CallHistoryApi, VoicemailApi

app_name = "calls"

urlpatterns = [
    path("token/twilio", TwilioVoiceTokenApi.as_view(), name="twilio-token"),
    path("history", CallHistoryApi.as_view(), name="history"),
    path("history/<int:call_id>/voicemail", VoicemailApi.as_view(), name="history-voicemail"),
]
