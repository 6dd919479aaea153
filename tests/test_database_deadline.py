"""A PostgreSQL that stops answering costs a request one bounded wait, then none.

The server is reached through a proxy that can freeze as a stopped server does: connections and
bytes are accepted, nothing is answered.
"""

import time
from http import HTTPStatus

import pytest
from django.db import OperationalError, connection, connections
from django.db.utils import load_backend

from calls.breaker import PAUSE_SECONDS
from tests.conftest import TOKEN_URL, bearer
from tests.factories import UserFactory
from tests.live_server import free_port
from tests.tcp_proxy import freezable_proxy
from tether_relay.signin.models import RefreshTokenUse
from tether_relay.signin.services import session_start

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the deadline is the PostgreSQL backend's"
)

DEADLINE = 0.5


@pytest.fixture
def proxy(django_db_blocker):
    settings = connection.settings_dict
    with freezable_proxy(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)) as proxy:
        yield proxy
    with django_db_blocker.unblock():
        _wait_until_gone(proxy)  # no session of a test outlives it


@pytest.fixture
def through(proxy, django_db_blocker):
    """A second connection to the test database, through the proxy, with a short deadline."""
    settings = {
        **connection.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": str(proxy.port),
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "deadline": DEADLINE},
    }
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias="through_proxy")
    with django_db_blocker.unblock():
        yield wrapper
        wrapper.close()


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic, moved by the test."""
    now = [time.monotonic()]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    return now


def _select_one(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def _fail_at_the_deadline(wrapper, proxy) -> None:
    """A query on an open connection, the server frozen: it fails at the deadline and the
    connection is dropped; the proxy stays frozen."""
    _select_one(wrapper)
    proxy.freeze()
    with pytest.raises(OperationalError):
        _select_one(wrapper)
    wrapper.close()


def test_a_query_to_a_frozen_server_fails_at_the_deadline_and_drops_the_connection(through, proxy):
    assert _select_one(through) == 1
    proxy.freeze()

    started = time.monotonic()
    with pytest.raises(OperationalError, match=f"did not answer within {DEADLINE:g} s"):
        _select_one(through)

    assert DEADLINE <= time.monotonic() - started < DEADLINE + 2
    assert through.connection.closed


def test_after_a_failure_the_breaker_answers_at_once_without_asking_the_server(
    through, proxy, clock
):
    _fail_at_the_deadline(through, proxy)
    proxy.thaw()
    connections_before = proxy.connections

    for _ in range(3):
        with pytest.raises(OperationalError, match="not asked again yet"):
            _select_one(through)

    assert proxy.connections == connections_before  # not even a connection attempt


def test_after_the_pause_one_probe_reconnects_and_closes_the_breaker(through, proxy, clock):
    _fail_at_the_deadline(through, proxy)
    proxy.thaw()

    clock[0] += PAUSE_SECONDS + 0.1

    assert _select_one(through) == 1
    assert through.breaker.closed
    assert _select_one(through) == 1


def test_a_probe_that_fails_opens_the_breaker_for_another_pause(through, proxy, clock):
    _fail_at_the_deadline(through, proxy)
    clock[0] += PAUSE_SECONDS + 0.1

    with pytest.raises(OperationalError, match=r"did not answer|timeout"):
        _select_one(through)  # the probe: the server is still frozen
    with pytest.raises(OperationalError, match="not asked again yet"):
        _select_one(through)


def test_a_statement_error_is_not_an_outage(through):
    with pytest.raises(Exception, match="does_not_exist"), through.cursor() as cursor:
        cursor.execute("SELECT * FROM does_not_exist")

    assert through.breaker.closed
    assert _select_one(through) == 1


def test_a_slow_statement_is_cancelled_by_the_server_before_the_deadline(through):
    """The server's statement timeout (2 s here) comes before the client's deadline (+1 s)."""
    assert connection.settings_dict["OPTIONS"]["deadline"] == 3.0
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "2s"


@pytest.mark.django_db(transaction=True)
def test_a_refresh_abandoned_by_a_frozen_database_is_not_executed_and_can_be_retried(
    api_client, proxy, clock
):
    """The service gives up at the deadline; the server, once it runs again, reads the
    connection's end before any COMMIT and rolls the exchange back."""
    user = UserFactory()
    refresh = session_start(user=user).refresh
    default = connections["default"]
    direct = {key: default.settings_dict[key] for key in ("HOST", "PORT", "OPTIONS")}
    default.close()
    default.settings_dict.update(
        HOST="127.0.0.1",
        PORT=str(proxy.port),
        OPTIONS={**direct["OPTIONS"], "deadline": DEADLINE},
    )

    def freeze_at_the_exchange(execute, sql, params, many, context):
        if sql.startswith("INSERT") and RefreshTokenUse._meta.db_table in sql:
            proxy.freeze()
        return execute(sql, params, many, context)

    try:
        with default.execute_wrapper(freeze_at_the_exchange):
            response = api_client.post(
                "/api/auth/token/refresh", {"refresh": refresh}, format="json"
            )
        proxy.thaw()
    finally:
        default.close()
        default.settings_dict.update(direct)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"] == "5"
    clock[0] += PAUSE_SECONDS + 0.1  # the breaker's pause, then this probe closes it
    _wait_until_gone(proxy)
    assert not RefreshTokenUse.objects.exists()
    retried = api_client.post("/api/auth/token/refresh", {"refresh": refresh}, format="json")
    assert retried.status_code == HTTPStatus.OK, retried.content


def _wait_until_gone(proxy) -> None:
    """The sessions opened through the proxy have ended on the server, for up to 5 s."""
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT client_port, state, query FROM pg_stat_activity"
                " WHERE client_port = ANY(%s)",
                [proxy.server_ports],
            )
            sessions = cursor.fetchall()
        if not sessions:
            return
        time.sleep(0.05)
    raise AssertionError(f"sessions through the proxy are still on the server: {sessions}")


def test_the_token_endpoint_answers_503_while_the_breaker_is_open(api_client, db):
    user = UserFactory()
    connections["default"].breaker.trip(OSError("frozen"), "test")
    try:
        response = api_client.get(TOKEN_URL, **bearer(user))
    finally:
        connections["default"].breaker.reset()  # the test database's rollback needs it closed

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"] == "5"


def test_a_refused_connection_opens_no_breaker(django_db_blocker):
    """Refused at once, as by a stopped server: the next request may just try again."""
    settings = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": str(free_port())}
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias="refusing")

    with django_db_blocker.unblock():
        for _ in range(2):
            with pytest.raises(OperationalError, match="refused"):
                _select_one(wrapper)

    assert wrapper.breaker.closed
