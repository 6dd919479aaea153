"""The credential check's requests: the organization's Region, the configured client, no leaks."""

import pytest
import requests
from django.views.debug import ExceptionReporter
from twilio.http.http_client import TwilioHttpClient

from orgs.conf import app_settings
from orgs.models import Organization
from orgs.twilio_api import TIMEOUT_SECONDS
from orgs.twilio_checks import twilio_credentials_verify
from tests import twilio_fake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_base_url")]


def _verify(org, fake):
    return twilio_credentials_verify(organization=org, http_client=fake)


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("", "api.twilio.com"),
        ("ie1", "api.dublin.ie1.twilio.com"),
        ("au1", "api.sydney.au1.twilio.com"),
    ],
)
def test_requests_go_to_the_organization_region_only(org, fake, monkeypatch, region, host):
    monkeypatch.setenv("TWILIO_REGION", "us1")
    monkeypatch.setenv("TWILIO_EDGE", "umatilla")
    org.twilio_region = region

    assert _verify(org, fake).passed
    assert {sent.url.split("/")[2] for sent in fake.sent} == {host}


def test_the_default_http_client_is_twilio_s_own_with_a_timeout(settings):
    del settings.ORGS_TWILIO_HTTP_CLIENT

    client = app_settings.twilio_http_client()

    assert type(client) is TwilioHttpClient
    assert client.timeout == TIMEOUT_SECONDS


def test_without_a_client_the_setting_names_one(org, fake, monkeypatch):
    monkeypatch.setattr(twilio_fake, "installed", fake)

    assert twilio_credentials_verify(organization=org).passed
    assert len(fake.sent) == 4


SECRET_FIELDS = ("twilio_api_key_secret", "twilio_auth_token")
# Each scenario may also make an error whose text quotes a secret, as a request's error may.
SCENARIOS = {
    "all pass": lambda org, fake, secret: None,
    "wrong secret": lambda org, fake, secret: setattr(org, "twilio_api_key_secret", "x" * 32),
    "wrong token": lambda org, fake, secret: setattr(org, "twilio_auth_token", "e" * 32),
    "network": lambda org, fake, secret: fake.fail(".", requests.ConnectionError(secret)),
    "late network": lambda org, fake, secret: fake.fail("Keys", OSError(f"Basic {secret}")),
    "server error": lambda org, fake, secret: fake.fail("Keys", 500),
}


def _secrets(*organizations) -> set[str]:
    sealed = [getattr(org, name) for org in organizations for name in SECRET_FIELDS]
    return {value for s in sealed for value in (s.reveal(), s.ciphertext)}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_secret_in_messages_or_logs(org, fake, caplog, scenario):
    SCENARIOS[scenario](org, fake, org.twilio_api_key_secret.reveal())

    with caplog.at_level("DEBUG"):
        report = _verify(org, fake)

    shown = "\n".join([report.summary(), repr(report), caplog.text])
    assert not [s for s in _secrets(org, Organization.objects.get(pk=org.pk)) if s in shown]


class _Interrupted(BaseException):
    """Escapes every ``except Exception``, as an interrupt would."""


def test_an_error_report_of_an_escaped_interruption_hides_every_secret(org, fake, monkeypatch):
    def interrupt(*args, **kwargs):
        raise _Interrupted

    monkeypatch.setattr(fake, "request", interrupt)
    with pytest.raises(_Interrupted) as excinfo:
        _verify(org, fake)

    reporter = ExceptionReporter(None, excinfo.type, excinfo.value, excinfo.tb)
    shown = repr([frame["vars"] for frame in reporter.get_traceback_frames()])
    assert "auth" in shown
    assert not [s for s in _secrets(org) if s in shown]
