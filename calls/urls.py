"""URLs of the calls app; mount with ``include("calls.urls")`` under ``api/calls/``."""

from django.urls import path

from calls.apis import twilio_token
from calls.history.apis import CallHistoryApi, VoicemailApi

app_name = "calls"

urlpatterns = [
    path("token/twilio", twilio_token, name="twilio-token"),
    path("history", CallHistoryApi.as_view(), name="history"),
    path("history/<int:call_id>/voicemail", VoicemailApi.as_view(), name="history-voicemail"),
]
