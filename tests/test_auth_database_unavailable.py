"""The auth endpoints answer a JSON 503 with Retry-After while the database cannot be reached."""

from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from tests.conftest import database_read_only
from tests.contract import assert_matches_project_schema
from tests.factories import UserFactory
from tether_relay.signin.services import session_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does while PostgreSQL is stopped."""

    def refused(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refused)


@pytest.fixture
def credentials() -> dict:
    user = UserFactory()
    return {
        "/api/auth/token": {"username": user.username, "password": "correct-horse-battery-staple"},
        "/api/auth/token/refresh": {"refresh": session_start(user=user).refresh},
    }


@pytest.mark.parametrize("path", ["/api/auth/token", "/api/auth/token/refresh"])
def test_unreachable_database_is_a_json_503_with_retry_after(
    api_client, credentials, database_down, path
):
    response = api_client.post(path, credentials[path], format="json")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert assert_matches_project_schema(response, path) == {
        "detail": "Service temporarily unavailable; try again shortly",
        "code": "service_unavailable",
    }
    assert "refused" not in response.content.decode()


@pytest.fixture
def member_and_refresh(transactional_db):
    from tests.factories import UserFactory as Factory

    user = Factory()
    return user, session_start(user=user).refresh


@pytest.mark.parametrize("path", ["/api/auth/token", "/api/auth/token/refresh"])
def test_a_database_that_takes_no_writes_is_a_json_503(api_client, member_and_refresh, path):
    user, refresh = member_and_refresh
    body = {
        "/api/auth/token": {"username": user.username, "password": "correct-horse-battery-staple"},
        "/api/auth/token/refresh": {"refresh": refresh},
    }[path]
    with database_read_only():
        response = api_client.post(path, body, format="json")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"
