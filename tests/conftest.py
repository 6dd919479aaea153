"""Fixtures shared by the suite."""

from contextlib import contextmanager

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests import twilio_fake
from tests.factories import OrganizationFactory, UserFactory
from tests.twilio_fake import FakeTwilio

TOKEN_URL = "/api/calls/token/twilio"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Factories hash a password per user; the production hasher would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_real_twilio(settings, monkeypatch):
    # Whatever a test does, Twilio's REST API is answered by a fake it installs, or by nothing.
    monkeypatch.setattr(twilio_fake, "installed", None)
    settings.ORGS_TWILIO_HTTP_CLIENT = "tests.twilio_fake.installed_client"


@pytest.fixture
def public_base_url(settings) -> str:
    """TWILIO_WEBHOOK_BASE_URL: the address the fake's TwiML Apps and numbers call by default."""
    settings.TWILIO_WEBHOOK_BASE_URL = twilio_fake.PUBLIC_BASE_URL
    return twilio_fake.PUBLIC_BASE_URL


@pytest.fixture
def twilio_knows_nothing(monkeypatch) -> FakeTwilio:
    """A Twilio that knows no account: pages that ask it (the number picker) carry on without."""
    fake = FakeTwilio()
    monkeypatch.setattr(twilio_fake, "installed", fake)
    return fake


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def fake(org) -> FakeTwilio:
    """A fake Twilio that knows the organization's account, key and TwiML App."""
    fake = FakeTwilio()
    fake.knows(org)
    return fake


@pytest.fixture
def user(org):
    return UserFactory(organization=org)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test counts its own requests: a rolled-back user's id is given out again. And no
    test inherits an open breaker (a database's is held by its connection: reset, not dropped)."""
    from django.core.cache import caches

    from calls import breaker

    for each in breaker._breakers.values():
        each.reset()
    for cache in caches.all():
        cache.clear()


def token_lifetime(claims: dict) -> int:
    """Seconds from a Voice token's issue to its ``exp``: Twilio's jti ends in the issue second.

    The token has no ``nbf`` (nor ``iat``), as Twilio's helper libraries leave it out.
    """
    assert "nbf" not in claims
    return claims["exp"] - int(claims["jti"].rsplit("-", 1)[1])


def bearer(user) -> dict:
    """Request headers that authenticate as the user with a fresh access token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(user)}"}


@pytest.fixture
def get_token(api_client):
    """GET the token endpoint as the given user (or anonymously with ``None``)."""

    def get(user=None, **headers):
        if user is not None:
            headers = {**bearer(user), **headers}
        return api_client.get(TOKEN_URL, **headers)

    return get


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE']} {database.get('NAME')}"


_READ_ONLY = {
    "postgresql": (
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
    ),
    "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
}


@contextmanager
def database_read_only():
    """The test session's database refuses writes, as a standby or a read-only switch makes it."""
    from django.db import connection

    on, off = _READ_ONLY[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.fixture
def assert_num_statements():
    """Like django_assert_num_queries, counting only statements that read or write rows.

    Transaction control differs by backend and by test: SQLite's driver sends ``BEGIN`` where
    psycopg sends none, and a test's own transaction turns atomic blocks into savepoints.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def check(expected: int):
        with CaptureQueriesContext(connection) as captured:
            yield
        statements = [
            query["sql"]
            for query in captured.captured_queries
            if not query["sql"].upper().startswith(_TRANSACTION_CONTROL)
        ]
        assert len(statements) == expected, "\n".join(statements)

    return check
