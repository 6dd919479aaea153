"""URLs of the voice webhooks; mount with ``include("calls.webhooks.urls")``."""

from django.urls import path

from calls.webhooks import apis

app_name = "calls_webhooks"

urlpatterns = [
    path("twilio/outbound", apis.outbound, name="twilio-outbound"),
    path("twilio/inbound", apis.inbound, name="twilio-inbound"),
]
