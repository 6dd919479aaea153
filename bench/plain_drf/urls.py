"""The straightforward endpoint at the real endpoint's path."""

from django.urls import path

from bench.plain_drf.views import PlainTwilioTokenView

urlpatterns = [
    path("api/calls/token/twilio", PlainTwilioTokenView.as_view()),
]
