"""URLs of the voice webhooks; mount with ``include("calls.webhooks.urls")``."""

from django.urls import path

from calls.webhooks import apis

app_name = "calls_webhooks"

urlpatterns = [
    path("twilio/outbound", apis.outbound, name="twilio-outbound"),
    path("twilio/inbound", apis.inbound, name="twilio-inbound"),
    path("twilio/dial-ended", apis.dial_ended, name="twilio-dial-ended"),
    path("twilio/voicemail-ended", apis.voicemail_ended, name="twilio-voicemail-ended"),
    path("twilio/status", apis.status_callback, name="twilio-status"),
    path("twilio/recording", apis.recording_callback, name="twilio-recording"),
]
