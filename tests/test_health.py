"""Health endpoints: JSON, unauthenticated, revealing nothing."""

from http import HTTPStatus

import pytest
from django.db import connections

from tests.conftest import database_read_only
from tether_relay import health

pytestmark = pytest.mark.django_db


def test_healthz_answers(client):
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_cache_and_migrations(client):
    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise connections["default"].Database.OperationalError("connection refused")

    monkeypatch.setattr(health, "_database", broken)

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["database"] == "fail"
    assert response["Retry-After"] == "5"
    assert "refused" not in response.content.decode()


def test_readyz_is_503_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)]
    )

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["migrations"] == "pending"


def test_health_endpoints_take_no_writes(client):
    assert client.post("/healthz").status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.fixture
def read_only_database(transactional_db):
    with database_read_only():
        yield


def test_readyz_is_503_when_the_database_takes_no_writes(client, read_only_database, caplog):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "fail"
    assert "Readiness check _database failed (ReadOnlyDatabase)" in caplog.text
