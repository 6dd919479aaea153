"""The public URL Twilio signs: TWILIO_WEBHOOK_BASE_URL, or the request's own behind a proxy."""

import pytest

from calls.webhooks.checks import check_webhook_base_url
from tests.factories import UserFactory
from tests.webhooks import (
    INBOUND_PATH,
    assert_dials_client,
    assert_forbidden,
    inbound_params,
    post_signed,
)

pytestmark = pytest.mark.django_db

NUMBER = "+14165550100"
PUBLIC = "https://relay.example.com/voice"  # a proxy publishes the service under /voice


@pytest.fixture
def member(org):
    return UserFactory(organization=org, twilio_phone_number=NUMBER)


@pytest.fixture
def params(org, member) -> dict:
    return inbound_params(org, NUMBER)


def test_the_base_url_setting_names_the_public_url(client, org, params, settings):
    settings.TWILIO_WEBHOOK_BASE_URL = PUBLIC + "/"

    response = post_signed(client, INBOUND_PATH, params, org=org, url=PUBLIC + INBOUND_PATH)

    # The URLs the TwiML sends Twilio to are under the same public base.
    assert_dials_client(response, identity=NUMBER, origin=PUBLIC)


def test_with_a_base_url_the_internal_url_no_longer_passes(client, org, params, settings):
    settings.TWILIO_WEBHOOK_BASE_URL = PUBLIC

    assert_forbidden(post_signed(client, INBOUND_PATH, params, org=org))


@pytest.fixture
def behind_tls_proxy(settings):
    settings.ALLOWED_HOSTS = ["relay.example.com"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.usefixtures("behind_tls_proxy")
def test_without_a_base_url_the_trusted_proxy_header_gives_the_scheme(client, org, params):
    url = "https://relay.example.com" + INBOUND_PATH
    headers = {"HTTP_HOST": "relay.example.com", "HTTP_X_FORWARDED_PROTO": "https"}

    response = post_signed(client, INBOUND_PATH, params, org=org, url=url, **headers)

    assert_dials_client(response, identity=NUMBER, origin="https://relay.example.com")


@pytest.mark.usefixtures("behind_tls_proxy")
def test_without_the_proxy_header_the_https_signature_fails(client, org, params):
    url = "https://relay.example.com" + INBOUND_PATH
    headers = {"HTTP_HOST": "relay.example.com"}

    response = post_signed(client, INBOUND_PATH, params, org=org, url=url, **headers)

    assert_forbidden(response)


def test_no_base_url_passes():
    assert check_webhook_base_url() == []


@pytest.mark.parametrize(
    "base_url",
    [
        "https://relay.example.com",
        "https://relay.example.com/voice/",
        "http://127.0.0.1:8000",
        "HTTPS://relay.example.com",
        "https://relay.example.com:8443/voice",
        "http://[::1]:8000",
    ],
)
def test_a_public_base_url_passes(settings, base_url):
    settings.TWILIO_WEBHOOK_BASE_URL = base_url

    assert check_webhook_base_url() == []


@pytest.mark.parametrize(
    "base_url",
    [
        "relay.example.com",
        "/api/webhook",
        "ftp://relay.example.com",
        "https://relay.example.com/?x=1",
        "https://relay.example.com/#top",
        "https://relay.example.com?x=1",
        "https://relay.example.com?",
        " https://relay.example.com",
        "https://relay.example.com/voice path",
        "https://[relay.example.com",
        "https://:443",
        "https://relay.example.com:abc",
        "https://relay.example.com:99999",
        "https://-/",
        "https://relay_example.com",
        "https://relay.example.com\\x",
        "https://user@relay.example.com",
    ],
)
def test_a_base_url_twilio_could_not_have_called_is_an_error(settings, base_url):
    settings.TWILIO_WEBHOOK_BASE_URL = base_url

    (error,) = check_webhook_base_url()

    assert error.id == "calls_webhooks.E002"
    assert repr(base_url) in error.msg


def test_a_password_in_the_base_url_is_refused_and_not_repeated(settings):
    settings.TWILIO_WEBHOOK_BASE_URL = "https://relay:s3cr3t-pass@relay.example.com"

    (error,) = check_webhook_base_url()

    assert "s3cr3t-pass" not in error.msg
    assert "https://relay:***@relay.example.com" in error.msg
