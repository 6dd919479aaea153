"""A host's root URLs that mount the calls app under ``relay/`` instead of ``api/calls/``."""

from django.urls import include, path

urlpatterns = [
    path("relay/", include("calls.urls")),
]
