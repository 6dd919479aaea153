"""The calls URLs are namespaced (``calls:``) and work under whatever prefix a host mounts them."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_this_project_mounts_the_token_under_api_calls():
    assert reverse("calls:twilio-token") == "/api/calls/token/twilio"


@pytest.fixture
def relay(settings):
    settings.ROOT_URLCONF = "tests.urls_relay"


@pytest.mark.usefixtures("relay")
def test_reverse_follows_the_hosts_prefix():
    assert reverse("calls:twilio-token") == "/relay/token/twilio"


@pytest.mark.usefixtures("relay")
def test_the_endpoint_answers_under_the_hosts_prefix(api_client, user):
    response = api_client.get(reverse("calls:twilio-token"), **bearer(user))

    assert response.status_code == HTTPStatus.OK
    assert response.json()["identity"] == user.twilio_phone_number.as_e164


@pytest.mark.usefixtures("relay")
def test_nothing_is_left_under_the_old_prefix(api_client, user):
    response = api_client.get("/api/calls/token/twilio", **bearer(user))

    assert response.status_code == HTTPStatus.NOT_FOUND
