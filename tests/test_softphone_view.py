"""GET /softphone/: the page, its security headers, and Twilio's SDK from this server only."""

import re
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

SDK = "softphone/vendor/twilio-voice-sdk-2.18.5/twilio.min.js"


def test_the_page_loads_the_vendored_sdk_and_its_own_script(client):
    response = client.get("/softphone/")

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert f'src="/static/{SDK}"' in page
    assert 'src="/static/softphone/softphone.js"' in page
    assert re.findall(r'<script src="([^"]+)"', page) == [
        f"/static/{SDK}",
        "/static/softphone/softphone.js",
    ]
    assert finders.find(SDK)
    assert finders.find("softphone/vendor/twilio-voice-sdk-2.18.5/LICENSE.md")


def test_the_page_is_never_cached_framed_or_scripted_from_elsewhere(client):
    response = client.get("/softphone/")

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == "'self' https: wss:"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_another_api_origin_is_named_in_the_page_and_its_policy(client, settings):
    settings.SOFTPHONE_API_BASE_URL = "https://api.example.com/"

    response = client.get("/softphone/")

    assert 'data-api-base="https://api.example.com"' in response.content.decode()
    assert (
        "connect-src 'self' https: wss: https://api.example.com;"
        in (response["Content-Security-Policy"])
    )


def test_only_get_and_head(client):
    assert client.post("/softphone/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
