"""A PostgreSQL that answers, but too slowly (a table locked by a migration, a server
overloaded or stalling), costs a request one bounded wait, then none: the server cancels a
plain read at its lock or statement timeout, or answers a round trip only after that, and
either opens the backend's breaker as a frozen server does. A write that waits on its own rows
costs its request alone."""

import time
from contextlib import contextmanager
from http import HTTPStatus

import psycopg
import pytest
from django.db import OperationalError, connection, connections
from django.db.utils import load_backend

from calls.breaker import PAUSE_SECONDS
from tests.conftest import TOKEN_URL, bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the breaker is the PostgreSQL backend's"
)


@contextmanager
def locked(table: str, *, row: int | None = None):
    """``table`` locked by another session, as a migration's ALTER TABLE locks it; or only its
    row ``row``, as another request's transaction locks it."""
    params = connection.get_connection_params()
    params.pop("options", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params) as holder:
        if row is None:
            holder.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        else:
            holder.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR UPDATE', [row])  # noqa: S608
        try:
            yield
        finally:
            holder.rollback()


@pytest.fixture
def slow_to_give_up(django_db_blocker):
    """A second connection to the test database whose server gives up waiting for a lock
    after 0.3 s, and on any statement after 0.6 s; a round trip answered after 0.45 s stalled."""
    options = "-c statement_timeout=600 -c lock_timeout=300"
    settings = {
        **connection.settings_dict,
        "OPTIONS": {
            **connection.settings_dict["OPTIONS"],
            "options": options,
            "deadline": 5,
            "stall": 0.45,
        },
    }
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias="slow")
    with django_db_blocker.unblock():
        yield wrapper
        wrapper.close()
    wrapper.breaker.reset()


@pytest.fixture
def clock(monkeypatch):
    now = [time.monotonic()]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    return now


def _select(wrapper, sql: str = "SELECT 1"):
    with wrapper.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_servers_own_timeouts_come_before_the_clients_deadline():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')"
        )
        assert cursor.fetchone() == ("1s", "2s")
    assert connection.settings_dict["OPTIONS"]["deadline"] == 3.0


def test_a_statement_cancelled_at_the_statement_timeout_opens_the_breaker(slow_to_give_up):
    with pytest.raises(OperationalError, match="statement timeout"):
        _select(slow_to_give_up, "SELECT pg_sleep(2)")

    assert not slow_to_give_up.breaker.closed
    with pytest.raises(OperationalError, match="not asked again yet"):
        _select(slow_to_give_up)


@pytest.mark.django_db(transaction=True)
def test_a_lock_wait_past_the_lock_timeout_opens_the_breaker_then_a_probe_closes_it(
    slow_to_give_up, clock
):
    with locked("users_user"):
        with pytest.raises(OperationalError, match="lock timeout"):
            _select(slow_to_give_up, "SELECT count(*) FROM users_user")
        with pytest.raises(OperationalError, match="not asked again yet"):
            _select(slow_to_give_up, "SELECT count(*) FROM users_user")
    clock[0] += PAUSE_SECONDS + 0.1

    assert _select(slow_to_give_up, "SELECT count(*) FROM users_user") == 0
    assert slow_to_give_up.breaker.closed


def test_a_statement_that_fails_otherwise_opens_nothing(slow_to_give_up):
    with pytest.raises(Exception, match="division by zero"):
        _select(slow_to_give_up, "SELECT 1 / 0")

    assert slow_to_give_up.breaker.closed


@pytest.mark.django_db(transaction=True)
def test_while_a_migration_holds_the_users_table_the_token_endpoint_answers_503_at_once(
    api_client,
):
    """The first request waits for the lock timeout (1 s); the ones after it are answered at
    once, without asking the database, until the pause is over."""
    user = UserFactory()
    headers = bearer(user)
    timings = []
    try:
        with locked("users_user"):
            for _ in range(3):
                started = time.perf_counter()
                response = api_client.get(TOKEN_URL, **headers)
                timings.append(time.perf_counter() - started)
                assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
                assert response.json()["code"] == "service_unavailable"
                assert response["Retry-After"] == "5"
        assert timings[0] >= 1.0  # the lock timeout, then nothing more
        assert not connections["default"].breaker.closed
    finally:
        connections["default"].breaker.reset()
    assert api_client.get(TOKEN_URL, **headers).status_code == HTTPStatus.OK


def test_a_probe_that_meets_the_lock_again_opens_the_breaker_again(slow_to_give_up, clock):
    with locked("django_migrations"):
        for _ in range(2):
            with pytest.raises(OperationalError, match="lock timeout"):
                _select(slow_to_give_up, "SELECT count(*) FROM django_migrations")
            assert not slow_to_give_up.breaker.closed
            clock[0] += PAUSE_SECONDS + 0.1
    assert _select(slow_to_give_up, "SELECT count(*) FROM django_migrations") > 0


@pytest.mark.django_db(transaction=True)
def test_a_write_waiting_on_a_locked_row_fails_alone_and_opens_nothing(slow_to_give_up):
    """Another request's transaction holds a user's row: that user's update gives up at the
    lock timeout; every other request goes on."""
    user = UserFactory()
    update = "UPDATE users_user SET last_login = now() WHERE id = %s"
    with locked("users_user", row=user.pk):
        with (
            pytest.raises(OperationalError, match="lock timeout"),
            slow_to_give_up.cursor() as cursor,
        ):
            cursor.execute(update, [user.pk])
        assert slow_to_give_up.breaker.closed
        # Plain reads of the same row are not held by a row lock.
        with slow_to_give_up.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM users_user WHERE id = %s", [user.pk])
            assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_a_read_in_a_transaction_cancelled_at_the_lock_timeout_opens_nothing(slow_to_give_up):
    slow_to_give_up.set_autocommit(False)
    with locked("users_user"):
        with (
            pytest.raises(OperationalError, match="lock timeout"),
            slow_to_give_up.cursor() as cursor,
        ):
            cursor.execute("SELECT count(*) FROM users_user")
        assert slow_to_give_up.breaker.closed
    slow_to_give_up.rollback()
    slow_to_give_up.set_autocommit(True)


def test_a_round_trip_answered_only_after_the_statement_timeout_opens_the_breaker(
    slow_to_give_up,
):
    """A stalling server or network: the answer is used, later requests are not asked."""
    assert _select(slow_to_give_up, "SELECT pg_sleep(0.5)::text || 'x'") == "x"

    assert not slow_to_give_up.breaker.closed
    with pytest.raises(OperationalError, match="not asked again yet"):
        _select(slow_to_give_up)
