"""URLs of the calls app; mount with ``include("calls.urls")`` under ``api/calls/``."""

from django.urls import path

from calls.apis import TwilioVoiceTokenApi

app_name = "calls"

urlpatterns = [
    path("token/twilio", TwilioVoiceTokenApi.as_view(), name="twilio-token"),
]
