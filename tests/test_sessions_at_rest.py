"""Admin sessions: the database keeps a digest of each session cookie, never the cookie."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from tests.factories import UserFactory
from tether_relay.sessions import stored_key

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def signed_in():
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_table_holds_a_digest_of_the_cookie_not_the_cookie(signed_in):
    client, cookie = signed_in

    keys = list(Session.objects.values_list("session_key", flat=True))

    assert keys == [stored_key(cookie)]
    assert cookie not in keys
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_key_read_from_the_database_opens_nothing(signed_in):
    _, _ = signed_in
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = Session.objects.get().session_key

    response = thief.get("/admin/")

    assert response.status_code == HTTPStatus.FOUND  # to the login page
    assert "/admin/login/" in response["Location"]


def test_signing_out_ends_the_session_on_the_server(signed_in):
    client, cookie = signed_in

    client.post("/admin/logout/")

    assert not Session.objects.exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert replay.get("/admin/").status_code == HTTPStatus.FOUND
