"""seed_demo: idempotent demo data and a curl that works."""

import re
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from calls.models import Call
from orgs.models import Organization
from tests.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db


def _seed(settings) -> str:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_prints_a_curl_whose_token_works(settings, api_client):
    output = _seed(settings)

    match = re.search(r"curl -s -H 'Authorization: Bearer (\S+)' (\S+)", output)
    assert match
    assert match.group(2) == "http://127.0.0.1:2212/api/calls/token/twilio"
    response = api_client.get("/api/calls/token/twilio", HTTP_AUTHORIZATION=f"Bearer {match[1]}")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["identity"] == "+14165550100"


def test_is_idempotent(settings):
    _seed(settings)
    _seed(settings)

    assert Organization.objects.count() == 1
    assert User.objects.count() == 1
    assert Call.objects.count() == 2


def test_prints_a_curl_for_the_call_history_which_has_two_calls(settings, api_client):
    output = _seed(settings)

    token, url = re.findall(r"curl -s -H 'Authorization: Bearer (\S+)' (\S+)", output)[1]
    assert url == "http://127.0.0.1:2212/api/calls/history"
    response = api_client.get("/api/calls/history", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == HTTPStatus.OK
    calls = response.json()["results"]
    assert [(c["status"], c["missed"]) for c in calls] == [
        ("no-answer", True),
        ("completed", False),
    ]


def test_refuses_to_run_in_production_mode(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="development mode"):
        call_command("seed_demo", stdout=StringIO())


def test_prints_the_softphone_page_and_a_password_that_signs_in(settings, api_client):
    output = _seed(settings)

    match = re.search(r"Softphone page: (\S+) \(sign in as (\S+) / (\S+)\)", output)
    assert match
    assert match[1] == "http://127.0.0.1:2212/softphone/"
    signed_in = api_client.post(
        "/api/auth/token", {"username": match[2], "password": match[3]}, format="json"
    )
    assert signed_in.status_code == HTTPStatus.OK
    assert api_client.get("/softphone/").status_code == HTTPStatus.OK


def test_refuses_when_the_demo_number_belongs_to_someone_else(settings):
    UserFactory(username="ada", twilio_phone_number="+14165550100")

    with pytest.raises(CommandError, match="held by user 'ada'"):
        _seed(settings)

    assert not User.objects.filter(username="demo").exists()


def test_the_curl_names_the_hosts_own_url(settings):
    settings.ROOT_URLCONF = "tests.urls_relay"

    output = _seed(settings)

    assert re.search(r"Bearer \S+' http://127\.0\.0\.1:2212/relay/token/twilio\n", output)
